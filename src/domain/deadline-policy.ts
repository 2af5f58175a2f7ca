/**
 * The deadline policy as governance centres keep it. Two clocks, not one per stage:
 *
 * - **Acknowledgement**: a centre that receives a case (a new report, or one sent up to it)
 *   should accept it within minutes of service time. Missing that is a lapse the level
 *   above is told of and supervises; it does not take the case away.
 * - **Handling limit**: from the moment a centre receives a case until it signs it off, by
 *   risk (and, where the policy says so, by level), in working days. When it passes the
 *   case goes up a level by itself; at the city it is flagged for people.
 *
 * Expert opinions, feedback and the reopen window have their own windows, in working or
 * calendar time as the policy says. Every span is data, and a case carries the policy it
 * was opened under (calendar included), so its deadlines replay the same.
 */
import { type Level, LEVELS } from './organisation';
import { RISKS, type Risk } from './risk';
import { addServiceTime, calendarForYears, calendarProblem, localYear, serviceMsPerDay, serviceTimeBetween, type ServiceSpan, type WorkingCalendar } from './working-time';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** How a span is counted: service minutes and working days stop outside service hours; calendar time never stops. */
export const SPAN_UNITS = ['service_minutes', 'working_days', 'calendar_minutes', 'calendar_days'] as const;
export type SpanUnit = (typeof SPAN_UNITS)[number];

export interface Span {
  amount: number;
  unit: SpanUnit;
}

export interface DeadlinePolicy {
  kind: 'working_time';
  /** Versions count up from 1; the case's timeline shows the one it runs under. */
  version: number;
  calendar: WorkingCalendar;
  /** A centre that receives a case accepts it within this. */
  acknowledge: Span;
  /** How long a centre has to resolve a case, by risk. */
  handling: Record<Risk, Span>;
  /** Where a level keeps other limits than `handling`, by risk. */
  handlingByLevel: Partial<Record<Level, Partial<Record<Risk, Span>>>>;
  /** Fraction of the handling limit after which the centre is warned, e.g. 0.8. */
  warnAt: number;
  /** What happens when acknowledgement is missed or the handling warning is reached. */
  superviseOn: { acknowledgementMissed: boolean; handlingWarning: boolean };
  /** Reply time the level above gives in an automatic supervision order. */
  supervisionReply: Span;
  /** An expert asked for an opinion gives it within this. */
  expertOpinion: Span;
  /** The complainant rates the result within this, or the case closes without a rating. */
  feedback: Span;
  /** After a low rating the complainant may reopen within this. */
  reopenWindow: Span;
  /** The longest the handling clock may stand still, all pauses of a case together. */
  maxPause: Span;
  /**
   * 1 in service. Demonstrations and tests shrink time: every span then counts around
   * the clock (a working day becomes 24 hours × scale), since a service-hours calendar
   * squeezed into minutes means nothing.
   */
  timeScale: number;
}

export function isWorkingTimePolicy(policy: object): policy is DeadlinePolicy {
  return 'kind' in policy && policy.kind === 'working_time';
}

const days = (amount: number): Span => ({ amount, unit: 'working_days' });

/** The county rules this product follows: high 1, medium 7, low 20 working days; a critical case is as urgent as a high one. */
export const DEFAULT_HANDLING: Record<Risk, Span> = { critical: days(1), high: days(1), medium: days(7), low: days(20) };

/** The policy without its calendar: what a new installation starts from. */
export function defaultDeadlinePolicy(calendar: WorkingCalendar): DeadlinePolicy {
  return {
    kind: 'working_time',
    version: 1,
    calendar,
    // The article's benchmark: a resident hears back within about five minutes of service.
    acknowledge: { amount: 5, unit: 'service_minutes' },
    handling: DEFAULT_HANDLING,
    handlingByLevel: {},
    warnAt: 0.8,
    superviseOn: { acknowledgementMissed: true, handlingWarning: true },
    supervisionReply: days(1),
    expertOpinion: days(5),
    feedback: { amount: 7, unit: 'calendar_days' },
    reopenWindow: { amount: 7, unit: 'calendar_days' },
    maxPause: { amount: 30, unit: 'calendar_days' },
    timeScale: 1,
  };
}

