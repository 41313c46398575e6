// One accepted storefront event, as it travels through the Redis stream to the graph.
// `eventId` is the client's idempotency key: it becomes the `eventId` property of the event relationship
// (docs/graph-model.md), so MERGE on it makes every write of the same event a no-op after the first.

import { EVENT_TYPES, REL_FOR, type EventType } from '../core';

// The event kinds are the graph's vocabulary (core/vocabulary.ts); re-exported as part of an event's shape.
export { EVENT_TYPES, REL_FOR };
export type { EventType };

export interface TrackedEvent {
  eventId: string;
  type: EventType;
  /** The graph user id: the shop's id, or `anon:<sessionId>` for an anonymous session. */
  userId: string;
  anonymous: boolean;
  sessionId: string | null;
  productId: string;
  /** Epoch milliseconds. */
  ts: number;
  quantity: number;
  price: number | null;
  recId: string | null;
  /**
   * The experiment and variant of the exposure `recId` names, null when it names none (trackEvents looks them
   * up before the append), so the graph can slice outcomes by variant. Stream entries written before these
   * fields existed lack them; the consumer reads them as null.
   */
  experiment: string | null;
  variant: string | null;
}

/** An event as the storefront sent it, before trackEvents tags it with the experiment of its recId. */
export type UntaggedEvent = Omit<TrackedEvent, 'experiment' | 'variant'>;
