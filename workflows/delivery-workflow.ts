import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { PERMANENT_DELIVERY_FAILURE, type DeliveryOutcome, type DeliveryRetry, type PlannedDelivery } from '../src/domain';
import type { CaseActivities } from '../activities';

export interface DeliveryInput {
  notificationId: string;
  /** How often each send is tried and how long between tries: the deployment's setting when the notification was written. */
  retry: DeliveryRetry;
}

/** Reading and writing the notification are database writes like the case's: retried until the database answers. */
const records = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * One notification of the outbox, delivered: workflow id = the notification's id,
 * started once by the activity that wrote it. Each send (a person on a channel, a
 * webhook subscriber) is an activity of its own with a bounded retry policy: Temporal
 * waits between attempts on durable timers, so a worker restart loses no retry, and
 * every attempt shows in the Temporal Web UI. A send that exhausts its attempts is
 * dead; the notification is then the dead letter staff see on the case.
 */
export async function deliverNotification(input: DeliveryInput): Promise<'delivered' | 'dead' | 'nothing'> {
  const planned = await records.planDelivery(input.notificationId);
  if (planned === null) return 'nothing';
  const sends = proxyActivities<CaseActivities>({
    startToCloseTimeout: '1 minute',
    retry: {
      maximumAttempts: input.retry.maximumAttempts,
      initialInterval: input.retry.initialIntervalSeconds * 1000,
      maximumInterval: Math.max(input.retry.initialIntervalSeconds, input.retry.maxIntervalSeconds) * 1000,
      backoffCoefficient: 2,
      nonRetryableErrorTypes: [PERMANENT_DELIVERY_FAILURE],
    },
  });
  const outcomes = await Promise.all(
    planned.map((delivery: PlannedDelivery) =>
      sends.deliver({ notificationId: input.notificationId, delivery }).then(
        (): DeliveryOutcome => 'delivered',
        (): DeliveryOutcome => 'dead',
      ),
    ),
  );
  await records.finishDelivery({ notificationId: input.notificationId, planned, outcomes });
  return outcomes.includes('dead') ? 'dead' : 'delivered';
}