export function handlingLimit(policy: DeadlinePolicy, level: Level, risk: Risk): Span {
  return policy.handlingByLevel[level]?.[risk] ?? policy.handling[risk];
}

function countsWorkingTime(policy: DeadlinePolicy, span: Span): boolean {
  return policy.timeScale === 1 && (span.unit === 'service_minutes' || span.unit === 'working_days');
}

/** The span as milliseconds of its own clock: service time for working units, elapsed time otherwise. */
export function clockMs(policy: DeadlinePolicy, span: Span): number {
  const perUnit = span.unit === 'working_days' ? (policy.timeScale === 1 ? serviceMsPerDay(policy.calendar) : DAY) : span.unit === 'calendar_days' ? DAY : MINUTE;
  return Math.max(1, Math.round(span.amount * perUnit * policy.timeScale));
}

/** The moment `ms` of the span's clock have run after `start`. */
export function addClockTime(policy: DeadlinePolicy, span: Span, start: number, ms: number): number {
  return countsWorkingTime(policy, span) ? addServiceTime(start, ms, policy.calendar) : start + ms;
}

/** How much of the span's clock runs between two moments. */
export function clockTimeBetween(policy: DeadlinePolicy, span: Span, from: number, to: number): number {
  if (countsWorkingTime(policy, span)) return serviceTimeBetween(from, to, policy.calendar);
  return Math.max(0, to - from);
}

/** When a span that starts at `start` ends. */
export function spanEnd(policy: DeadlinePolicy, span: Span, start: number): number {
  return addClockTime(policy, span, start, clockMs(policy, span));
}

/**
 * The policy as a case filed at `now` carries it: the holidays of this year and the next
 * only (no handling limit runs longer), so a case's history stays small.
 */
export function policyForCaseFiledAt(policy: DeadlinePolicy, now: number): DeadlinePolicy {
  const year = localYear(now, policy.calendar);
  return { ...policy, calendar: calendarForYears(policy.calendar, year, year + 1) };
}

/** Shrinks time for demonstrations (e.g. 0.01 turns a working day into 14.4 minutes). */
export function scaleDeadlinePolicy(policy: DeadlinePolicy, scale: number): DeadlinePolicy {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`The time scale must be a finite number above 0, got ${scale}`);
  return scale === 1 ? policy : { ...policy, timeScale: policy.timeScale * scale };
}

// ---------------------------------------------------------------------------------------
// Validation: what a policy must satisfy before any case may run under it
// ---------------------------------------------------------------------------------------

/** The longest span any rule accepts: a year. */
const MAX_SPAN_MS = 366 * DAY;

function spanProblem(name: string, span: Span | undefined): string | null {
  if (span === undefined || span === null) return `${name} is missing`;
  if (!SPAN_UNITS.includes(span.unit)) return `${name} has an unknown unit "${String(span.unit)}"`;
  if (typeof span.amount !== 'number' || !Number.isFinite(span.amount) || span.amount <= 0) return `${name} must be a positive amount, got ${String(span.amount)}`;
  const nominal = span.amount * (span.unit === 'working_days' || span.unit === 'calendar_days' ? DAY : MINUTE);
  if (nominal > MAX_SPAN_MS) return `${name} is longer than a year`;
  return null;
}

function namedSpans(policy: DeadlinePolicy): [string, Span | undefined][] {
  const spans: [string, Span | undefined][] = [
    ['acknowledge', policy.acknowledge],
    ['supervisionReply', policy.supervisionReply],
    ['expertOpinion', policy.expertOpinion],
    ['feedback', policy.feedback],
    ['reopenWindow', policy.reopenWindow],
    ['maxPause', policy.maxPause],
  ];
  for (const risk of RISKS) spans.push([`handling.${risk}`, policy.handling?.[risk]]);
  for (const level of LEVELS) {
    for (const risk of RISKS) {
      const span = policy.handlingByLevel?.[level]?.[risk];
      if (span !== undefined) spans.push([`handlingByLevel.${level}.${risk}`, span]);
    }
  }
  return spans;
}

/**
 * What is wrong with a policy, or null when cases can run under it. `inForceFrom` is when
 * it starts to apply: the calendar must hold the holidays of that year, or working days
 * would be counted wrongly from the first case.
 */
