import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { loadConfig, type Config } from '../../src/config';
import { connectDatabase, ensureIndexes, type Database } from '../../src/db/connection';
import { seedDatabase } from '../../src/db/seed';
import { connectTemporalClient, type TemporalClient } from '../../src/temporal/client';
import { TEST_PAYLOAD_KEYS, uniqueId } from '../helpers/temporal';
import { bearer, TEST_SECRET, tokenFor } from './helpers';
import { localDay } from '../../src/domain';

/**
 * A day's case numbers have no holes: a number taken and never used reads to an
 * auditor as a missing case. This file has a database of its own, so the day's
 * serials there start at 1 whatever other test files open meanwhile, and no
 * worker polls its task queue: the workflows start but never write their case,
 * as when a retry arrives before the worker has recorded the first attempt.
 */
describe('case numbers and Idempotency-Key retries', () => {
  const database = uniqueId('onedoor_numbers_');
  let db: Database;
  let temporal: TemporalClient;
  let app: ReturnType<typeof createApp>;
  const started: string[] = [];

  beforeAll(async () => {
    db = await connectDatabase(inject('mongodbUri').replace(/\/[^/]+$/, `/${database}`));
    await ensureIndexes(db.models);
    await seedDatabase(db.models);
    temporal = await connectTemporalClient(inject('temporalAddress'), inject('temporalNamespace'), TEST_PAYLOAD_KEYS);
    const config: Config = { ...loadConfig(), taskQueue: uniqueId('no-worker-'), jwtSecret: TEST_SECRET, timeScale: 1, logLevel: 'silent' };
    app = createApp({ config, db, temporal });
  });

  afterAll(async () => {
    for (const id of started) await temporal.client.workflow.getHandle(id).terminate('test finished').catch(() => undefined);
    await db?.connection.dropDatabase().catch(() => undefined);
    await db?.close();
    await temporal?.close();
  });

  const intake = () => ({
    category: 'neighbour_dispute',
    title: '楼上深夜噪音',
    description: '楼上住户每晚十二点后仍有很大的噪音。',
    channel: 'app',
    location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 3 号楼' },
    complainant: { name: '林美华', phone: '13800001234' },
  });
  const send = (key: string) =>
    request(app).post('/api/v1/cases').set(...bearer(tokenFor('p-dongmen-resident'))).set('Idempotency-Key', key).send(intake());
  const serialOf = (caseNumber: string) => ({ day: caseNumber.slice(0, -7), serial: Number(caseNumber.slice(-6)) });

  it('a retry before the case is written gets its number back and takes no serial of its own', async () => {
    const first = await send('retry-key');
    expect(first.status).toBe(201);
    started.push(first.body.id);
    const retry = await send('retry-key');
    expect(retry.status).toBe(201);
    expect([retry.body.id, retry.body.caseNumber]).toEqual([first.body.id, first.body.caseNumber]);

    const next = await send('another-key');
    expect(next.status).toBe(201);
    started.push(next.body.id);
    const [a, b] = [serialOf(first.body.caseNumber), serialOf(next.body.caseNumber)];
    // The next case takes the very next number (unless the day turned in between).
    expect(b).toEqual(a.day === b.day ? { day: a.day, serial: a.serial + 1 } : { day: b.day, serial: 1 });
  });

  it('carries the day the case came in on in the centres’ time zone, whatever the UTC date', async () => {
    // A day ahead of UTC and a day behind it: at any moment at least one of them is not UTC's date.
    for (const timeZone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const config: Config = { ...loadConfig(), taskQueue: uniqueId('no-worker-'), jwtSecret: TEST_SECRET, timeScale: 1, logLevel: 'silent', timeZone };
      const before = localDay(Date.now(), timeZone);
      const res = await request(createApp({ config, db, temporal })).post('/api/v1/cases').set(...bearer(tokenFor('p-dongmen-resident'))).send(intake());
      const after = localDay(Date.now(), timeZone);
      expect(res.status).toBe(201);
      started.push(res.body.id);
      expect([before, after], timeZone).toContain(serialOf(res.body.caseNumber).day.slice(3));
    }
  });
});
