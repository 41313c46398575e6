// One tracked event for tests, with every field a test does not care about at a fixed, valid value: a view by a
// signed-in user at a fixed time (never the clock), no session, no attribution.
import type { TrackedEvent } from '../types';

export const SAMPLE_EVENT_TS = Date.parse('2026-11-01T00:00:00Z');

export function sampleEvent(
  fields: Pick<TrackedEvent, 'eventId' | 'userId' | 'productId'> & Partial<TrackedEvent>,
): TrackedEvent {
  return {
    type: 'view',
    anonymous: false,
    sessionId: null,
    ts: SAMPLE_EVENT_TS,
    quantity: 1,
    price: null,
    recId: null,
    experiment: null,
    variant: null,
    ...fields,
  };
}
