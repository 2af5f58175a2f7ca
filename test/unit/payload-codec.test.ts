import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  EncryptionCodec,
  ENCRYPTED_ENCODING,
  formatPayloadKey,
  newPayloadKey,
  parsePayloadKeys,
  resolvePayloadKeys,
} from '../../src/temporal/payload-codec';

const intake = { complainant: { name: '林美华', phone: '13800001234' }, description: '邻居深夜噪音' };
const plainPayload = (): Payload => defaultPayloadConverter.toPayload(intake);
const text = (payload: Payload): string => Buffer.from(payload.data ?? []).toString('latin1') + JSON.stringify(payload.metadata);
const keysOf = (...keys: ReturnType<typeof newPayloadKey>[]) => parsePayloadKeys(keys.map(formatPayloadKey).join(','));

describe('payload encryption', () => {
  it('hides the content and gives it back whole', async () => {
    const codec = new EncryptionCodec(keysOf(newPayloadKey()));
    const [sealed] = await codec.encode([plainPayload()]);
    expect(Buffer.from(sealed!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!)).not.toContain('13800001234');
    expect(text(sealed!)).not.toContain(Buffer.from('林美华').toString('latin1'));
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(intake);
  });

  it('encrypts the same payload differently each time', async () => {
    const codec = new EncryptionCodec(keysOf(newPayloadKey()));
    const [a, b] = await codec.encode([plainPayload(), plainPayload()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('reads payloads recorded before encryption as they are', async () => {
    const codec = new EncryptionCodec(keysOf(newPayloadKey()));
    const plain = plainPayload();
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('after a rotation, writes with the new key and still reads what the old key wrote', async () => {
    const oldKey = newPayloadKey();
    const newKey = newPayloadKey();
    const [before] = await new EncryptionCodec(keysOf(oldKey)).encode([plainPayload()]);
    const rotated = new EncryptionCodec(keysOf(newKey, oldKey));
    const [after] = await rotated.encode([plainPayload()]);
    expect(Buffer.from(after!.metadata!['encryption-key-id']!).toString()).toBe(newKey.id);
    expect((await rotated.decode([before!, after!])).map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([intake, intake]);
  });

  it('refuses a payload whose key it lacks, naming the key', async () => {
    const writer = newPayloadKey();
    const [sealed] = await new EncryptionCodec(keysOf(writer)).encode([plainPayload()]);
    await expect(new EncryptionCodec(keysOf(newPayloadKey())).decode([sealed!])).rejects.toThrow(`key "${writer.id}", which is not in ONEDOOR_PAYLOAD_KEYS`);
  });

  it('refuses a payload altered in storage', async () => {
    const codec = new EncryptionCodec(keysOf(newPayloadKey()));
    const [sealed] = await codec.encode([plainPayload()]);
    const data = Buffer.from(sealed!.data!);
    data.writeUInt8(data.readUInt8(data.length - 1) ^ 1, data.length - 1);
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow(/auth/i);
  });
});

describe('ONEDOOR_PAYLOAD_KEYS', () => {
  const key = Buffer.alloc(32, 1).toString('base64');

  it('takes the first entry as the current key and keeps every entry for reading', () => {
    const keys = parsePayloadKeys(` k2:${key} , k1:${Buffer.alloc(32, 2).toString('base64')}`);
    expect(keys.current.id).toBe('k2');
    expect([...keys.byId.keys()]).toEqual(['k2', 'k1']);
  });

  it.each([
    ['', 'names no key'],
    [key, 'must start with a key id'],
    ['k 1:' + key, 'must start with a key id'],
    [`k1:${Buffer.alloc(16).toString('base64')}`, 'key "k1" must be 32 bytes in base64 (openssl rand -base64 32), got 16'],
    [`k1:${key},k1:${key}`, 'key id "k1" is listed twice'],
  ])('refuses %j: %s', (value, message) => {
    expect(() => parsePayloadKeys(value)).toThrow(message);
  });
});

describe('the development key in the data directory', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-keys-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is made once, readable only by its owner, and the same for every later process', () => {
    const dataDir = tempDir();
    const first = resolvePayloadKeys({ dataDir, payloadKeys: undefined, production: false });
    expect(fs.statSync(path.join(dataDir, 'payload-keys')).mode & 0o777).toBe(0o600);
    const second = resolvePayloadKeys({ dataDir, payloadKeys: undefined, production: false });
    expect(second.current.id).toBe(first.current.id);
    expect(second.current.key.equals(first.current.key)).toBe(true);
  });

  it('gives way to ONEDOOR_PAYLOAD_KEYS, and is not made in production', () => {
    const dataDir = tempDir();
    expect(resolvePayloadKeys({ dataDir, payloadKeys: `prod:${Buffer.alloc(32, 3).toString('base64')}`, production: true }).current.id).toBe('prod');
    expect(() => resolvePayloadKeys({ dataDir, payloadKeys: undefined, production: true })).toThrow('ONEDOOR_PAYLOAD_KEYS must be set in production');
    expect(fs.existsSync(path.join(dataDir, 'payload-keys'))).toBe(false);
  });
});
