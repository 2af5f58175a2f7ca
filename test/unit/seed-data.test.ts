import { describe, expect, it } from 'vitest';
import { formatCaseNumber, localDay, isCaseId, isCaseNumber, Organisation, ROLES, SEED_CENTRES, SEED_PEOPLE, SEED_PLACES, SPECIALTIES } from '../../src/domain';

const org = new Organisation(SEED_CENTRES);

describe('seed organisation', () => {
  it('is a valid tree rooted at Zhangzhou with four districts, seven counties and the investment zone', () => {
    expect(org.get('zz').name.zh).toBe('漳州市');
    expect(org.children('zz')).toHaveLength(12);
    expect(org.get('zz-tiz')).toMatchObject({ level: 'county', name: { zh: '漳州台商投资区' } });
  });

  it('holds the places named in the article', () => {
    expect(org.pathOf(SEED_PLACES.dongmen)).toEqual(['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', 'zz-pinghe-xiaoxi-dongmen']);
    expect(org.get(SEED_PLACES.shicuo).name.zh).toBe('石厝村');
    expect(org.get(SEED_PLACES.liuan).name.zh).toBe('六安村');
    for (const id of Object.values(SEED_PLACES)) expect(org.has(id)).toBe(true);
  });

  it('gives every county a town and every town a village', () => {
    for (const centre of SEED_CENTRES.filter((c) => c.level === 'county' || c.level === 'town')) {
      expect(org.children(centre.id).length, centre.id).toBeGreaterThan(0);
    }
  });
});

describe('seed people', () => {
  it('each has a unique id, a known centre, a valid role and valid specialties', () => {
    expect(new Set(SEED_PEOPLE.map((p) => p.id)).size).toBe(SEED_PEOPLE.length);
    for (const person of SEED_PEOPLE) {
      expect(org.has(person.centreId), person.id).toBe(true);
      expect(ROLES).toContain(person.role);
      for (const s of person.specialties) expect(SPECIALTIES).toContain(s);
      expect(person.phone).toMatch(/^1380000\d{4}$/);
    }
  });

  it('staffs every county and town with an admin', () => {
    const adminCentres = new Set(SEED_PEOPLE.filter((p) => p.role === 'admin').map((p) => p.centreId));
    for (const centre of SEED_CENTRES.filter((c) => c.level !== 'village')) expect(adminCentres.has(centre.id), centre.id).toBe(true);
    for (const id of [SEED_PLACES.dongmen, SEED_PLACES.shicuo, SEED_PLACES.liuan]) expect(adminCentres.has(id)).toBe(true);
  });

  it('has the people the worked examples need', () => {
    const at = (centreId: string, role: string) => SEED_PEOPLE.filter((p) => p.centreId === centreId && p.role === role);
    expect(at('zz-pinghe', 'mediator').some((p) => p.specialties.includes('estate'))).toBe(true);
    expect(at('zz-tiz-jiaomei', 'mediator').some((p) => p.specialties.includes('estate'))).toBe(true);
    expect(at('zz-tiz', 'mediator').some((p) => p.specialties.includes('estate'))).toBe(true);
    for (const centreId of ['zz', 'zz-pinghe']) {
      expect(at(centreId, 'expert').find((p) => p.title === '首席法律咨询专家')?.specialties).toEqual(['legal', 'estate']);
    }
    for (const id of [SEED_PLACES.dongmen, SEED_PLACES.shicuo, SEED_PLACES.liuan]) {
      expect(at(id, 'grid_worker')).not.toHaveLength(0);
      expect(at(id, 'resident')).not.toHaveLength(0);
    }
  });
});

describe('case numbers and ids', () => {
  it('dates a case by the centres’ calendar, not by UTC', () => {
    // 07:30 in Zhangzhou on 1 December is 23:30 UTC on 30 November.
    expect(localDay(Date.UTC(2026, 10, 30, 23, 30), 'Asia/Shanghai')).toBe('20261201');
    expect(localDay(Date.UTC(2026, 10, 30, 23, 30), 'UTC')).toBe('20261130');
    expect(localDay(Date.UTC(2026, 11, 31, 16, 0), 'Asia/Shanghai')).toBe('20270101');
    expect(localDay(Date.UTC(2026, 11, 31, 15, 59), 'Asia/Shanghai')).toBe('20261231');
    expect(() => localDay(Number.NaN, 'Asia/Shanghai')).toThrow();
  });

  it('formats the day and a six-digit serial', () => {
    expect(formatCaseNumber('20261125', 42)).toBe('ZZ-20261125-000042');
    expect(isCaseNumber(formatCaseNumber('20260101', 7))).toBe(true);
    expect(() => formatCaseNumber('20260101', -1)).toThrow();
    expect(() => formatCaseNumber('20260101', 1.5)).toThrow();
    expect(() => formatCaseNumber('2026-01-01', 1)).toThrow();
  });

  it('accepts only case_ followed by 10 to 40 letters or digits', () => {
    expect(isCaseId('case_0123456789')).toBe(true);
    expect(isCaseId('case_012345678')).toBe(false);
    expect(isCaseId(`case_${'a'.repeat(41)}`)).toBe(false);
    expect(isCaseId('case_0123456789-x')).toBe(false);
    expect(isCaseId('CASE_0123456789')).toBe(false);
  });
});
