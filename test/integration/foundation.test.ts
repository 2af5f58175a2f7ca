import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseInput, eventually, startCase, startTestEnv, type TestEnv } from '../helpers/temporal';

describe('foundation: a real workflow on the dev server writes to MongoDB through an activity', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv('foundation');
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('records the opened case and its first event, read back through mongoose', async () => {
    const input = caseInput();
    const handle = await startCase(env, input);
    const caseId = input.opening.caseId;

    const stored = await eventually(() => env.db.models.Case.findById(caseId).lean());
    expect(stored.caseNumber).toBe(input.opening.caseNumber);
    expect(stored.stage).toBe('intake');
    expect(stored.status).toBe('open');
    expect(stored.centreId).toBe('zz-pinghe-xiaoxi-dongmen');
    expect(stored.level).toBe('village');
    expect(stored.complainant?.phoneMasked).toBe('138****1234');
    expect(stored.seq).toBe(1);

    const events = await env.db.models.CaseEvent.find({ caseId }).sort({ seq: 1 }).lean();
    expect(events.map((e) => [e.seq, e.type])).toEqual([[1, 'reported']]);

    const described = await handle.describe();
    expect(described.status.name).toBe('RUNNING');
    await handle.terminate('test finished');
  });
});
