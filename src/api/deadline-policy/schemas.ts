import { z } from '../zod';
import { LEVELS, RISKS, SPAN_UNITS } from '../../domain';

const span = z.strictObject({ amount: z.number().positive().max(100_000), unit: z.enum(SPAN_UNITS) }).openapi('PolicySpan');
const byRisk = z.strictObject(Object.fromEntries(RISKS.map((risk) => [risk, span])) as Record<(typeof RISKS)[number], typeof span>);
const partialByRisk = byRisk.partial();
const minuteOfDay = z.number().int().min(0).max(24 * 60);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date: yyyy-mm-dd');

export const policySettingsSchema = z
  .strictObject({
    acknowledge: span,
    handling: byRisk,
    handlingByLevel: z.strictObject(Object.fromEntries(LEVELS.map((level) => [level, partialByRisk.optional()])) as Record<(typeof LEVELS)[number], z.ZodOptional<typeof partialByRisk>>),
    warnAt: z.number().gt(0).lt(1),
    superviseOn: z.strictObject({ acknowledgementMissed: z.boolean(), handlingWarning: z.boolean() }),
    supervisionReply: span,
    expertOpinion: span,
    feedback: span,
    reopenWindow: span,
    maxPause: span,
    serviceHours: z.array(z.strictObject({ start: minuteOfDay, end: minuteOfDay })).min(1).max(6).openapi({ description: 'Minutes after local midnight, e.g. 510–720 is 08:30–12:00' }),
    addedYears: z
      .array(z.strictObject({ year: z.number().int().min(2000).max(2100), holidays: z.array(day).max(60), makeUpWorkdays: z.array(day).max(30) }))
      .max(5)
      .openapi({ description: 'Holidays of years the national holiday data does not cover yet, from the State Council notice' }),
  })
  .openapi('PolicySettings');

export const newPolicyVersionSchema = z
  .strictObject({
    basedOn: z.number().int().min(1).openapi({ description: 'The version the edit started from; a save on a version that is no longer current is refused' }),
    settings: policySettingsSchema,
    note: z.string().trim().min(1).max(2000).openapi({ description: 'Why the policy changes' }),
  })
  .openapi('NewPolicyVersion');

export const policyVersionSchema = z
  .object({
    version: z.number().int(),
    current: z.boolean(),
    settings: policySettingsSchema,
    coveredYears: z.object({ first: z.number().int(), last: z.number().int() }).openapi({ description: 'Years with holiday data; past the last one only weekends are off' }),
    createdAt: z.string().nullable(),
    createdBy: z.string(),
    note: z.string(),
  })
  .openapi('PolicyVersion');

export const policyVersionListSchema = z.object({ items: z.array(policyVersionSchema) }).openapi('PolicyVersionList');

export type PolicyVersionView = z.output<typeof policyVersionSchema>;
export type NewPolicyVersion = z.output<typeof newPolicyVersionSchema>;
