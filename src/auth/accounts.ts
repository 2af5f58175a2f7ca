import type { Models } from '../db/models';
import { hashPassword, passwordKey } from './passwords';
import { revokeSessionsOf } from './sessions';

export class UsernameTakenError extends Error {}

/**
 * Gives a person a password under a username: the credential is keyed by the username,
 * so a name held by someone else is refused, and the person's open sessions end (a
 * reset password must lock out whoever knew the old one).
 */
/** Returns how many open sessions it ended. */
export async function setPassword(models: Models, personId: string, username: string, password: string): Promise<number> {
  const key = passwordKey(username);
  const existing = await models.Credential.findById(key, { personId: 1 }).lean();
  if (existing && existing.personId !== personId) throw new UsernameTakenError(`the username "${username}" belongs to someone else`);
  const now = new Date();
  const hash = await hashPassword(password);
  await models.Credential.updateOne({ _id: key }, { $set: { personId, hash, updatedAt: now }, $setOnInsert: { createdAt: now } }, { upsert: true });
  // A person signs in under one username: an older one stops working.
  await models.Credential.deleteMany({ personId, _id: { $ne: key, $regex: '^password:' } });
  await models.Person.updateOne({ _id: personId }, { $set: { username: username.trim(), updatedAt: now } });
  return revokeSessionsOf(models, personId);
}
