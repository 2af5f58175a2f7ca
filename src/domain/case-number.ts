/**
 * Case numbers are what a complainant sees and quotes on the phone; case ids are internal.
 * Both are formatted here so the API and the workflow agree.
 */

/** Prefix for Zhangzhou (漳州). */
export const CASE_NUMBER_PREFIX = 'ZZ';

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** The time zone centres keep when none is configured. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * The calendar day, `yyyymmdd`, that `epochMs` falls on in `timeZone`: the day a centre
 * says a case came in on. A report at 07:30 in Zhangzhou is 23:30 UTC the day before.
 */
export function localDay(epochMs: number, timeZone: string): string {
  if (!Number.isFinite(epochMs)) throw new Error(`A day needs epoch milliseconds, got ${epochMs}`);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(epochMs);
  const part = (type: 'year' | 'month' | 'day'): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}${part('month')}${part('day')}`;
}

/** e.g. formatCaseNumber('20261125', 42) → 'ZZ-20261125-000042'; `day` as localDay gives it. */
export function formatCaseNumber(day: string, serial: number): string {
  if (!/^\d{8}$/.test(day)) throw new Error(`Case number day must be yyyymmdd, got "${day}"`);
  if (!Number.isInteger(serial) || serial < 0) throw new Error(`Case number serial must be a non-negative integer, got ${serial}`);
  return `${CASE_NUMBER_PREFIX}-${day}-${pad(serial, 6)}`;
}

const CASE_NUMBER_PATTERN = /^ZZ-\d{8}-\d{6,}$/;
const CASE_ID_PATTERN = /^case_[0-9A-Za-z]{10,40}$/;

export function isCaseNumber(value: string): boolean {
  return CASE_NUMBER_PATTERN.test(value);
}

export function isCaseId(value: string): boolean {
  return CASE_ID_PATTERN.test(value);
}
