import { z } from '../zod';
import { ASSIGNEE_ROLES } from '../../domain';

export const poolMemberSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ASSIGNEE_ROLES),
    centreId: z.string(),
    specialties: z.array(z.string()),
    title: z.string().nullable(),
    load: z.number().int().openapi({ description: 'Open cases currently assigned' }),
  })
  .openapi('PoolMember');
export type PoolMember = z.output<typeof poolMemberSchema>;
