import { describe, expect, it } from 'vitest';
import { adminReasonCode, ADMIN_REASONS, inSubtreeOf, levelBelow, roleFitProblems, rolesAllowedAt } from '../../src/domain';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../src/auth/passwords';

describe('administration rules', () => {
  it('a centre sits one level below its parent; nothing below a village', () => {
    expect(levelBelow('city')).toBe('county');
    expect(levelBelow('town')).toBe('village');
    expect(levelBelow('village')).toBeNull();
  });

  it('grid workers only at villages; department staff only where departments are', () => {
    expect(rolesAllowedAt('village', false)).toEqual(['grid_worker', 'mediator', 'expert', 'admin']);
    expect(rolesAllowedAt('town', true)).toEqual(['mediator', 'expert', 'admin', 'department']);
    expect(rolesAllowedAt('city', false)).toEqual(['mediator', 'expert', 'admin']);
  });

  it('an administrator’s area is their centre and below', () => {
    const seat = { personId: 'p', centreId: 'zz-pinghe', level: 'county' as const };
    expect(inSubtreeOf(seat, ['zz', 'zz-pinghe'])).toBe(true);
    expect(inSubtreeOf(seat, ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi'])).toBe(true);
    expect(inSubtreeOf(seat, ['zz'])).toBe(false);
    expect(inSubtreeOf(seat, ['zz', 'zz-nanjing'])).toBe(false);
  });

  it('names each misfit of a role at a centre by its field', () => {
    const base = { centreId: 't', centreLevel: 'town' as const, specialties: [] as string[], department: null };
    expect(roleFitProblems({ ...base, role: 'admin' })).toEqual([]);
    expect(roleFitProblems({ ...base, role: 'resident' })).toEqual([{ field: 'role', reason: 'roleResident' }]);
    expect(roleFitProblems({ ...base, role: 'grid_worker' })).toEqual([{ field: 'centreId', reason: 'gridWorkerVillage' }]);
    expect(roleFitProblems({ ...base, role: 'mediator' })).toEqual([{ field: 'specialties', reason: 'specialtiesMissing' }]);
    expect(roleFitProblems({ ...base, role: 'admin', specialties: ['legal'] })).toEqual([{ field: 'specialties', reason: 'specialtiesOnly' }]);
    expect(roleFitProblems({ ...base, role: 'department' })).toEqual([{ field: 'departmentId', reason: 'departmentMissing' }]);
    expect(roleFitProblems({ ...base, role: 'department', department: { id: 'd', centreId: null } })).toEqual([{ field: 'departmentId', reason: 'departmentUnknown' }]);
    expect(roleFitProblems({ ...base, role: 'department', department: { id: 'd', centreId: 'other' } })).toEqual([{ field: 'departmentId', reason: 'departmentElsewhere' }]);
    expect(roleFitProblems({ ...base, role: 'department', department: { id: 'd', centreId: 't' } })).toEqual([]);
    expect(roleFitProblems({ ...base, role: 'mediator', specialties: ['legal'], department: { id: 'd', centreId: 't' } })).toEqual([{ field: 'departmentId', reason: 'departmentOnly' }]);
  });

  it('every reason the API sends is found again by its text', () => {
    for (const [code, text] of Object.entries(ADMIN_REASONS)) expect(adminReasonCode(text)).toBe(code);
    expect(adminReasonCode('something else')).toBeNull();
    // The domain cannot import the password rules (they hash); the numbers must agree.
    expect(ADMIN_REASONS.passwordShort).toContain(` ${MIN_PASSWORD_LENGTH} `);
    expect(ADMIN_REASONS.passwordLong).toContain(` ${MAX_PASSWORD_LENGTH} `);
  });
});
