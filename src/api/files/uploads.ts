/**
 * An upload's life: stored as pending (its uploader's, on no case yet); named by a
 * report or an action, it is claimed for that case before the workflow hears of it,
 * and attached once the case has taken it. A pending upload no case took is deleted
 * after a while (`sweepUploads`), as is a claim whose case never took the file (the
 * API stopped between the claim and the workflow), so nothing unreferenced stays.
 */
import { randomBytes } from 'node:crypto';
import { filesOf } from '../../domain';
import { findCaseDocument } from '../../db/models';
import { fileStoreOf, type FileStore, type StoredFile } from '../../db/file-store';
import type { ApiContext, Caller } from '../context';
import { HttpProblem, problems } from '../problem';
import { CaseActionRefused, CaseWorkflowGone } from '../../temporal/cases';
import type { FileKind, Prepared } from './content';

export interface FileMetadata {
  uploadedBy: string;
  /** The case it was claimed for; null while no report or action has named it. */
  caseId: string | null;
  state: 'pending' | 'attached';
  kind: FileKind;
  contentType: string;
  width: number | null;
  height: number | null;
  /** The photo kept its EXIF (with the place it was taken) because the reporter chose to share it. */
  placeShared: boolean;
  thumbnailId: string | null;
  /** The name the file had on the uploader's device, for a download's file name. */
  name: string;
}

/** An upload no report or action took within this time is deleted. */
export const PENDING_LIFETIME_MS = 6 * 3600_000;
/** How often a process looks for uploads to sweep (on the next upload after this long). */
const SWEEP_EVERY_MS = 10 * 60_000;

export const newFileId = (): string => `file_${randomBytes(12).toString('hex')}`;
const thumbnailIdOf = (fileId: string): string => `${fileId}_thumb`;

/** Stores a checked upload (its thumbnail first, so a stored file always has the thumbnail it names). */
export async function storeUpload(store: FileStore, caller: Caller, prepared: Prepared, name: string, placeShared: boolean): Promise<{ id: string; metadata: FileMetadata }> {
  const id = newFileId();
  const thumbnailId = prepared.thumbnail ? thumbnailIdOf(id) : null;
  if (prepared.thumbnail && thumbnailId) await store.write(thumbnailId, `${name}.thumb.webp`, prepared.thumbnail, { thumbnailOf: id });
  const metadata: FileMetadata = {
    uploadedBy: caller.personId,
    caseId: null,
    state: 'pending',
    kind: prepared.kind,
    contentType: prepared.contentType,
    width: prepared.width,
    height: prepared.height,
    placeShared: prepared.kind === 'image' && placeShared,
    thumbnailId,
    name,
  };
  try {
    await store.write(id, name, prepared.data, metadata);
  } catch (error) {
    if (thumbnailId) await store.delete(thumbnailId).catch(() => undefined);
    throw error;
  }
  return { id, metadata };
}

const NOT_YOURS = {
  zh: '附件无效：只能附上您本人刚上传、尚未用于其他案件的文件。请重新选择文件。',
  en: 'An attachment is not valid: attach only files you have just uploaded and not used for another case. Choose the files again.',
};

/**
 * Claims the named uploads for `caseId`: each must be the caller's and on no other
 * case. A file already attached to this case (a retried request) is taken as it is.
 */
async function claim(store: FileStore, caller: Caller, caseId: string, fileIds: readonly string[], field: string): Promise<string[]> {
  const claimed: string[] = [];
  const refused: number[] = [];
  for (const [index, id] of fileIds.entries()) {
    const file = await store.find<FileMetadata>(id);
    const meta = file?.metadata;
    // A thumbnail has no uploader, so it is never anyone's to attach.
    if (!meta || meta.uploadedBy !== caller.personId || (meta.caseId !== null && meta.caseId !== caseId)) {
      refused.push(index);
      continue;
    }
    if (meta.state === 'attached') continue;
    // Conditional on nobody having claimed it meanwhile for another case.
    if (await store.updateMetadata(id, { uploadedBy: caller.personId, caseId: meta.caseId }, { caseId })) claimed.push(id);
    else refused.push(index);
  }
  if (refused.length > 0) {
    await release(store, caseId, claimed);
    const error = problems.validation(refused.map((index) => ({ name: `${field}[${index}]`, reason: 'not a file you uploaded, or already attached to another case' })), 'Attach only your own uploads (POST /api/v1/files) not used for another case');
    error.problem.message = NOT_YOURS;
    throw error;
  }
  return claimed;
}

