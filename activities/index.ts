import type { Models } from '../src/db/models';
import { createPersistenceActivities } from './persistence';
import { createAssignmentActivities } from './assignment';
import { createDeliveryActivities, NO_CHANNELS, type DeliveryChannels } from './delivery';
import { NO_DELIVERY, type DeliveryStarter } from '../src/delivery/starter';

/** How notifications leave: the starter of their delivery workflows and the channels those send through. */
export interface Delivery {
  starter: DeliveryStarter;
  channels: DeliveryChannels;
}

export const NO_DELIVERY_AT_ALL: Delivery = { starter: NO_DELIVERY, channels: NO_CHANNELS };

/**
 * Every side effect of a case, as Temporal activities. Each one is idempotent:
 * a retry after a crash finds its earlier write by business key and changes
 * nothing twice.
 */
export function createActivities(models: Models, delivery: Delivery = NO_DELIVERY_AT_ALL) {
  return {
    ...createPersistenceActivities(models, delivery.starter),
    ...createAssignmentActivities(models),
    ...createDeliveryActivities(models, delivery.channels),
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
