import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/db/seed';
import { caseIndexEntry } from '../../src/db/case-index';
import type { CaseDocument } from '../../src/domain';
import { createPersistenceActivities } from '../../activities/persistence';
import { act, ORG, seeded, uniformPolicy } from '../helpers/cases';
import { caseInput, databaseUri, eventually, startCase, startTestEnv, type TestEnv } from '../helpers/temporal';
import { connectDatabase } from '../../src/db/connection';
import { applyAction } from '../../src/domain';
import type { CommandStartedEvent } from 'mongodb';

/** The case's index entry once it has caught up with `seq`. */
async function entryAt(env: TestEnv, caseId: string, seq: number) {
  return eventually(async () => {
    const entry = await env.db.models.CaseIndex.findById(caseId).lean();
    return entry && entry.seq >= seq ? entry : null;
  });
}

describe('case_index follows the projection', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv('case-index');
    await seedDatabase(env.db.models);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('gets every transition, equal to the entry derived from the stored projection', async () => {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), complainantId: 'p-dongmen-resident' });
    const caseId = input.opening.caseId;
    const handle = await startCase(env, input);
    const opened = await entryAt(env, caseId, 1);
    expect(opened).toMatchObject({ stage: 'intake', status: 'open', level: 'village', title: input.intake.title, complainantId: 'p-dongmen-resident', breached: false });
    expect(opened.receivedAt).toBe(input.opening.now);

    const admin = seeded('p-dongmen-admin');
    await act(handle, admin, { type: 'accept' });
    await act(handle, admin, { type: 'escalate', reason: '需要镇级协调' });
    const escalated = await entryAt(env, caseId, 3);
    expect(escalated).toMatchObject({ seq: 3, stage: 'escalation', centreId: 'zz-pinghe-xiaoxi', level: 'town', title: input.intake.title, complainantId: 'p-dongmen-resident' });
    // The opening fields survive transitions, which do not carry them.
    expect(escalated.receivedAt).toEqual(opened.receivedAt);

    const stored = await env.db.models.Case.findById(caseId).lean<CaseDocument>();
    expect(stored).not.toBeNull();
    // Who accepted it comes from the acceptance's own events, which the document does not keep.
    expect(escalated).toEqual({ ...caseIndexEntry(stored!), acceptedBy: { personId: 'p-dongmen-admin', centreId: 'zz-pinghe-xiaoxi-dongmen' } });
    await handle.terminate('test finished');
  });

  it('follows deadlines: breached and overdue at the top', async () => {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), slaPolicy: uniformPolicy(3000, 0.5) });
    const caseId = input.opening.caseId;
    const handle = await startCase(env, input);
    const entry = await eventually(async () => {
      const found = await env.db.models.CaseIndex.findById(caseId).lean();
      return found?.overdue ? found : null;
    }, 60_000);
    expect(entry).toMatchObject({ overdue: true, breached: true, level: 'city', centreId: 'zz', stage: 'escalation' });
    const stored = await env.db.models.Case.findById(caseId).lean();
    expect(entry.seq).toBe(stored?.seq);
    await handle.terminate('test finished');
  });

  it('never moves backwards on a stale write, and a replayed write changes nothing', async () => {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen') });
    const caseId = input.opening.caseId;
    const handle = await startCase(env, input);
    const admin = seeded('p-dongmen-admin');
    const accepted = await act(handle, admin, { type: 'accept' });
    const escalated = await act(handle, admin, { type: 'escalate', reason: '上报' });
    const before = await entryAt(env, caseId, 3);
    const activities = createPersistenceActivities(env.db.models);
    // A late retry of the older transition, then a replay of the current one.
    await activities.recordTransition({ state: accepted, events: [] });
    await activities.recordTransition({ state: escalated, events: [] });
    const after = await env.db.models.CaseIndex.findById(caseId).lean();
    expect(after).toEqual(before);
    expect([after?.stage, after?.seq]).toEqual(['escalation', 3]);
    await handle.terminate('test finished');
  });

  /** The requests one transition makes, as `command collection`, written through a connection that counts them. */
  async function requestsOfOneTransition(forwardWrite: 'guarded' | 'read-first') {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen') });
    const caseId = input.opening.caseId;
    const handle = await startCase(env, input);
    const admin = seeded('p-dongmen-admin');
    const accepted = await act(handle, admin, { type: 'accept' });
    await handle.terminate('the next transition is written by the test');
    const next = applyAction(accepted, { type: 'escalate', reason: '需要镇级协调' }, admin, Date.now());
    const counted = await connectDatabase(databaseUri(undefined), { monitorCommands: true });
    try {
      const requests: string[] = [];
      const listener = (event: CommandStartedEvent) => {
        const collection = event.command[event.commandName];
        if (typeof collection === 'string') requests.push(`${event.commandName} ${collection}`);
      };
      counted.connection.getClient().on('commandStarted', listener);
      const activities = createPersistenceActivities(counted.models, undefined, { forwardWrite });
      await activities.recordTransition(next);
      counted.connection.getClient().off('commandStarted', listener);
      const entry = await env.db.models.CaseIndex.findById(caseId).lean();
      const stored = await env.db.models.Case.findById(caseId).lean<CaseDocument>();
      return { requests, entry, stored, next };
    } finally {
      await counted.close();
    }
  }

  it('writes a transition on FerretDB with one read: the case, never its entry', async () => {
    const { requests, entry, stored, next } = await requestsOfOneTransition('read-first');
    expect([entry?.seq, entry?.stage, stored?.seq]).toEqual([next.state.seq, 'escalation', next.state.seq]);
    expect(requests.filter((r) => /^find (cases|case_index)$/.test(r))).toEqual(['find cases']);
    expect(requests).toContain('update case_index');
    expect(requests.filter((r) => r.startsWith('update cases'))).toHaveLength(1);
  });

  it('writes a transition on MongoDB without reading first, and the guarded write still never moves back', async () => {
    const { requests, entry, stored, next } = await requestsOfOneTransition('guarded');
    expect([entry?.seq, stored?.seq]).toEqual([next.state.seq, next.state.seq]);
    expect(requests.filter((r) => /^find (cases|case_index)$/.test(r))).toEqual([]);
    const guarded = createPersistenceActivities(env.db.models, undefined, { forwardWrite: 'guarded' });
    const older = { ...next.state, seq: next.state.seq - 1, stage: 'intake' as const };
    await guarded.recordTransition({ state: older, events: [] });
    await guarded.recordTransition({ state: next.state, events: [] });
    const after = await env.db.models.CaseIndex.findById(next.state.caseId).lean();
    expect(after).toEqual(entry);
    expect((await env.db.models.Case.findById(next.state.caseId).lean<CaseDocument>())?.seq).toBe(next.state.seq);
  });
});
