import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { seedDatabase } from '../../src/db/seed';
import { ENCRYPTED_ENCODING } from '../../src/temporal/payload-codec';
import { caseStateQuery } from '../../workflows/definitions';
import { act, seeded } from '../helpers/cases';
import { caseInput, eventually, startCase, startTestEnv, type TestEnv } from '../helpers/temporal';

/**
 * What a case hands to Temporal stays in its history, which the Temporal Web
 * UI and CLI show to anyone who can reach the server: the complainant's name
 * and phone, the description, the reasons people give. The history must hold
 * none of it in the clear, while onedoor itself reads everything it needs.
 */
describe('payload encryption on the real server', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv('encryption');
    await seedDatabase(env.db.models);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('keeps personal data out of the history, and the case still runs on it', async () => {
    const input = caseInput({
      centrePath: ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', 'zz-pinghe-xiaoxi-dongmen'],
      intake: {
        title: '楼上漏水无人处理',
        description: '三楼住户卫生间漏水两周，联系不上房东',
        complainant: { personId: 'p-dongmen-resident', name: '郑秀英', phone: '13955550123' },
        parties: [{ name: '王建国', role: 'landlord' }],
      },
    });
    const caseId = input.opening.caseId;
    const handle = await startCase(env, input);
    const grid = seeded('p-dongmen-grid');
    await eventually(() => env.db.models.Case.findById(caseId).lean());
    await act(handle, grid, { type: 'accept' });
    const escalated = await act(handle, grid, { type: 'escalate', reason: '房东王建国拒绝沟通' });
    expect(escalated.level).toBe('town');

    // onedoor read it all: the worker decrypted the intake and wrote it to MongoDB.
    const stored = await eventually(async () => {
      const doc = await env.db.models.Case.findById(caseId).lean();
      return doc && doc.seq >= 3 ? doc : null;
    });
    expect(stored.complainant?.phone).toBe('13955550123');
    expect(stored.complainant?.name).toBe('郑秀英');
    expect(stored.description).toBe(input.intake.description);
    expect(await env.db.models.CaseEvent.findById(`${caseId}:3`).lean()).toMatchObject({ type: 'escalated', detail: { reason: '房东王建国拒绝沟通' } });

    // The history, byte for byte, holds none of it.
    const history = await handle.fetchHistory();
    const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    for (const secret of ['13955550123', '郑秀英', '王建国', '楼上漏水', '卫生间漏水', '拒绝沟通', '东门社区']) {
      expect(raw.includes(Buffer.from(secret)), `history contains "${secret}"`).toBe(false);
    }
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const encodings = (started?.input?.payloads ?? []).map((p) => Buffer.from(p.metadata?.encoding ?? []).toString());
    expect(encodings).toEqual([ENCRYPTED_ENCODING]);

    // A client without the key cannot read the case's state.
    const keyless = new Client({ connection: env.temporal.connection, namespace: inject('temporalNamespace') });
    await expect(keyless.workflow.getHandle(caseId).query(caseStateQuery)).rejects.toThrow(/encoding/i);
    expect((await handle.query(caseStateQuery)).level).toBe('town');

    await handle.terminate('test finished');
  });
});
