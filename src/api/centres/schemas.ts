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
