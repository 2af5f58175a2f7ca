import { z } from '../zod';
import { FILE_ID, FILE_PURPOSES } from '../../domain';
import { caseIdSchema } from '../cases/schemas';

const fileId = z.string().regex(FILE_ID, 'a file id such as file_0123456789abcdef01234567');

export const uploadQuerySchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional().openapi({ description: 'The file’s name on the uploader’s device (for the download’s name)' }),
  sharePlace: z.enum(['true', 'false']).optional().openapi({ description: '`true` keeps a photo’s EXIF, with the place it was taken; otherwise all metadata is removed' }),
});

export const uploadedFileSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['image', 'pdf']),
    contentType: z.string(),
    size: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    placeShared: z.boolean(),
    name: z.string(),
  })
  .openapi('UploadedFile');

export const caseFileSchema = uploadedFileSchema
  .extend({
    purpose: z.enum(FILE_PURPOSES),
    at: z.string(),
    by: z.object({ id: z.string(), name: z.string().nullable() }),
    thumbnail: z.boolean(),
  })
  .openapi('CaseFile');

export const caseFilesSchema = z
  .object({
    files: z.array(caseFileSchema),
    mediaUrl: z.string().nullable().openapi({ description: 'The picture link an Open311 client sent with the request (media_url)' }),
  })
  .openapi('CaseFiles');

export const caseFileParamsSchema = z.strictObject({ id: caseIdSchema, fileId });

export type UploadedFile = z.output<typeof uploadedFileSchema>;
export type CaseFileView = z.output<typeof caseFileSchema>;
export type CaseFiles = z.output<typeof caseFilesSchema>;
