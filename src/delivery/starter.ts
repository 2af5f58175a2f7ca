import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { DeliveryRetry } from '../domain';
import type { DeliveryInput, deliverNotification } from '../../workflows/delivery-workflow';

/** Starts the delivery of notifications just written to the outbox. */
export interface DeliveryStarter {
  start(notificationIds: readonly string[], taskQueue: string): Promise<void>;
}

/** A worker that sends nothing (tests of other things): the outbox is written and stays as it is. */
export const NO_DELIVERY: DeliveryStarter = { start: async () => {} };

/**
 * One delivery workflow per notification, its id the notification's id. Started with
 * REJECT_DUPLICATE, so a retried or replayed write starts nothing twice, not even after
 * the first delivery finished; "already started" is success. The starts of one write go
 * out together: one round trip to Temporal, beside the case's own writes.
 */
export function temporalDeliveryStarter(client: () => Client, retry: DeliveryRetry): DeliveryStarter {
  return {
    async start(notificationIds, taskQueue) {
      await Promise.all(
        notificationIds.map(async (notificationId) => {
          try {
            const args: [DeliveryInput] = [{ notificationId, retry }];
            await client().workflow.start<typeof deliverNotification>('deliverNotification', { taskQueue, workflowId: notificationId, args, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE });
          } catch (error) {
            if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          }
        }),
      );
    },
  };
}
