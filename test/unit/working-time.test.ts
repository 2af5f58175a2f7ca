import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addServiceTime, addWorkingDays, calendarProblem, coversYearOf, isWorkingDay, serviceMsPerDay, serviceTimeBetween } from '../../src/domain';
import { CHINA_CALENDAR_YEARS, chinaCalendar } from '../../src/domain/china-calendar';

const CHINA = chinaCalendar();
const HOUR = 3_600_000;
/** A moment given in Zhangzhou's local time (UTC+8). */
const local = (iso: string): number => Date.parse(`${iso}+08:00`);

describe('China’s calendar data', () => {
  it('has 2026 as the State Council announced it on 4 November 2025', () => {
    const in2026 = (days: readonly string[]) => days.filter((d) => d.startsWith('2026'));
    const range = (from: string, to: string) => {
      const days: string[] = [];
      for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 24 * HOUR) days.push(new Date(t).toISOString().slice(0, 10));
      return days;
    };
    expect(in2026(CHINA.holidays)).toEqual([
      ...range('2026-01-01', '2026-01-03'),
      ...range('2026-02-15', '2026-02-23'),
      ...range('2026-04-04', '2026-04-06'),
      ...range('2026-05-01', '2026-05-05'),
      ...range('2026-06-19', '2026-06-21'),
      ...range('2026-09-25', '2026-09-27'),
      ...range('2026-10-01', '2026-10-07'),
    ]);
    expect(in2026(CHINA.makeUpWorkdays)).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(CHINA_CALENDAR_YEARS.last).toBe(2026);
  });

  it('knows the years it covers; past them only weekends are days off', () => {
    expect(coversYearOf(local('2026-12-31T12:00:00'), CHINA)).toBe(true);
    expect(coversYearOf(local('2027-01-01T12:00:00'), CHINA)).toBe(false);
    expect(isWorkingDay(local('2027-01-01T12:00:00'), CHINA)).toBe(true); // a Friday; its holiday is not in the data yet
    expect(isWorkingDay(local('2027-01-02T12:00:00'), CHINA)).toBe(false);
  });
});

describe('working days', () => {
  it('a weekend made a working day counts, a holiday on a weekday does not', () => {
    expect(isWorkingDay(local('2026-02-14T10:00:00'), CHINA)).toBe(true); // Saturday, 调休
    expect(isWorkingDay(local('2026-02-16T10:00:00'), CHINA)).toBe(false); // Monday, Spring Festival
    expect(isWorkingDay(local('2026-03-07T10:00:00'), CHINA)).toBe(false); // an ordinary Saturday
    expect(isWorkingDay(local('2026-03-09T10:00:00'), CHINA)).toBe(true);
  });

  it('days turn at the centres’ midnight, not at UTC’s', () => {
    // 07:30 on Monday 9 March in Zhangzhou is still Sunday in UTC.
    expect(isWorkingDay(local('2026-03-09T07:30:00'), CHINA)).toBe(true);
    expect(isWorkingDay(local('2026-03-08T23:30:00'), CHINA)).toBe(false);
  });
});

describe('service time', () => {
  it('counts only service hours: the lunch break and the evening do not run the clock', () => {
    expect(serviceMsPerDay(CHINA)).toBe(6.5 * HOUR);
    expect(addServiceTime(local('2026-03-09T11:00:00'), 2 * HOUR, CHINA)).toBe(local('2026-03-09T15:30:00'));
    expect(addServiceTime(local('2026-03-09T17:00:00'), HOUR, CHINA)).toBe(local('2026-03-10T09:00:00'));
    // Reported on a Saturday: the clock starts on Monday morning.
    expect(addServiceTime(local('2026-03-07T10:00:00'), 2 * HOUR, CHINA)).toBe(local('2026-03-09T10:30:00'));
    expect(addServiceTime(local('2026-03-09T13:00:00'), 0, CHINA)).toBe(local('2026-03-09T13:00:00'));
  });

  it('a high-risk case reported on the Friday before Spring Festival is due on the make-up Saturday', () => {
    expect(addWorkingDays(local('2026-02-13T16:00:00'), 1, CHINA)).toBe(local('2026-02-14T16:00:00'));
    // Reported after the Saturday's service: nine days of holiday, then a whole working day.
    expect(addWorkingDays(local('2026-02-14T17:45:00'), 1, CHINA)).toBe(local('2026-02-24T17:30:00'));
    expect(addWorkingDays(local('2026-02-14T17:00:00'), 1, CHINA)).toBe(local('2026-02-24T17:00:00'));
  });

  it('twenty working days across National Day end on 29 October', () => {
    expect(addWorkingDays(local('2026-09-28T08:30:00'), 20, CHINA)).toBe(local('2026-10-29T17:30:00'));
  });

  it('the service time between a start and its deadline is the time that was added', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 24 * 60 }), fc.integer({ min: 0, max: 30 * 6.5 * 60 }), (startMinute, minutes) => {
        const from = start + startMinute * 60_000;
        const due = addServiceTime(from, minutes * 60_000, CHINA);
        expect(serviceTimeBetween(from, due, CHINA)).toBe(minutes * 60_000);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a calendar it cannot count with, and a negative duration', () => {
    expect(calendarProblem({ ...CHINA, serviceHours: [] })).toMatch(/at least one span/);
    expect(calendarProblem({ ...CHINA, serviceHours: [{ start: 600, end: 540 }] })).toMatch(/in order/);
    expect(calendarProblem({ ...CHINA, utcOffsetMinutes: 15 * 60 })).toMatch(/offset/);
    expect(calendarProblem(CHINA)).toBeNull();
    expect(() => addServiceTime(0, -1, CHINA)).toThrow(/non-negative/);
    expect(() => addServiceTime(0, HOUR, { ...CHINA, serviceHours: [] })).toThrow(/not usable/);
  });
});
