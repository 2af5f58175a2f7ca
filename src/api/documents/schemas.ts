/** What the documents routes take and answer: the judicial confirmation hand-offs. */
import { z } from '../zod';

export const handoffSchema = z
  .object({
    n: z.number().int(),
    court: z.string(),
    at: z.string(),
    by: z.object({ personId: z.string(), name: z.string().nullable(), centreId: z.string() }),
  })
  .openapi('JudicialHandoff');

export const judicialSchema = z
  .object({
    caseId: z.string(),
    agreementAt: z.string().nullable().openapi({ description: 'When the agreement was recorded' }),
    applyBy: z.string().nullable().openapi({ description: 'The parties apply to the court within 30 days of the agreement taking effect (counted here from its recording)' }),
    mayPrepare: z.boolean().openapi({ description: 'Whether the caller may prepare (another) hand-off now' }),
    handoffs: z.array(handoffSchema),
  })
  .openapi('JudicialConfirmation');

export const prepareSchema = z.strictObject({ court: z.string().trim().min(2).max(200).openapi({ example: '平和县人民法院' }) });

export type JudicialHandoff = z.output<typeof handoffSchema>;
export type JudicialConfirmation = z.output<typeof judicialSchema>;
