// The ids of photos and files on a case: added once each, by the report or by the action
// that carries them, with who and when; a malformed id is refused as the action's argument.
import { describe, expect, it } from 'vitest';
import { checkAction, DEFAULT_SLA_POLICY, filesOf, newCase, withFiles } from '../../src/domain';
import { CaseWalk, MINUTE, ORG, ownerAdmin, person, T0 } from './fixtures';

const A = 'file_000000000000000000000001';
const B = 'file_000000000000000000000002';
const resident = person('p-res', 'resident', 'zz-pinghe-xiaoxi-dongmen');

function hazardInMediation(): CaseWalk {
  const walk = new CaseWalk({ category: 'public_facility_hazard', centreId: 'zz-pinghe-xiaoxi-dongmen', complainantId: resident.personId, risk: 'low' });
  walk.act({ type: 'accept' }, ownerAdmin(walk.state));
  walk.act({ type: 'assess', risk: 'low', factors: [] }, ownerAdmin(walk.state));
  expect(walk.state.stage).toBe('mediation');
  return walk;
}

describe('files on a case', () => {
  it('a report’s files open the case, each once, as the reporter’s', () => {
    const { state } = newCase({ caseId: 'case_1', caseNumber: 'ZZ-20261125-000001', category: 'public_facility_hazard', complainantId: 'p-res', reportedById: 'p-grid', centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), risk: 'low', riskFactors: [], slaPolicy: DEFAULT_SLA_POLICY, now: T0, files: [A, B, A] });
    expect(filesOf(state)).toEqual([
      { fileId: A, purpose: 'intake', at: T0, by: 'p-grid' },
      { fileId: B, purpose: 'intake', at: T0, by: 'p-grid' },
    ]);
  });

  it('a case without files has none, and adding none changes nothing', () => {
    const walk = new CaseWalk({ category: 'neighbour_dispute', centreId: 'zz-pinghe-xiaoxi-dongmen', complainantId: 'p-res' });
    expect(walk.state.files).toBeUndefined();
    expect(withFiles(walk.state, [], 'session', 'p-x', T0)).toBe(walk.state);
    expect(withFiles(walk.state, undefined, 'session', 'p-x', T0)).toBe(walk.state);
  });

  it('a disposal carries its files into the case and names them on its event', () => {
    const walk = hazardInMediation();
    const admin = ownerAdmin(walk.state);
    const { events } = walk.act({ type: 'record_disposal', summary: '已加固', files: [A] }, admin, MINUTE);
    expect(filesOf(walk.state)).toEqual([{ fileId: A, purpose: 'disposal', at: walk.now, by: admin.personId }]);
    expect(events[0]?.detail).toMatchObject({ files: [A] });
  });

  it('an action without files records no files key on its event', () => {
    const walk = hazardInMediation();
    const { events } = walk.act({ type: 'record_disposal', summary: '已加固' }, ownerAdmin(walk.state));
    expect(events[0]?.detail).not.toHaveProperty('files');
    expect(filesOf(walk.state)).toEqual([]);
  });

  it('a malformed file id, or too many, is refused as invalid', () => {
    const walk = hazardInMediation();
    const admin = ownerAdmin(walk.state);
    expect(checkAction(walk.state, { type: 'record_disposal', summary: 's', files: ['../etc/passwd'] }, admin, walk.now)).toMatchObject({ ok: false, code: 'invalid' });
    const eleven = Array.from({ length: 11 }, (_, i) => `file_${String(i).padStart(24, '0')}`);
    expect(checkAction(walk.state, { type: 'record_disposal', summary: 's', files: eleven }, admin, walk.now)).toMatchObject({ ok: false, code: 'invalid' });
  });
});
