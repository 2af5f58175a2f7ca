/**
 * Photos and PDFs: uploaded one per request as the body's bytes (`POST /api/v1/files`),
 * then named by id in a report (`files` of POST /api/v1/cases) or in an action that
 * records a mediation session or a disposal. Read back only through a case the caller
 * may see, and only the files that case lists.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { filesOf, type CaseDocument } from '../../domain';
import { fileStoreOf, type StoredFile } from '../../db/file-store';
import { callerOf } from '../auth';
import type { ApiContext } from '../context';
import { problems } from '../problem';
import { defineRoute, type RouteSpec } from '../routes';
import { findVisibleCase } from '../cases/queries';
import { caseParamsSchema } from '../cases/schemas';
import { namesOf, toIso } from '../cases/view';
import { ACCEPTED_TYPES, declaredType, fileProblems, prepareUpload } from './content';
import { caseFileParamsSchema, caseFilesSchema, uploadedFileSchema, uploadQuerySchema, type CaseFiles, type UploadedFile } from './schemas';
import { storeUpload, sweepNowAndThen, type FileMetadata } from './uploads';

const TAGS = ['files'];

const NO_SUCH_FILE = { zh: '找不到此文件，或您无权查看。', en: 'No such file, or not one you may see.' };

/** Reads the body as bytes, up to the limit; a larger one is a 413 in the reader's words, and nothing is stored. */
function rawBody(maxBytes: number): RequestHandler {
  const parse = express.raw({ type: () => true, limit: maxBytes });
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large') next(fileProblems.tooLarge(maxBytes));
      else next(error);
    });
  };
}

function uploadedView(id: string, size: number, meta: FileMetadata): UploadedFile {
  return { id, kind: meta.kind, contentType: meta.contentType, size, width: meta.width, height: meta.height, placeShared: meta.placeShared, name: meta.name };
}

/** A download's file name, for Content-Disposition (RFC 6266: an ASCII fallback and the UTF-8 name). */
function contentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function fileRoutes(ctx: ApiContext): RouteSpec[] {
  const store = fileStoreOf(ctx.db);

  /** A file the case lists, as stored; 404 for anything else. */
  async function fileOfCase(doc: CaseDocument, fileId: string): Promise<StoredFile<FileMetadata>> {
    const listed = filesOf(doc).some((file) => file.fileId === fileId);
    const file = listed ? await store.find<FileMetadata>(fileId) : null;
    if (!file) throw problems.notFound(`No file ${fileId} on case ${doc._id}`, NO_SUCH_FILE);
    return file;
  }

  /** Bytes of a case's file, for nobody but the browser that asked: no sniffing, no scripts, kept privately. */
  function sendBytes(res: Response, data: Buffer, contentType: string, disposition: string): void {
    res.set({
      'Content-Type': contentType,
      'Content-Length': String(data.length),
      'Content-Disposition': disposition,
      'Cache-Control': 'private, max-age=300',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
    });
    res.status(200).end(data);
  }

  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/files',
      summary: 'Upload one photo or PDF (the body is the file’s bytes, Content-Type its type); then name its id in a report or an action',
      tags: TAGS,
      auth: 'required',
      query: uploadQuerySchema,
      rawBody: { contentTypes: ACCEPTED_TYPES, description: 'The file itself; its type is checked by its content' },
      before: [rawBody(ctx.config.uploadMaxBytes)],
      responses: {
        201: { description: 'Stored, not yet on any case: name it in `files` within six hours', schema: uploadedFileSchema },
        400: { description: 'Empty, damaged, or a photo with too many pixels' },
        413: { description: 'Larger than ONEDOOR_UPLOAD_MAX_BYTES' },
        415: { description: 'Not a photo or a PDF, whatever its name or declared type' },
      },
      async handler(req: Request, res, { query }) {
        const caller = callerOf(req);
        // A JSON or form body was parsed before this route: it is not a file.
        if (!Buffer.isBuffer(req.body)) throw fileProblems.notAccepted('Send the file’s bytes as the body, with its type in Content-Type');
        const sharePlace = query.sharePlace === 'true';
        const prepared = await prepareUpload(req.body, declaredType(req.get('content-type')), { maxBytes: ctx.config.uploadMaxBytes, maxPixels: ctx.config.uploadMaxPixels }, sharePlace);
        const name = query.name ?? (prepared.kind === 'pdf' ? 'document.pdf' : `photo.${prepared.contentType.split('/')[1] ?? 'jpg'}`);
        const { id, metadata } = await storeUpload(store, caller, prepared, name, sharePlace);
        sweepNowAndThen(ctx);
        res.status(201).json(uploadedView(id, prepared.data.length, metadata));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/files',
      summary: 'The photos and documents of a case, and the picture link an Open311 client sent',
      tags: TAGS,
      auth: 'required',
      params: caseParamsSchema,
      responses: { 200: { description: 'The case’s files', schema: caseFilesSchema }, 404: { description: 'No such case, or not one the caller may see' } },
      async handler(req, res, { params }) {
        const doc = await findVisibleCase(ctx, callerOf(req), params.id);
        const attached = filesOf(doc);
        // Each by `_id`, the one lookup FerretDB serves from an index.
        const [stored, names] = await Promise.all([Promise.all(attached.map((file) => store.find<FileMetadata>(file.fileId))), namesOf(ctx, attached.map((file) => file.by))]);
        const files: CaseFiles['files'] = [];
        attached.forEach((file, index) => {
          const found = stored[index];
          if (!found) return;
          files.push({ ...uploadedView(found._id, found.length, found.metadata), purpose: file.purpose, at: toIso(file.at), by: { id: file.by, name: names.get(file.by) ?? null }, thumbnail: found.metadata.thumbnailId !== null });
        });
        const answer: CaseFiles = { files, mediaUrl: doc.mediaUrl ?? null };
        res.json(answer);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/files/{fileId}',
      summary: 'One file of a case: a photo shown inline, a PDF as a download',
      tags: TAGS,
      auth: 'required',
      params: caseFileParamsSchema,
      responses: { 200: { description: 'The file’s bytes' }, 404: { description: 'No such file on a case the caller may see' } },
      async handler(req, res, { params }) {
        const doc = await findVisibleCase(ctx, callerOf(req), params.id);
        const file = await fileOfCase(doc, params.fileId);
        const data = await store.read(file);
        sendBytes(res, data, file.metadata.contentType, contentDisposition(file.metadata.kind === 'pdf' ? 'attachment' : 'inline', file.metadata.name));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/files/{fileId}/thumbnail',
      summary: 'A photo’s thumbnail (WebP, at most 320 pixels a side)',
      tags: TAGS,
      auth: 'required',
      params: caseFileParamsSchema,
      responses: { 200: { description: 'The thumbnail', contentType: 'image/webp' }, 404: { description: 'No such photo on a case the caller may see' } },
      async handler(req, res, { params }) {
        const doc = await findVisibleCase(ctx, callerOf(req), params.id);
        const file = await fileOfCase(doc, params.fileId);
        const thumbnail = file.metadata.thumbnailId ? await store.find(file.metadata.thumbnailId) : null;
        if (!thumbnail) throw problems.notFound(`File ${params.fileId} has no thumbnail`, NO_SUCH_FILE);
        sendBytes(res, await store.read(thumbnail), 'image/webp', contentDisposition('inline', `${file.metadata.name}.webp`));
      },
    }),
  ];
}
