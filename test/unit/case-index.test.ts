import { phoneKeyOf } from '../../src/db/phone-key';
import { describe, expect, it } from 'vitest';
import { caseIndexEntry } from '../../src/db/case-index';
import { openingDocument, stateFields, type IntakeDetails } from '../../src/domain';
import { CaseWalk, ownerAdmin, person, T0 } from './fixtures';

const INTAKE: IntakeDetails = {
  title: '邻里噪音',
  description: '深夜噪音',
  channel: 'app',
  location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 3 号楼' },
  complainant: { personId: 'p-dongmen-resident', name: '林美华', phone: '13800001234' },
  parties: [],
  affectedCount: null,
};

const expert = person('p-expert-law', 'expert', 'zz-pinghe');

/** A village case accepted and sent to an expert: a case document as the worker stores it. */
function walked(): CaseWalk {
  const walk = new CaseWalk({ category: 'neighbour_dispute', centreId: 'zz-pinghe-xiaoxi-dongmen', complainantId: 'p-dongmen-resident', reportedById: 'p-dongmen-grid', risk: 'medium' });
  walk.act({ type: 'accept' }, ownerAdmin(walk.state));
  walk.act({ type: 'request_expert', question: '合法吗？', specialty: 'legal', expertId: expert.personId }, ownerAdmin(walk.state));
  walk.act({ type: 'submit_opinion', opinion: '可调解' }, expert);
  return walk;
}

describe('caseIndexEntry', () => {
  it('keeps exactly the list, filter, visibility and dashboard fields of a case document', () => {
    const walk = walked();
    const doc = openingDocument(walk.state, INTAKE, T0);
    expect(caseIndexEntry(doc)).toEqual({
      _id: walk.state.caseId,
      caseNumber: walk.state.caseNumber,
      category: 'neighbour_dispute',
      title: '邻里噪音',
      centreId: 'zz-pinghe-xiaoxi-dongmen',
      centrePath: ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', 'zz-pinghe-xiaoxi-dongmen'],
      stage: 'risk_assessment',
      status: 'open',
      level: 'village',
      risk: 'medium',
      deadline: walk.state.deadline,
      overdue: false,
      receivedAt: T0,
      closedAt: null,
      rating: null,
      breached: false,
      breachedBy: [],
      heldBy: ['zz-pinghe-xiaoxi-dongmen'],
      departmentIds: [],
      unansweredOrders: [],
      complainantId: 'p-dongmen-resident',
      reportedById: 'p-dongmen-grid',
      mediatorId: null,
      expertId: 'p-expert-law',
      opinionExpertId: 'p-expert-law',
      seenBy: ['held:zz-pinghe-xiaoxi-dongmen', 'complainant:p-dongmen-resident', 'reporter:p-dongmen-grid', 'expert:p-expert-law'],
      seq: 4,
      updatedAt: T0,
      complainantPhoneKey: expect.stringMatching(/^[0-9a-f]{32}$/),
      complainantName: '林美华',
      description: '深夜噪音',
      workingDepartmentId: null,
      villageId: 'zz-pinghe-xiaoxi-dongmen',
      lat: INTAKE.location.lat ?? null,
      lng: INTAKE.location.lng ?? null,
      duplicateOf: null,
    });
    // The number itself is not in the entry; its stand-in is the same for the same number however written.
    expect(JSON.stringify(caseIndexEntry(doc))).not.toContain(INTAKE.complainant.phone);
    expect(phoneKeyOf(`+86 ${INTAKE.complainant.phone}`)).toBe(caseIndexEntry(doc).complainantPhoneKey);
  });

  it('is breached when any visit breached, and names the centre of each breach', () => {
    const walk = walked();
    const visits = walk.state.visits.map((visit, i) => ({ ...visit, breached: i === 1, centreId: i === 1 ? 'zz-pinghe-xiaoxi' : visit.centreId }));
    const entry = caseIndexEntry(openingDocument({ ...walk.state, visits }, INTAKE, T0));
    expect(entry.breached).toBe(true);
    expect(entry.breachedBy).toEqual(['zz-pinghe-xiaoxi']);
  });

  it('names every centre that held the case, once each', () => {
    const walk = walked();
    walk.act({ type: 'escalate', reason: '需要镇里协调' }, ownerAdmin(walk.state));
    const entry = caseIndexEntry({ _id: walk.state.caseId, ...stateFields(walk.state, T0) });
    expect(entry).toMatchObject({ centreId: 'zz-pinghe-xiaoxi', heldBy: ['zz-pinghe-xiaoxi-dongmen', 'zz-pinghe-xiaoxi'] });
  });

  it('leaves out the opening-only fields when a transition’s write does not carry them', () => {
    const walk = walked();
    const entry = caseIndexEntry({ _id: walk.state.caseId, ...stateFields(walk.state, T0) });
    expect(Object.keys(entry)).not.toContain('title');
    expect(Object.keys(entry)).not.toContain('receivedAt');
    expect(entry).toMatchObject({ complainantId: 'p-dongmen-resident', seq: 4, updatedAt: T0 });
  });

  it('names who accepted the case, and where, from the transition’s own events; a transition without an acceptance leaves it out', () => {
    const walk = new CaseWalk({ category: 'neighbour_dispute', centreId: 'zz-pinghe-xiaoxi-dongmen', complainantId: 'p-dongmen-resident', risk: 'medium' });
    const admin = ownerAdmin(walk.state);
    const accepted = walk.act({ type: 'accept' }, admin);
    const entry = caseIndexEntry({ _id: walk.state.caseId, ...stateFields(walk.state, T0) }, accepted.events);
    expect(entry.acceptedBy).toEqual({ personId: admin.personId, centreId: 'zz-pinghe-xiaoxi-dongmen' });
    const escalated = walk.act({ type: 'escalate', reason: '需要镇里协调' }, ownerAdmin(walk.state));
    expect(Object.keys(caseIndexEntry({ _id: walk.state.caseId, ...stateFields(walk.state, T0) }, escalated.events))).not.toContain('acceptedBy');
  });

  it('does not share the document’s arrays', () => {
    const doc = openingDocument(walked().state, INTAKE, T0);
    const entry = caseIndexEntry(doc);
    entry.centrePath.push('x');
    expect(doc.centrePath).toHaveLength(4);
  });
});
