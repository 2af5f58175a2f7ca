import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Config } from '../config';
import { devSecret } from '../dev-secrets';

/**
 * Everything onedoor hands to Temporal (a case's intake with the
 * complainant's name and phone, actions with their notes, the case state) is
 * kept in the workflow's history, which the Temporal Web UI and CLI show to
 * anyone who can reach the server. Those payloads are encrypted with AES-256-GCM
 * by the API and the worker before they leave the process, so the history holds
 * only ciphertext; onedoor's own timeline, behind its access rules, is where
 * people read a case.
 *
 * Each encrypted payload names the key it was made with. The first key of
 * ONEDOOR_PAYLOAD_KEYS encrypts; every key listed decrypts, so a key is rotated
 * by putting a new one first and keeping the old one until no open case's
 * history needs it. Payloads recorded before encryption was turned on carry no
 * key id and are read as they are.
 */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEYS_FILE = 'payload-keys';

export interface PayloadKey {
  id: string;
  key: Buffer;
}

export interface PayloadKeys {
  /** Encrypts every new payload. */
  current: PayloadKey;
  /** Every key that may have encrypted a stored payload, current included, by id. */
  byId: ReadonlyMap<string, Buffer>;
}

/** What is wrong with a list of payload keys, and where the list came from (a variable or a file). */
export class PayloadKeysError extends Error {
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}

/** `id:base64key[,id:base64key…]`, the first entry current. Throws a {@link PayloadKeysError} saying what is wrong. */
export function parsePayloadKeys(text: string, source = 'ONEDOOR_PAYLOAD_KEYS'): PayloadKeys {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new PayloadKeysError(source, 'names no key; expected id:base64key[,id:base64key…]');
  const keys = entries.map((entry, index) => {
    const separator = entry.indexOf(':');
    const id = separator < 0 ? '' : entry.slice(0, separator);
    if (!KEY_ID.test(id)) throw new PayloadKeysError(source, `entry ${index + 1} must start with a key id of letters, digits, "-" or "_" and a colon`);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (key.length !== KEY_BYTES) throw new PayloadKeysError(source, `key "${id}" must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32), got ${key.length}`);
    return { id, key };
  });
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (byId.has(id)) throw new PayloadKeysError(source, `key id "${id}" is listed twice`);
    byId.set(id, key);
  }
  return { current: keys[0]!, byId };
}

export function formatPayloadKey({ id, key }: PayloadKey): string {
  return `${id}:${key.toString('base64')}`;
}

export function newPayloadKey(): PayloadKey {
  return { id: `k${randomBytes(4).toString('hex')}`, key: randomBytes(KEY_BYTES) };
}

/**
 * The keys: ONEDOOR_PAYLOAD_KEYS, or in development a key generated once into
 * <dataDir>/payload-keys (mode 0600), next to the servers' data it protects, so
 * the API, the worker and `onedoor up` share it. Losing the key makes every
 * history it encrypted unreadable, the running cases included: production must
 * set it, and keep it as carefully as the database.
 */
export function resolvePayloadKeys(config: Pick<Config, 'payloadKeys' | 'dataDir' | 'production'>): PayloadKeys {
  if (config.payloadKeys !== undefined) return parsePayloadKeys(config.payloadKeys);
  if (config.production) throw new Error('ONEDOOR_PAYLOAD_KEYS must be set in production (id:base64key; see docs/deploy.md)');
  const { file, text } = devSecret(config.dataDir, KEYS_FILE, () => formatPayloadKey(newPayloadKey()));
  return parsePayloadKeys(text, file);
}

const { Payload: PayloadMessage } = temporal.api.common.v1;

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.keys.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, key, iv);
    const sealed = Buffer.concat([cipher.update(PayloadMessage.encode(payload).finish()), cipher.final()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(id) },
      data: Buffer.concat([iv, cipher.getAuthTag(), sealed]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const id = idBytes ? Buffer.from(idBytes).toString() : '';
    const key = this.keys.byId.get(id);
    if (!key) throw new Error(`payload encrypted with key "${id}", which is not in ONEDOOR_PAYLOAD_KEYS`);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new Error(`encrypted payload too short (${data.length} bytes)`);
    const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    return PayloadMessage.decode(plain) as Payload;
  }
}

/** The data converter of every onedoor client and worker. */
export function dataConverterFor(keys: PayloadKeys): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}
