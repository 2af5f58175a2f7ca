/**
 * Open311 client keys (`api_key`): a random key handed once to a client system, kept
 * only as its SHA-256 under `_id`. Administrators name a key by its fingerprint, the
 * first 16 hex digits of that hash, which says nothing of the key itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Models } from './models';

export const OPEN311_KEY_PREFIX = 'o311_';
const FINGERPRINT_LENGTH = 16;

export interface Open311Key {
  /** The fingerprint: the first 16 hex digits of the key's SHA-256. */
  id: string;
  name: string;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
}

interface StoredKey {
  _id: string;
  name: string;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
}

export function hashOfKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function fingerprintOf(hash: string): string {
  return hash.slice(0, FINGERPRINT_LENGTH);
}

function keyOf(doc: StoredKey): Open311Key {
  return { id: fingerprintOf(doc._id), name: doc.name, createdAt: doc.createdAt, createdBy: doc.createdBy, revokedAt: doc.revokedAt ?? null, revokedBy: doc.revokedBy ?? null };
}

/** A new key (32 random bytes) is stored as its hash; the key is returned, once, and nowhere kept. */
export async function createOpen311Key(models: Models, name: string, createdBy: string, now = new Date()): Promise<{ key: string; record: Open311Key }> {
  const key = `${OPEN311_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const doc: StoredKey = { _id: hashOfKey(key), name, createdAt: now, createdBy, revokedAt: null, revokedBy: null };
  await models.Open311Key.collection.insertOne(doc as never);
  return { key, record: keyOf(doc) };
}

/** Every key, newest first. There are as many as client systems: a handful. */
export async function listOpen311Keys(models: Models): Promise<Open311Key[]> {
  const docs = await models.Open311Key.find({}).lean<StoredKey[]>();
  return docs.map(keyOf).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id));
}

/** Revokes the key with this fingerprint; a key revoked before keeps its first revocation. Null for no such key. */
export async function revokeOpen311Key(models: Models, fingerprint: string, revokedBy: string, now = new Date()): Promise<Open311Key | null> {
  const docs = await models.Open311Key.find({}).lean<StoredKey[]>();
  const doc = docs.find((d) => fingerprintOf(d._id) === fingerprint);
  if (!doc) return null;
  if (doc.revokedAt) return keyOf(doc);
  await models.Open311Key.updateOne({ _id: doc._id, revokedAt: null }, { $set: { revokedAt: now, revokedBy } });
  const after = await models.Open311Key.findById(doc._id).lean<StoredKey>();
  return keyOf(after ?? { ...doc, revokedAt: now, revokedBy });
}

export type KeyCheck = { ok: true; key: Open311Key } | { ok: false; reason: 'unknown' } | { ok: false; reason: 'revoked'; key: Open311Key };

/** The key a request presents: one `_id` read of its hash. */
export async function checkOpen311Key(models: Models, presented: string): Promise<KeyCheck> {
  const doc = await models.Open311Key.findById(hashOfKey(presented)).lean<StoredKey>();
  if (!doc) return { ok: false, reason: 'unknown' };
  const key = keyOf(doc);
  return doc.revokedAt ? { ok: false, reason: 'revoked', key } : { ok: true, key };
}
