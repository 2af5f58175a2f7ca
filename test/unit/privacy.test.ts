import { describe, expect, it } from 'vitest';
import { maskPhone, maskPhonesIn, publicReport } from '../../src/domain';

describe('masking', () => {
  it('masks a phone as logs and audit records carry it', () => {
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(maskPhone('1234')).toBe('****');
  });

  it('masks every phone-like number in free text, spaces and dashes included', () => {
    expect(maskPhonesIn('电话 13912345678，或 0596-2345678')).toBe('电话 139****5678，或 059****5678');
    expect(maskPhonesIn('+86 139 1234 5678')).toBe('+86*******5678');
    expect(maskPhonesIn('5 号楼 302 室')).toBe('5 号楼 302 室');
  });
});

describe('what the public sees of a report', () => {
  const report = { description: '井盖缺失，电话 13912345678', location: { address: '幸福路口', lat: 24.3, lng: 117.3 } };

  it('a hazard: its place and description, phone numbers masked', () => {
    expect(publicReport('hazard', report)).toEqual({ address: '幸福路口', lat: 24.3, lng: 117.3, description: '井盖缺失，电话 139****5678' });
    expect(publicReport('hazard', { ...report, location: { address: ' ', lat: null, lng: null } })).toMatchObject({ address: null, lat: null, lng: null });
  });

  it('a dispute: nothing of its place or words', () => {
    expect(publicReport('dispute', report)).toEqual({ address: null, lat: null, lng: null, description: null });
  });
});
