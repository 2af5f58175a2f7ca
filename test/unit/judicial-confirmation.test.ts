// Who may prepare judicial confirmation and from when the 30 days count: pure rules over walked cases.
import { describe, expect, it } from 'vitest';
import { agreementRecordedAt, applyBy, checkJudicialConfirmation } from '../../src/domain/judicial-confirmation';
import { CaseWalk, MINUTE, person } from './fixtures';

const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';
const admin = person('p-dongmen-admin', 'admin', VILLAGE);
const grid = person('p-dongmen-grid', 'grid_worker', VILLAGE);
const mediator = person('p-xiaoxi-med-neighbour', 'mediator', 'zz-pinghe-xiaoxi');
const townAdmin = person('p-xiaoxi-admin', 'admin', 'zz-pinghe-xiaoxi');
const resident = person('p-dongmen-resident', 'resident', VILLAGE);
const TERMS = [{ party: '林志强', obligation: '疏通排水沟' }];

function inMediation(): CaseWalk {
  const walk = new CaseWalk({ category: 'neighbour_dispute', centreId: VILLAGE, complainantId: resident.personId });
  walk.act({ type: 'accept' }, grid);
  walk.act({ type: 'assess', risk: 'low', factors: [] }, admin);
  walk.act({ type: 'assign_mediator', mediatorId: mediator.personId }, admin);
  return walk;
}

describe('judicial confirmation', () => {
  it('counts 30 days from the moment the agreement was recorded', () => {
    const walk = inMediation();
    expect(agreementRecordedAt(walk.state)).toBeNull();
    walk.act({ type: 'record_agreement', terms: TERMS }, mediator, 5 * MINUTE);
    const at = walk.now;
    expect(agreementRecordedAt(walk.state)).toBe(at);
    expect(applyBy(at) - at).toBe(30 * 24 * 60 * MINUTE);
    // Signing it off and the feedback do not move it.
    walk.act({ type: 'close', summary: '调解结案' }, admin);
    walk.act({ type: 'feedback', rating: 5 }, resident);
    expect(agreementRecordedAt(walk.state)).toBe(at);
  });

  it('a reopened case that settles again counts from the new agreement; one that failed has none', () => {
    const walk = inMediation();
    walk.act({ type: 'record_agreement', terms: TERMS }, mediator);
    walk.act({ type: 'close', summary: '调解结案' }, admin);
    walk.act({ type: 'feedback', rating: 1 }, resident);
    walk.act({ type: 'reopen', reason: '对方未履行' }, resident);
    expect(agreementRecordedAt(walk.state)).toBeNull();
    walk.act({ type: 'record_agreement', terms: TERMS }, mediator, 60 * MINUTE);
    expect(agreementRecordedAt(walk.state)).toBe(walk.now);

    const failed = inMediation();
    failed.act({ type: 'record_failure', reason: '一方拒绝', referral: 'litigation' }, mediator);
    expect(checkJudicialConfirmation(failed.state, admin)).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('is for the staff of the centre that holds the case, not the centre above, the mediator from elsewhere or the complainant', () => {
    const walk = inMediation();
    walk.act({ type: 'record_agreement', terms: TERMS }, mediator);
    expect(checkJudicialConfirmation(walk.state, admin).ok).toBe(true);
    expect(checkJudicialConfirmation(walk.state, grid).ok).toBe(true);
    for (const actor of [townAdmin, mediator, resident]) expect(checkJudicialConfirmation(walk.state, actor)).toMatchObject({ ok: false, code: 'forbidden' });
  });
});
