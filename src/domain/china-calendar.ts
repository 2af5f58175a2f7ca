/**
 * China's working calendar: public holidays and make-up working days (调休) as the State
 * Council announces them each year, from the `chinese-days` package's data. Kept apart
 * from the domain's index: only whoever makes a policy needs the data; a case carries the
 * calendar it was opened under (working-time.ts).
 */
import data from 'chinese-days/dist/chinese-days.json';
import { DEFAULT_SERVICE_HOURS, type ServiceSpan, type WorkingCalendar } from './working-time';

/** Asia/Shanghai: UTC+8 the whole year. */
export const CHINA_UTC_OFFSET_MINUTES = 8 * 60;

const HOLIDAYS = Object.keys(data.holidays).sort();
const MAKE_UP_WORKDAYS = Object.keys(data.workdays).sort();
const YEARS = [...HOLIDAYS, ...MAKE_UP_WORKDAYS].map((day) => Number(day.slice(0, 4)));

/** The years the package's data covers (2004–2026 in chinese-days 1.5.7). */
export const CHINA_CALENDAR_YEARS = { first: Math.min(...YEARS), last: Math.max(...YEARS) };

export interface ChinaCalendarOptions {
  serviceHours?: readonly ServiceSpan[];
  /** Only these years' holidays, so that the calendar a case carries stays small. */
  years?: { first: number; last: number };
}

export function chinaCalendar(options: ChinaCalendarOptions = {}): WorkingCalendar {
  const first = Math.max(options.years?.first ?? CHINA_CALENDAR_YEARS.first, CHINA_CALENDAR_YEARS.first);
  const last = Math.min(options.years?.last ?? CHINA_CALENDAR_YEARS.last, CHINA_CALENDAR_YEARS.last);
  const inYears = (day: string): boolean => {
    const year = Number(day.slice(0, 4));
    return year >= first && year <= last;
  };
  return {
    utcOffsetMinutes: CHINA_UTC_OFFSET_MINUTES,
    serviceHours: options.serviceHours ?? DEFAULT_SERVICE_HOURS,
    holidays: HOLIDAYS.filter(inYears),
    makeUpWorkdays: MAKE_UP_WORKDAYS.filter(inYears),
    coveredYears: { first, last },
  };
}
