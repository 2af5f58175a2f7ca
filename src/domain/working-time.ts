/**
 * Working time as a governance centre counts it: service hours on working days, in the
 * centres' local time. A working day is a weekday that is not a public holiday, or a
 * weekend day the State Council has made a working day (调休). The calendar is plain data,
 * so a case can carry the one it was opened under and its deadlines replay the same.
 *
 * Local time is a fixed offset from UTC: China keeps no summer time.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A span of service on a working day, in minutes after local midnight: [start, end). An object, not a pair: documents store no nested arrays. */
export interface ServiceSpan {
  start: number;
  end: number;
}

export interface WorkingCalendar {
  /** Minutes east of UTC of the centres' clocks (Asia/Shanghai: 480). */
  utcOffsetMinutes: number;
  /** The service hours of every working day, in order and not overlapping. */
  serviceHours: readonly ServiceSpan[];
  /** Public holidays, `yyyy-mm-dd`: days off even when they fall on a weekday. */
  holidays: readonly string[];
  /** Weekend days that are working days (调休), `yyyy-mm-dd`. */
  makeUpWorkdays: readonly string[];
  /** The first and last year the holiday data covers; outside them only weekends are off. */
  coveredYears: { first: number; last: number };
}

/** 08:30–12:00 and 14:30–17:30, the hours most centres keep. */
export const DEFAULT_SERVICE_HOURS: readonly ServiceSpan[] = [
  { start: 8 * 60 + 30, end: 12 * 60 },
  { start: 14 * 60 + 30, end: 17 * 60 + 30 },
];

/** What a calendar must satisfy to be counted with; null when it is sound, else what is wrong. */
export function calendarProblem(calendar: WorkingCalendar): string | null {
  if (!Number.isInteger(calendar.utcOffsetMinutes) || Math.abs(calendar.utcOffsetMinutes) > 14 * 60) return 'the UTC offset must be whole minutes within ±14 hours';
  if (calendar.serviceHours.length === 0) return 'a working day needs at least one span of service hours';
  let previousEnd = 0;
  for (const { start, end } of calendar.serviceHours) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < previousEnd || end <= start || end > 24 * 60) {
      return 'service hours must be whole minutes of the day, in order, each ending after it starts and none overlapping';
    }
    previousEnd = end;
  }
  return null;
}

/** Milliseconds of service in one working day (6.5 hours by default). */
export function serviceMsPerDay(calendar: WorkingCalendar): number {
  return calendar.serviceHours.reduce((sum, { start, end }) => sum + (end - start) * MINUTE, 0);
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Epoch ms of local midnight of the local day that `ms` falls in. */
function localMidnight(ms: number, calendar: WorkingCalendar): number {
  const offset = calendar.utcOffsetMinutes * MINUTE;
  return Math.floor((ms + offset) / DAY) * DAY - offset;
}

/** The local day, `yyyy-mm-dd`, that starts at this local midnight. */
function dayName(midnight: number, calendar: WorkingCalendar): string {
  const local = new Date(midnight + calendar.utcOffsetMinutes * MINUTE);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
}

function isWeekend(midnight: number, calendar: WorkingCalendar): boolean {
  const weekday = new Date(midnight + calendar.utcOffsetMinutes * MINUTE).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** Whether the local day containing `ms` is a working day. */
export function isWorkingDay(ms: number, calendar: WorkingCalendar): boolean {
  const midnight = localMidnight(ms, calendar);
  const day = dayName(midnight, calendar);
  if (calendar.makeUpWorkdays.includes(day)) return true;
  if (calendar.holidays.includes(day)) return false;
  return !isWeekend(midnight, calendar);
}

/** Whether the calendar's holiday data covers the local year of `ms`. */
export function coversYearOf(ms: number, calendar: WorkingCalendar): boolean {
  const year = Number(dayName(localMidnight(ms, calendar), calendar).slice(0, 4));
  return year >= calendar.coveredYears.first && year <= calendar.coveredYears.last;
}

/** Days looked at, at most, before giving up: no sound calendar goes ten years without service. */
const MAX_DAYS = 3660;

/**
 * The moment `serviceMs` of service time has passed after `start`: time outside service
 * hours, on weekends and on holidays does not count. A start outside service hours counts
 * from the next opening; zero service time is the start itself.
 */
export function addServiceTime(start: number, serviceMs: number, calendar: WorkingCalendar): number {
  if (!Number.isFinite(start) || !Number.isFinite(serviceMs) || serviceMs < 0) throw new Error(`addServiceTime needs a start and a non-negative duration, got ${start} and ${serviceMs}`);
  const problem = calendarProblem(calendar);
  if (problem) throw new Error(`The working calendar is not usable: ${problem}`);
  let left = serviceMs;
  if (left === 0) return start;
  let midnight = localMidnight(start, calendar);
  for (let day = 0; day < MAX_DAYS; day += 1, midnight += DAY) {
    if (!isWorkingDay(midnight, calendar)) continue;
    for (const { start: from, end: to } of calendar.serviceHours) {
      const open = Math.max(midnight + from * MINUTE, start);
      const close = midnight + to * MINUTE;
      if (close <= open) continue;
      if (close - open >= left) return open + left;
      left -= close - open;
    }
  }
  throw new Error(`No end of ${serviceMs} ms of service time within ${MAX_DAYS} days of ${new Date(start).toISOString()}`);
}

/** The moment `days` working days of service have passed after `start` (one working day = a day's service hours). */
export function addWorkingDays(start: number, days: number, calendar: WorkingCalendar): number {
  if (!Number.isFinite(days) || days < 0) throw new Error(`addWorkingDays needs a non-negative number of days, got ${days}`);
  return addServiceTime(start, Math.round(days * serviceMsPerDay(calendar)), calendar);
}

/** Service time between two moments: how much of a working-time clock has run from `from` to `to`. */
export function serviceTimeBetween(from: number, to: number, calendar: WorkingCalendar): number {
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new Error(`serviceTimeBetween needs two moments, got ${from} and ${to}`);
  if (to <= from) return 0;
  let total = 0;
  for (let midnight = localMidnight(from, calendar); midnight < to; midnight += DAY) {
    if (!isWorkingDay(midnight, calendar)) continue;
    for (const { start: open, end: close } of calendar.serviceHours) {
      const a = Math.max(midnight + open * MINUTE, from);
      const b = Math.min(midnight + close * MINUTE, to);
      if (b > a) total += b - a;
    }
  }
  return total;
}

/** Only the holiday data of the years `first` to `last`: what a case needs to carry. */
export function calendarForYears(calendar: WorkingCalendar, first: number, last: number): WorkingCalendar {
  const inYears = (day: string): boolean => {
    const year = Number(day.slice(0, 4));
    return year >= first && year <= last;
  };
  return {
    ...calendar,
    holidays: calendar.holidays.filter(inYears),
    makeUpWorkdays: calendar.makeUpWorkdays.filter(inYears),
    coveredYears: { first: Math.max(first, calendar.coveredYears.first), last: Math.min(last, calendar.coveredYears.last) },
  };
}

/** The local calendar year of a moment. */
export function localYear(ms: number, calendar: WorkingCalendar): number {
  return Number(dayName(localMidnight(ms, calendar), calendar).slice(0, 4));
}
