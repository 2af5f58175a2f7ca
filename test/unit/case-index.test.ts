import { describe, expect, it } from 'vitest';
import { caseIndexEntry, isCompleteEntry, type IndexedProjection } from '../../src/db/case-index';

const received = new Date('2025-03-01T08:00:00Z');

/** A stored projection as `cases` holds it, with the bulky fields the index leaves out. */
function storedProjection(overrides: Partial<IndexedProjection> = {}): IndexedProjection {
  const stored = {
    _id: 'case_1',
    caseNumber: 'ZZ-20250301-000001',
    category: 'neighbour_dispute',
    title: '邻里噪音',
    description: '深夜噪音',
    centreId: 'zz-pinghe-xiaoxi',
    centrePath: ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi'],
    stage: 'mediation',
    status: 'open',
    level: 'town',
    risk: 'medium',
    riskFactors: [{ code: 'parties', points: 2, label: { zh: '多方', en: 'several parties' } }],
    deadline: new Date('2025-03-05T08:00:00Z'),
    overdue: false,
    receivedAt: received,
    closedAt: null,
    rating: null,
    complainant: { personId: 'p-dongmen-resident', name: '林美华', phone: '13800001234', phoneMasked: '138****1234' },
    reportedById: 'p-dongmen-grid',
    mediatorId: 'p-xiaoxi-med-neighbour',
    expertId: null,
    opinion: null,
    visits: [
      { stage: 'intake', breached: false },
      { stage: 'mediation', breached: false },
    ],
    lastSeq: 6,
    updatedAt: new Date('2025-03-02T08:00:00Z'),
    ...overrides,
  };
  return stored;
}

describe('caseIndexEntry', () => {
  it('keeps exactly the list, filter, visibility and dashboard fields of a stored projection', () => {
    expect(caseIndexEntry(storedProjection())).toEqual({
      _id: 'case_1',
      caseNumber: 'ZZ-20250301-000001',
      category: 'neighbour_dispute',
      title: '邻里噪音',
      centreId: 'zz-pinghe-xiaoxi',
      centrePath: ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi'],
      stage: 'mediation',
      status: 'open',
      level: 'town',
      risk: 'medium',
      deadline: new Date('2025-03-05T08:00:00Z'),
      overdue: false,
      receivedAt: received,
      closedAt: null,
      rating: null,
      breached: false,
      complainantId: 'p-dongmen-resident',
      reportedById: 'p-dongmen-grid',
      mediatorId: 'p-xiaoxi-med-neighbour',
      expertId: null,
      opinionExpertId: null,
      lastSeq: 6,
      updatedAt: new Date('2025-03-02T08:00:00Z'),
    });
  });

  it('is breached when any visit breached, and takes the opinion’s expert', () => {
    const entry = caseIndexEntry(
      storedProjection({
        visits: [{ breached: false }, { breached: true }, { breached: null }],
        opinion: { expertId: 'p-expert-law', text: '可调解', at: 1 },
        status: 'closed',
        rating: 4,
        closedAt: new Date('2025-03-04T08:00:00Z'),
      }),
    );
    expect(entry).toMatchObject({ breached: true, opinionExpertId: 'p-expert-law', status: 'closed', rating: 4, closedAt: new Date('2025-03-04T08:00:00Z') });
  });

  it('fills absent optional fields with the defaults the schema has', () => {
    const entry = caseIndexEntry({ _id: 'c', caseNumber: 'n', category: 'noise', centreId: 'zz', centrePath: ['zz'], stage: 'intake', status: 'open', level: 'city', risk: 'low', lastSeq: 1 });
    expect(entry).toMatchObject({ deadline: null, overdue: false, breached: false, mediatorId: null, expertId: null, opinionExpertId: null, reportedById: null });
  });

  it('leaves out the opening-only fields when a transition’s write does not carry them', () => {
    const { title: _title, receivedAt: _received, complainant: _complainant, ...transition } = storedProjection();
    const entry = caseIndexEntry(transition);
    expect(Object.keys(entry)).not.toContain('title');
    expect(Object.keys(entry)).not.toContain('receivedAt');
    expect(Object.keys(entry)).not.toContain('complainantId');
    expect(isCompleteEntry(entry)).toBe(false);
    expect(isCompleteEntry(caseIndexEntry(storedProjection()))).toBe(true);
  });

  it('does not share the projection’s arrays', () => {
    const projection = storedProjection();
    const entry = caseIndexEntry(projection);
    entry.centrePath.push('x');
    expect(projection.centrePath).toHaveLength(3);
  });
});