export function deadlinePolicyProblem(policy: DeadlinePolicy, inForceFrom: number): string | null {
  if (!Number.isInteger(policy.version) || policy.version < 1) return 'version must be a whole number from 1';
  if (!(policy.warnAt > 0 && policy.warnAt < 1)) return `warnAt must be between 0 and 1, got ${policy.warnAt}`;
  if (!(policy.timeScale > 0 && Number.isFinite(policy.timeScale))) return 'timeScale must be above 0';
  for (const [name, span] of namedSpans(policy)) {
    const problem = spanProblem(name, span);
    if (problem) return problem;
  }
  const calendar = calendarProblem(policy.calendar);
  if (calendar) return `calendar: ${calendar}`;
  const year = new Date(inForceFrom + policy.calendar.utcOffsetMinutes * MINUTE).getUTCFullYear();
  const { first, last } = policy.calendar.coveredYears;
  if (year < first || year > last) return `calendar: no holiday data for ${year}; add that year's public holidays and make-up working days first`;
  return null;
}

// ---------------------------------------------------------------------------------------
// What the city administrator edits
// ---------------------------------------------------------------------------------------

/** A year's public holidays and make-up working days, entered where the holiday data has none yet. */
export interface CalendarYear {
  year: number;
  holidays: string[];
  makeUpWorkdays: string[];
}

/** The editable part of a policy: everything but its version, the national holiday data and the demonstration scale. */
export type PolicySettings = Omit<DeadlinePolicy, 'kind' | 'version' | 'calendar' | 'timeScale'> & {
  serviceHours: ServiceSpan[];
  /** Years added by hand; the holiday package's own years take precedence. */
  addedYears: CalendarYear[];
};

export function settingsOf(policy: DeadlinePolicy, addedYears: CalendarYear[] = []): PolicySettings {
  const { kind: _kind, version: _version, calendar, timeScale: _timeScale, ...rules } = policy;
  return { ...rules, serviceHours: [...calendar.serviceHours], addedYears };
}

/**
 * The policy a version's settings make with the national holiday data (`base`): years the
 * data lacks are taken from the added years, and the covered years run on only as far as
 * both leave no gap.
 */
export function policyFromSettings(settings: PolicySettings, version: number, base: WorkingCalendar): DeadlinePolicy {
  const { serviceHours, addedYears, ...rules } = settings;
  let calendar: WorkingCalendar = { ...base, serviceHours };
  const added = [...addedYears].sort((a, b) => a.year - b.year);
  for (const year of added) {
    const covered = year.year >= calendar.coveredYears.first && year.year <= calendar.coveredYears.last;
    if (covered || year.year !== calendar.coveredYears.last + 1) continue;
    calendar = {
      ...calendar,
      holidays: [...calendar.holidays, ...year.holidays].sort(),
      makeUpWorkdays: [...calendar.makeUpWorkdays, ...year.makeUpWorkdays].sort(),
      coveredYears: { first: calendar.coveredYears.first, last: year.year },
    };
  }
  return { kind: 'working_time', version, calendar, timeScale: 1, ...rules };
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function isDayOf(day: string, year: number): boolean {
  const match = DAY_PATTERN.exec(day);
  if (!match || Number(match[1]) !== year) return false;
  const date = new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3])));
  return date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3]);
}

/** What is wrong with added calendar years, or null. */
export function addedYearsProblem(years: readonly CalendarYear[], base: WorkingCalendar): string | null {
  const seen = new Set<number>();
  for (const entry of years) {
    if (seen.has(entry.year)) return `addedYears: ${entry.year} is given twice`;
    seen.add(entry.year);
    if (entry.year >= base.coveredYears.first && entry.year <= base.coveredYears.last) return `addedYears: the holiday data already covers ${entry.year}`;
    if (entry.holidays.length === 0) return `addedYears: ${entry.year} needs its public holidays`;
    for (const day of [...entry.holidays, ...entry.makeUpWorkdays]) {
      if (!isDayOf(day, entry.year)) return `addedYears: "${day}" is not a date (yyyy-mm-dd) in ${entry.year}`;
    }
    if (entry.holidays.some((day) => entry.makeUpWorkdays.includes(day))) return `addedYears: a day of ${entry.year} cannot be both a holiday and a working day`;
  }
  return null;
}
