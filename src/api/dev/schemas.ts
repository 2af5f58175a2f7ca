import { z } from '../zod';
import { ROLES } from '../../domain';

export const devPersonSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    centreId: z.string(),
    title: z.string().nullable(),
    specialties: z.array(z.string()),
  })
  .openapi('DevPerson');
export type DevPerson = z.output<typeof devPersonSchema>;
