import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { dataConverterFor } from '../../src/temporal/payload-codec';
import { TEST_PAYLOAD_KEYS } from '../helpers/payload-keys';

/**
 * Histories recorded from earlier versions of caseWorkflow (scripts/save-histories.ts)
 * must replay on today's code: a change that would break running cases fails here
 * and belongs behind patched().
 */
const DIR = path.resolve(__dirname, '../histories');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('replay of saved histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  for (const file of files) {
    it(`replays ${file} without nondeterminism`, async () => {
      const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')));
      expect(history.events?.length).toBeGreaterThan(10);
      await Worker.runReplayHistory(
        // Histories recorded since payloads are encrypted need the key; older ones are plain and read as they are.
        { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: dataConverterFor(TEST_PAYLOAD_KEYS) },
        history,
        file,
      );
    });
  }
});
