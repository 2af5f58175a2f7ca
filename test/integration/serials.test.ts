import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection';
import { allocateSerial } from '../../src/db/serials';
import { uniqueId } from '../helpers/temporal';

/** Case numbers stay unique when many API processes take them at once. */
describe('serial allocation', () => {
  const connections: Database[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 4; i += 1) connections.push(await connectDatabase(inject('mongodbUri')));
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
  });

  it('hands out 1..n exactly once across concurrent connections', async () => {
    const scope = uniqueId('serial-test-');
    const serials = await Promise.all(
      connections.flatMap((db) => Array.from({ length: 20 }, () => allocateSerial(db.models, scope))),
    );
    expect(serials.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
  });
});
