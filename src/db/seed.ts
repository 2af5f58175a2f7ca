import { Organisation, SEED_CENTRES, SEED_DEPARTMENTS, SEED_PEOPLE } from '../domain';
import type { Models } from './models';
import { isDuplicateKeyError } from './errors';
import { hashPassword, passwordKey } from '../auth/passwords';
import { phoneKey } from '../auth/codes';

export interface SeedResult {
  centres: number;
  people: number;
}

/**
 * Writes the demo organisation and people. Idempotent: documents are keyed by
 * their ids and replaced, so seeding twice leaves one copy of each.
 */
/**
 * The demonstration password of every seeded staff member (username = their id), written
 * only outside production: a deployment's people get theirs from an administrator or
 * `onedoor password`.
 */
export const DEMO_PASSWORD = 'onedoor-demo';

export interface SeedOptions {
  /** Give seeded staff the demonstration password (never in production). */
  demoPasswords: boolean;
}

export async function seedDatabase(models: Models, options: SeedOptions = { demoPasswords: false }): Promise<SeedResult> {
  // Two processes seeding at once race on the upserts' inserts; the loser's
  // second pass finds the documents and replaces them.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await writeSeed(models);
      await writeCredentials(models, options);
      return result;
    } catch (error) {
      if (!isDuplicateKeyError(error) || attempt >= 5) throw error;
    }
  }
}

async function writeSeed(models: Models): Promise<SeedResult> {
  const organisation = new Organisation(SEED_CENTRES);
  await models.Centre.bulkWrite(
    SEED_CENTRES.map((centre) => ({
      // $set, not a replacement: seeding again must not reopen a centre an administrator closed.
      updateOne: {
        filter: { _id: centre.id },
        update: { $set: { name: centre.name, level: centre.level, parentId: centre.parentId, path: organisation.pathOf(centre.id) }, $setOnInsert: { closedAt: null } },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  await models.Person.bulkWrite(
    SEED_PEOPLE.map((person) => ({
      // $set, not a replacement: seeding again must not reactivate a person an administrator deactivated.
      updateOne: {
        filter: { _id: person.id },
        update: {
          $set: {
          name: person.name,
          role: person.role,
          centreId: person.centreId,
          centrePath: organisation.pathOf(person.centreId),
          specialties: person.specialties,
          title: person.title ?? null,
          phone: person.phone ?? null,
          departmentId: person.departmentId ?? null,
          },
          $setOnInsert: { active: true, username: person.id, updatedAt: null },
        },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  await models.Department.bulkWrite(
    SEED_DEPARTMENTS.map((department) => ({
      replaceOne: { filter: { _id: department.id }, replacement: { _id: department.id, name: department.name, centreId: department.centreId }, upsert: true },
    })),
    { ordered: false },
  );
  return { centres: SEED_CENTRES.length, people: SEED_PEOPLE.length };
}

/**
 * Seeded residents sign in with their phone numbers; seeded staff, outside production,
 * with the demonstration password. Written only where absent, so a password changed
 * since is kept.
 */
async function writeCredentials(models: Models, options: SeedOptions): Promise<void> {
  const now = new Date();
  const keys: { key: string; personId: string; hash: string | null }[] = [];
  const demoHash = options.demoPasswords ? await hashPassword(DEMO_PASSWORD) : null;
  for (const person of SEED_PEOPLE) {
    if (person.role === 'resident') {
      if (person.phone) keys.push({ key: phoneKey(person.phone), personId: person.id, hash: null });
    } else if (demoHash) {
      keys.push({ key: passwordKey(person.id), personId: person.id, hash: demoHash });
    }
  }
  if (keys.length === 0) return;
  await models.Credential.bulkWrite(
    keys.map(({ key, personId, hash }) => ({
      updateOne: { filter: { _id: key }, update: { $setOnInsert: { personId, hash, createdAt: now, updatedAt: now } }, upsert: true },
    })),
    { ordered: false },
  );
}

/** Seeds a database that has no organisation yet; leaves a populated one alone. */
export async function seedIfEmpty(models: Models, options: SeedOptions = { demoPasswords: false }): Promise<SeedResult | null> {
  const any = await models.Centre.findOne({}, { _id: 1 }).lean();
  return any ? null : seedDatabase(models, options);
}
