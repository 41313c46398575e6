// trackEvents and experiments, without services: the exposures are read once, tag the appended events and feed
// attribution; a Redis failure before the append stores nothing and says so, one after it says the events are in.
import { GraphrecError } from '../core';
import { defaultAppendOptions, type TrackedEvent } from '../events';
import type { ExposuresByRecId, Outcome } from '../experiments';
import type { ApiContext } from './context';
import { tagWithExposures } from './attribution';
import { resolvers } from './resolvers';

const exposures: ExposuresByRecId = new Map([
  ['rec-aaaa-1', { experimentId: 'exp1', variant: 'b', unitId: 'u1' }],
]);

function stubContext(over: { lookup?: () => Promise<ExposuresByRecId>; attribute?: () => Promise<unknown> }) {
  const appended: TrackedEvent[][] = [];
  const lookupExposures = jest.fn(over.lookup ?? (async () => exposures));
  const attribute = jest.fn(over.attribute ?? (async () => ({ attributed: 1, duplicates: 0, unmatched: 0 })));
  // The append's Lua script (sent by hash; the stub knows it) gets one JSON payload and one recent entry per
  // event after four settings.
  const evalScript = jest.fn(async (_script: string, nKeys: number, ...rest: string[]) => {
    // ARGV after the keys: idemTtl, recentTtl, recentLen, then (payload, recent entry) per event.
    const payloads = rest.slice(nKeys + 3).filter((_, i) => i % 2 === 0);
    appended.push(payloads.map((p) => JSON.parse(p) as TrackedEvent));
    return payloads.map((_, i) => `1-${i}`);
  });
  const ctx = {
    services: {
      config: { serving: { maxEventBatch: 10 } },
      catalog: { get: () => ({ price: 4 }) },
      eventsRedis: { eval: evalScript, evalsha: evalScript },
      appendOptions: defaultAppendOptions('test-stream'),
      experiments: { lookupExposures, attribute },
    },
  } as unknown as ApiContext;
  return { ctx, appended, lookupExposures, attribute, evalScript };
}

const input = [
  { idempotencyKey: 'evt-00000001', type: 'VIEW', productId: 'p1', userId: 'u1', recId: 'rec-aaaa-1' },
  {
    idempotencyKey: 'evt-00000002',
    type: 'PURCHASE',
    productId: 'p1',
    userId: 'u1',
    recId: 'rec-aaaa-1',
    quantity: 2,
  },
  { idempotencyKey: 'evt-00000003', type: 'VIEW', productId: 'p2', userId: 'u1', recId: 'rec-unknown-1' },
  { idempotencyKey: 'evt-00000004', type: 'VIEW', productId: 'p2', userId: 'u1' },
];
const track = (ctx: ApiContext) => resolvers.Mutation.trackEvents(undefined, { events: input }, ctx);

async function failure(p: Promise<unknown>): Promise<GraphrecError> {
  try {
    await p;
  } catch (e) {
    return e as GraphrecError;
  }
  throw new Error('expected an error');
}

describe('trackEvents with experiments', () => {
  it('reads the exposures once, appends each event with its experiment and variant, and attributes from that read', async () => {
    const s = stubContext({});
    expect(await track(s.ctx)).toMatchObject({ accepted: 4, duplicates: 0 });
    expect(s.lookupExposures).toHaveBeenCalledTimes(1);
    expect(s.lookupExposures).toHaveBeenCalledWith(['rec-aaaa-1', 'rec-aaaa-1', 'rec-unknown-1']);
    expect(s.appended[0].map((e) => [e.eventId, e.experiment, e.variant])).toEqual([
      ['evt-00000001', 'exp1', 'b'],
      ['evt-00000002', 'exp1', 'b'],
      ['evt-00000003', null, null],
      ['evt-00000004', null, null],
    ]);
    const [outcomes, used] = s.attribute.mock.calls[0] as unknown as [Outcome[], ExposuresByRecId];
    expect(used).toBe(exposures);
    expect(outcomes).toEqual([
      { eventId: 'evt-00000001', recId: 'rec-aaaa-1', type: 'view', revenueCents: 0 },
      { eventId: 'evt-00000002', recId: 'rec-aaaa-1', type: 'purchase', revenueCents: 800 }, // catalogue 4.00 x 2
      { eventId: 'evt-00000003', recId: 'rec-unknown-1', type: 'view', revenueCents: 0 },
    ]);
  });

  it('stores nothing and asks for a retry when the exposures cannot be read', async () => {
    const s = stubContext({ lookup: () => Promise.reject(new Error('connection is closed')) });
    const e = await failure(track(s.ctx));
    expect([e.kind, e.message]).toEqual([
      'UNAVAILABLE',
      'events cannot be stored right now (Redis is unavailable); retry with the same idempotency keys',
    ]);
    expect(s.evalScript).not.toHaveBeenCalled();
    expect(s.attribute).not.toHaveBeenCalled();
  });

  it('says the events are stored when only the counting fails', async () => {
    const s = stubContext({ attribute: () => Promise.reject(new Error('connection is closed')) });
    const e = await failure(track(s.ctx));
    expect([e.kind, e.message]).toEqual([
      'UNAVAILABLE',
      'the events were stored but their experiment outcomes could not be counted; retry with the same idempotency keys',
    ]);
    expect(s.appended).toHaveLength(1);
  });
});

describe('tagWithExposures', () => {
  it('keeps every field of each event, in order, and adds its experiment and variant', () => {
    const untagged = {
      eventId: 'evt-00000001',
      type: 'purchase' as const,
      userId: 'u1',
      anonymous: false,
      sessionId: 's1',
      productId: 'p1',
      ts: 1_700_000_000_000,
      quantity: 2,
      price: 4.5,
      recId: 'rec-aaaa-1',
    };
    const [tagged, untracked] = tagWithExposures([untagged, { ...untagged, recId: null }], exposures);
    expect(tagged).toEqual({ ...untagged, experiment: 'exp1', variant: 'b' });
    expect(Object.keys(tagged)).toEqual([...Object.keys(untagged), 'experiment', 'variant']);
    expect(untracked).toEqual({ ...untagged, recId: null, experiment: null, variant: null });
  });
});
