import { Organisation, SEED_CENTRES, SEED_DEPARTMENTS, SEED_PEOPLE } from '../domain';
import type { Models } from './models';
import { isDuplicateKeyError } from './errors';

export interface SeedResult {
  centres: number;
  people: number;
}

/**
 * Writes the demo organisation and people. Idempotent: documents are keyed by
 * their ids and replaced, so seeding twice leaves one copy of each.
 */
export async function seedDatabase(models: Models): Promise<SeedResult> {
  // Two processes seeding at once race on the upserts' inserts; the loser's
  // second pass finds the documents and replaces them.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await writeSeed(models);
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

/** Seeds a database that has no organisation yet; leaves a populated one alone. */
export async function seedIfEmpty(models: Models): Promise<SeedResult | null> {
  const any = await models.Centre.findOne({}, { _id: 1 }).lean();
  return any ? null : seedDatabase(models);
}
