import { z } from '../zod';
import { CASE_STATUSES, LEVELS, RISKS, STAGES } from '../../domain';

const countMap = z.record(z.string(), z.number().int());

export const dashboardSchema = z
  .object({
    centreId: z.string(),
    open: z.number().int(),
    closed: z.number().int().openapi({ description: 'Cases resolved and closed; duplicates are not among them' }),
    duplicates: z.number().int().openapi({ description: 'Reports closed as duplicates of another case, counted apart from the cases resolved' }),
    byStage: countMap,
    byLevel: countMap,
    byRisk: countMap,
    overdue: z.object({
      count: z.number().int(),
      items: z.array(z.object({ id: z.string(), caseNumber: z.string(), stage: z.enum(STAGES), centreId: z.string(), level: z.enum(LEVELS), risk: z.enum(RISKS), deadline: z.string().nullable() })),
    }),
    missedDeadlines: z
      .object({
        count: z.number().int(),
        items: z.array(
          z.object({
            id: z.string(),
            caseNumber: z.string(),
            stage: z.enum(STAGES),
            status: z.enum(CASE_STATUSES),
            centreId: z.string().openapi({ description: 'Where the case is now' }),
            level: z.enum(LEVELS),
            receivedAt: z.string(),
            missedBy: z.array(z.string()).openapi({ description: 'The centres of this dashboard that missed a deadline of the case, once per missed deadline' }),
          }),
        ),
      })
      .openapi({ description: 'Cases whose deadline a centre of this dashboard missed, wherever they are now, newest first' }),
    unansweredOrders: z
      .object({
        count: z.number().int(),
        lapsed: z.number().int(),
        items: z.array(
          z.object({
            caseId: z.string(),
            caseNumber: z.string(),
            orderId: z.string(),
            centreId: z.string().openapi({ description: 'The centre that owes the reply' }),
            byCentreId: z.string(),
            automatic: z.boolean(),
            reason: z.string(),
            replyBy: z.string(),
            status: z.enum(['open', 'lapsed']),
          }),
        ),
      })
      .openapi({ description: 'Supervision orders the centres of this dashboard owe a reply to, the earliest reply time first' }),
    medianTimeToCloseMs: z.number().nullable(),
    closedOnTimeShare: z.number().nullable(),
    satisfaction: z.object({ rated: z.number().int(), average: z.number().nullable(), satisfiedShare: z.number().nullable() }),
  })
  .openapi('Dashboard');
export type Dashboard = z.output<typeof dashboardSchema>;
