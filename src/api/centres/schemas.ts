import { z } from '../zod';
import { LEVELS } from '../../domain';

export const centreSchema = z
  .object({
    id: z.string(),
    name: z.object({ zh: z.string(), en: z.string() }),
    level: z.enum(LEVELS),
    parentId: z.string().nullable(),
    path: z.array(z.string()),
    closedAt: z.string().nullable().openapi({ description: 'When the centre was closed; a closed centre is kept for the history of its cases and takes no new ones' }),
  })
  .openapi('Centre');
export type CentreView = z.output<typeof centreSchema>;

// ---- administration (the city's administrators) -----------------------------------------

const centreName = z.strictObject({ zh: z.string().trim().min(1).max(100), en: z.string().trim().min(1).max(100) });
const centreId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);

export const newCentreSchema = z
  .strictObject({
    id: centreId.optional().openapi({ description: 'Optional: generated from the parent’s id when left out' }),
    name: centreName,
    level: z.enum(LEVELS),
    parentId: centreId,
  })
  .openapi('NewCentre');
export type NewCentre = z.input<typeof newCentreSchema>;

export const centreRenameSchema = z.strictObject({ name: centreName }).openapi('CentreRename');
export const centreMoveSchema = z.strictObject({ parentId: centreId }).openapi('CentreMove');

export const centreMoveResultSchema = centreSchema
  .extend({
    peopleMoved: z.number().int().openapi({ description: 'People at the centre, whose centre path changed with it' }),
    openCasesKeepingPath: z.number().int().openapi({ description: 'Open cases held there: they keep the path they were filed under' }),
  })
  .openapi('CentreMoveResult');
export type CentreMoveResult = z.output<typeof centreMoveResultSchema>;