/** A refusal by the rules or of the request: the case has not taken the files. */
function isRefusal(error: unknown): boolean {
  return error instanceof CaseActionRefused || error instanceof CaseWorkflowGone || (error instanceof HttpProblem && error.problem.status < 500);
}

async function release(store: FileStore, caseId: string, fileIds: readonly string[]): Promise<void> {
  for (const id of fileIds) await store.updateMetadata(id, { caseId, state: 'pending' }, { caseId: null }).catch(() => undefined);
}

async function markAttached(store: FileStore, caseId: string, fileIds: readonly string[]): Promise<void> {
  for (const id of fileIds) await store.updateMetadata(id, { caseId }, { state: 'attached' });
}

/**
 * Runs `work` (starting a case, or an action on one) with the named uploads claimed
 * for the case: attached when it succeeds, released when it is refused. Only the ids
 * travel to the workflow.
 */
export async function withClaimedFiles<T>(ctx: ApiContext, caller: Caller, caseId: string, fileIds: readonly string[] | undefined, field: string, work: () => Promise<T>): Promise<T> {
  if (!fileIds || fileIds.length === 0) return work();
  const store = fileStoreOf(ctx.db);
  const claimed = await claim(store, caller, caseId, fileIds, field);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // Released only when the case surely did not take them: after any other failure (Temporal
    // away, a deadline) the action may still take effect, and the sweep settles the claim.
    if (isRefusal(error)) await release(store, caseId, claimed);
    throw error;
  }
  // Were this process to stop here, the sweep finds the claim and attaches it, as the case took it.
  await markAttached(store, caseId, fileIds);
  return result;
}

async function deleteWithThumbnail(store: FileStore, file: StoredFile<FileMetadata>): Promise<void> {
  if (file.metadata.thumbnailId) await store.delete(file.metadata.thumbnailId);
  await store.delete(file._id);
}

/**
 * Deletes uploads no case took within PENDING_LIFETIME_MS and the remains of writes a
 * dead process left; attaches a claimed upload whose case did take it. Returns how
 * many files it deleted.
 */
export async function sweepUploads(ctx: ApiContext, now = Date.now()): Promise<number> {
  const store = fileStoreOf(ctx.db);
  let deleted = await store.sweepInterruptedWrites(now);
  const stale = await store.findWhere<FileMetadata>({ 'metadata.state': 'pending', uploadDate: { $lt: new Date(now - PENDING_LIFETIME_MS) } }, 200);
  for (const file of stale) {
    const caseId = file.metadata.caseId;
    if (caseId !== null) {
      const doc = await findCaseDocument(ctx.db.models, caseId);
      if (doc && filesOf(doc).some((attached) => attached.fileId === file._id)) {
        await markAttached(store, caseId, [file._id]);
        continue;
      }
    }
    await deleteWithThumbnail(store, file);
    deleted += 1;
  }
  return deleted;
}

const lastSweep = new WeakMap<object, number>();

/** Sweeps now and then, from the upload route: no timer to keep, and a process that takes no uploads makes none to sweep. */
export function sweepNowAndThen(ctx: ApiContext): void {
  const now = Date.now();
  if (now - (lastSweep.get(ctx) ?? 0) < SWEEP_EVERY_MS) return;
  lastSweep.set(ctx, now);
  sweepUploads(ctx, now).catch((error: unknown) => ctx.logger.warn({ err: error }, 'sweeping uploads failed'));
}

