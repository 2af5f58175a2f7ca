import { z } from '../zod';

/** The name of a client system: what an administrator reads in the key list and the audit. */
export const open311KeyNameSchema = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(100, 'at most 100 characters')
  .regex(/^[^\p{Cc}]*$/u, 'no control characters')
  .openapi({ description: 'The client system the key is for', example: 'FixMyStreet 漳州' });

export const newOpen311KeySchema = z.strictObject({ name: open311KeyNameSchema }).openapi('NewOpen311Key');

export const open311KeyIdParamsSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{16}$/, 'a key id: 16 hex digits, as the key list shows it'),
});

export const open311KeySchema = z
  .object({
    id: z.string().openapi({ description: "The key's fingerprint: the first 16 hex digits of its SHA-256 (never the key)" }),
    name: z.string(),
    createdAt: z.string(),
    createdBy: z.string().openapi({ description: 'Person id of the administrator, or `cli`' }),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
  })
  .openapi('Open311Key');

export const open311KeyListSchema = z.object({ items: z.array(open311KeySchema) }).openapi('Open311KeyList');

export const issuedOpen311KeySchema = open311KeySchema
  .extend({ key: z.string().openapi({ description: 'The key, shown this once: give it to the client system, which sends it as `api_key`' }) })
  .openapi('IssuedOpen311Key');

export type Open311KeyView = z.output<typeof open311KeySchema>;
export type IssuedOpen311Key = z.output<typeof issuedOpen311KeySchema>;
