/**
 * Case numbers are what a complainant sees and quotes on the phone; case ids are internal.
 * Both are formatted here so the API and the workflow agree.
 */

/** Prefix for Zhangzhou (漳州). */
export const CASE_NUMBER_PREFIX = 'ZZ';

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** e.g. formatCaseNumber(Date.UTC(2026, 10, 25), 42) → 'ZZ-20261125-000042' (UTC date). */
export function formatCaseNumber(date: number, serial: number): string {
  if (!Number.isFinite(date)) throw new Error(`Case number date must be epoch milliseconds, got ${date}`);
  if (!Number.isInteger(serial) || serial < 0) throw new Error(`Case number serial must be a non-negative integer, got ${serial}`);
  const day = new Date(date);
  const ymd = `${day.getUTCFullYear()}${pad(day.getUTCMonth() + 1, 2)}${pad(day.getUTCDate(), 2)}`;
  return `${CASE_NUMBER_PREFIX}-${ymd}-${pad(serial, 6)}`;
}

const CASE_NUMBER_PATTERN = /^ZZ-\d{8}-\d{6,}$/;
const CASE_ID_PATTERN = /^case_[0-9A-Za-z]{10,40}$/;

export function isCaseNumber(value: string): boolean {
  return CASE_NUMBER_PATTERN.test(value);
}

export function isCaseId(value: string): boolean {
  return CASE_ID_PATTERN.test(value);
}
