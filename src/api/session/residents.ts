import { randomBytes } from 'node:crypto';
import type { ApiContext } from '../context';
import type { LivingPerson } from '../../auth/people';
import { phoneKey } from '../../auth/codes';
import { isDuplicateKeyError } from '../../db/errors';
import { maskPhone } from '../../domain';

/**
 * The resident a phone number belongs to. A number seen for the first time registers a
 * resident (named by the masked number until they say more), at the city: where they
 * live is what their reports say. The credential is claimed first, by its unique `_id`,
 * so two first sign-ins at once make one resident.
 */
export async function residentForPhone(ctx: ApiContext, phone: string): Promise<LivingPerson> {
  const models = ctx.db.models;
  const key = phoneKey(phone);
  let credential = await models.Credential.findById(key).lean();
  if (!credential) {
    const personId = `r-${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`;
    const now = new Date();
    try {
      await models.Credential.collection.insertOne({ _id: key as never, personId, hash: null, createdAt: now, updatedAt: now });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    credential = await models.Credential.findById(key).lean();
    if (!credential) throw new Error('credential vanished after insert');
    if (credential.personId === personId) {
      const root = await models.Centre.findOne({ parentId: null }, { _id: 1, path: 1 }).lean();
      if (!root) throw new Error('no organisation: seed the centres first');
      await models.Person.updateOne(
        { _id: personId },
        { $setOnInsert: { name: maskPhone(phone), role: 'resident', centreId: root._id, centrePath: root.path, specialties: [], title: null, phone, departmentId: null, active: true, username: null, updatedAt: now } },
        { upsert: true },
      );
    }
  }
  ctx.people.forget(credential.personId);
  const person = await ctx.people.get(credential.personId);
  if (!person) throw new Error(`credential ${key} names no person`);
  return person;
}
