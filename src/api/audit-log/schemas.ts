import { z } from '../zod';
import { isCaseId, isCaseNumber } from '../../domain';
import { idField } from '../../domain/actions';

/** A page holds at most this many entries; the CSV export at most EXPORT_LIMIT. */
export const MAX_AUDIT_PAGE = 200;
export const EXPORT_LIMIT = 50_000;

const instant = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with its offset, such as 2026-12-01T00:00:00+08:00' });

/** The filters of the log and of its export; `from` is inclusive, `to` exclusive. */
const filterShape = {
  person: idField().optional().openapi({ description: 'A person id: entries where they acted or were acted upon' }),
  case: z
    .string()
    .trim()
    .refine((value) => isCaseId(value) || isCaseNumber(value), 'a case id (case_…) or a case number (ZZ-yyyymmdd-nnnnnn)')
    .optional()
    .openapi({ description: 'A case id or case number' }),
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_.]{0,63}$/, 'an action name such as accept, intake or deadline_policy.add_version')
    .optional(),
  outcome: z.string().regex(/^[a-z][a-z_]{0,31}$/, 'an outcome such as ok, refused, not_found or error').optional(),
  from: instant.optional().openapi({ description: 'Entries at or after this moment' }),
  to: instant.optional().openapi({ description: 'Entries before this moment' }),
};

function periodInOrder(value: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx): void {
  if (value.from !== undefined && value.to !== undefined && Date.parse(value.from) >= Date.parse(value.to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
  }
}

export const auditQuerySchema = z
  .strictObject({
    ...filterShape,
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .superRefine(periodInOrder);
export type AuditQuery = z.output<typeof auditQuerySchema>;

export const auditExportQuerySchema = z
  .strictObject({
    ...filterShape,
    lang: z.enum(['zh', 'en']).default('en').openapi({ description: 'The language of the header row' }),
  })
  .superRefine(periodInOrder);
export type AuditExportQuery = z.output<typeof auditExportQuerySchema>;
export type AuditFilters = Pick<AuditQuery, keyof typeof filterShape>;

export const auditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string().openapi({ format: 'date-time' }),
    actor: z
      .object({ personId: z.string(), name: z.string().nullable(), role: z.string(), centreId: z.string().nullable() })
      .nullable()
      .openapi({ description: 'null for a request without a person' }),
    action: z.string(),
    caseId: z.string().nullable(),
    caseNumber: z.string().nullable(),
    subject: z.object({ personId: z.string(), name: z.string().nullable() }).nullable().openapi({ description: 'The person acted upon' }),
    outcome: z.string(),
    status: z.number().int().nullable(),
    address: z.string().nullable(),
    scope: z.array(z.string()),
    detail: z.record(z.string(), z.unknown()).openapi({ description: 'As recorded: phone numbers masked' }),
  })
  .openapi('AuditEntry');
export type AuditEntryView = z.output<typeof auditEntrySchema>;

export const auditPageSchema = z
  .object({ items: z.array(auditEntrySchema), total: z.number().int(), offset: z.number().int(), limit: z.number().int() })
  .openapi('AuditPage');
export type AuditPage = z.output<typeof auditPageSchema>;
