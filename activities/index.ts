import type { Models } from '../src/db/models';
import { createPersistenceActivities } from './persistence';
import { createAssignmentActivities } from './assignment';

/**
 * Every side effect of a case, as Temporal activities. Each one is idempotent:
 * a retry after a crash finds its earlier write by business key and changes
 * nothing twice.
 */
export function createActivities(models: Models) {
  return {
    ...createPersistenceActivities(models),
    ...createAssignmentActivities(models),
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
