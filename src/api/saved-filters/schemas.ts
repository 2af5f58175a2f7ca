import { z } from '../zod';
import { CASE_STATUSES, LEVELS, RISKS, STAGES } from '../../domain';
import { idField } from '../../domain/actions';

/** A person keeps at most this many saved filters. */
export const MAX_SAVED_FILTERS = 30;

/**
 * The filter as the list's query string has it (GET /api/v1/cases without the page):
 * the web UI puts it back into the address as it is.
 */
export const filterParamsSchema = z
  .strictObject({
    stage: z.enum(STAGES).optional(),
    level: z.enum(LEVELS).optional(),
    centreId: idField().optional(),
    risk: z.enum(RISKS).optional(),
    overdue: z.enum(['true', 'false']).optional(),
    status: z.enum(CASE_STATUSES).optional(),
    q: z.string().trim().min(1).max(100).optional(),
    assignedTo: z.enum(['me']).optional(),
    sort: z.enum(['received', 'deadline']).optional(),
  })
  .openapi('CaseFilterParams');
export type FilterParams = z.output<typeof filterParamsSchema>;

export const newSavedFilterSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'a name of 1 to 60 characters').max(60, 'a name of 1 to 60 characters'),
    query: filterParamsSchema,
  })
  .openapi('NewSavedFilter');

export const savedFilterSchema = z
  .object({ id: z.string(), name: z.string(), query: filterParamsSchema, createdAt: z.string().openapi({ format: 'date-time' }) })
  .openapi('SavedFilter');
export type SavedFilterView = z.output<typeof savedFilterSchema>;

export const savedFilterListSchema = z.object({ items: z.array(savedFilterSchema), max: z.number().int() }).openapi('SavedFilterList');

export const savedFilterParamsSchema = z.strictObject({ id: z.string().regex(/^sf_[0-9a-f]{32}$/, 'a saved filter id: "sf_" and 32 hex digits') });
