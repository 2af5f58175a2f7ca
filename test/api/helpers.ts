import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config';
import { createApp } from '../../src/api/app';
import { signToken } from '../../src/auth/tokens';
import { ensureIndexes } from '../../src/db/connection';
import { seedDatabase } from '../../src/db/seed';
import { SEED_PEOPLE, type Role } from '../../src/domain';
import { startTestEnv, type TestEnv, type TestEnvOptions } from '../helpers/temporal';

export const TEST_SECRET = 'test-secret-for-the-onedoor-api-0123456789';

export interface ApiEnv {
  env: TestEnv;
  app: Express;
  stop(): Promise<void>;
}

/** A real worker on its own task queue, the seeded test database and an app wired to both; `settings` replace the test defaults, `worker` adds to the worker's. */
export async function startApiEnv(name: string, settings: Partial<Config> = {}, worker: Pick<TestEnvOptions, 'delivery' | 'database'> = {}): Promise<ApiEnv> {
  const env = await startTestEnv(name, worker);
  await ensureIndexes(env.db.models);
  await seedConcurrently(env);
  const config: Config = { ...loadConfig(), taskQueue: env.taskQueue, jwtSecret: TEST_SECRET, timeScale: 1, logLevel: 'silent', intakeRatePerMinute: 0, signInRatePerMinute: 0, signInFailuresPerAddress: 0, ...settings };
  const app = createApp({ config, db: env.db, temporal: env.temporal });
  return { env, app, stop: () => env.stop() };
}

/**
 * Test files seed the shared test database at the same time; two upserts of one
 * document can race to a duplicate key. The seed is idempotent, so try again.
 */
async function seedConcurrently(env: TestEnv): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await seedDatabase(env.db.models, { demoPasswords: true });
      return;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000 || attempt >= 5) throw error;
    }
  }
}

/** A token for a seeded person (role and centre from the seed), or for any claims. */
export function tokenFor(personId: string): string {
  const person = SEED_PEOPLE.find((p) => p.id === personId);
  if (!person) throw new Error(`no seeded person ${personId}`);
  return signToken(TEST_SECRET, { sub: person.id, role: person.role, centreId: person.centreId, ...(person.departmentId ? { departmentId: person.departmentId } : {}) });
}

/** A token with any claims, for a person who must exist: the API reads the person's role and centre from the record, whatever the token says. */
export function tokenAs(sub: string, role: Role, centreId?: string): string {
  return signToken(TEST_SECRET, centreId === undefined ? { sub, role } : { sub, role, centreId });
}

/**
 * A token for a person made for the test: every request is checked against the living
 * person record, so the person is written to the people collection first.
 */
export async function tokenForNewPerson(api: ApiEnv, id: string, role: Role, centreId = 'zz'): Promise<string> {
  const centre = await api.env.db.models.Centre.findById(centreId).lean();
  if (!centre) throw new Error(`no centre ${centreId}`);
  await api.env.db.models.Person.collection.insertOne({ _id: id as never, name: id, role, centreId, centrePath: centre.path, specialties: [], title: null, phone: null, departmentId: null, active: true, username: null, updatedAt: null });
  return signToken(TEST_SECRET, { sub: id, role, centreId });
}

export const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
