import { z } from '../zod';

export const poolMemberSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(['mediator', 'expert']),
    centreId: z.string(),
    specialties: z.array(z.string()),
    title: z.string().nullable(),
    load: z.number().int().openapi({ description: 'Open cases currently assigned' }),
  })
  .openapi('PoolMember');
export type PoolMember = z.output<typeof poolMemberSchema>;
