import { describe, expect, it } from 'vitest';
import { auditRecord, auditScope, caseActionScope } from '../../src/domain';

const paths: Record<string, string[]> = {
  'zz-pinghe-xiaoxi-ximen': ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', 'zz-pinghe-xiaoxi-ximen'],
};
const pathOf = (id: string) => paths[id];

describe('the centres an audit record concerns', () => {
  it('names each centre once, city first', () => {
    expect(auditScope(['zz', 'zz-a', 'zz-a-b'], ['zz', 'zz-c'], undefined, null)).toEqual(['zz', 'zz-a', 'zz-a-b', 'zz-c']);
    expect(auditScope()).toEqual([]);
  });

  it('a case action: the case’s path and the actor’s', () => {
    expect(caseActionScope(['zz', 'zz-a'], ['zz', 'zz-b'], { type: 'accept' }, null, pathOf)).toEqual(['zz', 'zz-a', 'zz-b']);
    expect(caseActionScope(['zz', 'zz-a'], undefined, { type: 'feedback' }, null, pathOf)).toEqual(['zz', 'zz-a']);
  });

  it('a transfer also concerns the centre it goes to, a refused one the centre it goes back to', () => {
    const dongmen = ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', 'zz-pinghe-xiaoxi-dongmen'];
    expect(caseActionScope(dongmen, dongmen, { type: 'transfer', toCentreId: 'zz-pinghe-xiaoxi-ximen' }, null, pathOf)).toEqual([...dongmen, 'zz-pinghe-xiaoxi-ximen']);
    expect(caseActionScope(paths['zz-pinghe-xiaoxi-ximen']!, undefined, { type: 'refuse_transfer' }, dongmen, pathOf)).toEqual([...paths['zz-pinghe-xiaoxi-ximen']!, 'zz-pinghe-xiaoxi-dongmen']);
    expect(caseActionScope(dongmen, undefined, { type: 'transfer', toCentreId: 'unknown' }, null, pathOf)).toEqual(dongmen);
  });

  it('is stored with the record, with the address and the subject', () => {
    const record = auditRecord({ actor: null, action: 'intake', outcome: 'ok', status: 201, scope: ['zz'], address: '10.0.0.1', subjectId: 'p-1' }, new Date(0));
    expect(record).toMatchObject({ scope: ['zz'], address: '10.0.0.1', subjectId: 'p-1', actor: { anonymous: true } });
    expect(auditRecord({ actor: null, action: 'x', outcome: 'ok', status: 200 }, new Date(0))).toMatchObject({ scope: [], address: null, subjectId: null });
  });
});
