import { describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { startApi } from '../../src/api/server';
import { eventually, TEST_PAYLOAD_KEYS_TEXT } from '../helpers/temporal';
import { TEST_SECRET } from './helpers';

describe('onedoor api at start', () => {
  it('reads its copy of case_index before any request asks for it, so the first list does not wait for it', async () => {
    const api = await startApi({
      ...loadConfig(),
      port: 0,
      temporalAddress: inject('temporalAddress'),
      temporalNamespace: inject('temporalNamespace'),
      mongodbUri: inject('mongodbUri'),
      jwtSecret: TEST_SECRET,
      payloadKeys: TEST_PAYLOAD_KEYS_TEXT,
      logLevel: 'silent',
    });
    try {
      expect(await eventually(async () => api.app.locals.caseMirror.isLoaded)).toBe(true);
    } finally {
      await api.close();
    }
  });
});
