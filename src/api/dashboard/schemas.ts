import { z } from '../zod';
import { LEVELS, RISKS, STAGES } from '../../domain';

const countMap = z.record(z.string(), z.number().int());

export const dashboardSchema = z
  .object({
    centreId: z.string(),
    open: z.number().int(),
    closed: z.number().int(),
    byStage: countMap,
    byLevel: countMap,
    byRisk: countMap,
    overdue: z.object({
      count: z.number().int(),
      items: z.array(z.object({ id: z.string(), caseNumber: z.string(), stage: z.enum(STAGES), centreId: z.string(), level: z.enum(LEVELS), risk: z.enum(RISKS), deadline: z.string().nullable() })),
    }),
    medianTimeToCloseMs: z.number().nullable(),
    closedOnTimeShare: z.number().nullable(),
    satisfaction: z.object({ rated: z.number().int(), average: z.number().nullable(), satisfiedShare: z.number().nullable() }),
  })
  .openapi('Dashboard');
export type Dashboard = z.output<typeof dashboardSchema>;
