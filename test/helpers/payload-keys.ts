import { parsePayloadKeys } from '../../src/temporal/payload-codec';

/**
 * One fixed payload key for every test process and for the histories
 * scripts/save-histories.ts records (ONEDOOR_PAYLOAD_KEYS of the onedoor
 * processes tests spawn): the clients, workers and APIs of a test must agree on
 * it, as production's do, and a saved history must stay readable.
 */
export const TEST_PAYLOAD_KEYS_TEXT = `test:${Buffer.alloc(32, 7).toString('base64')}`;
export const TEST_PAYLOAD_KEYS = parsePayloadKeys(TEST_PAYLOAD_KEYS_TEXT);
