// One bad event in a batch must not hold the others: the batch is split until the bad event is alone, then it is
// dead-lettered (at once when retrying cannot help, after a bounded number of transient failures otherwise),
// while an unreachable graph is waited out with nothing dead-lettered.
import { GraphrecError } from '../core';
import { classifyWriteError, malformedReason } from './classify';
import { GraphDownError, writeIsolating } from './isolate';
import type { StreamedEvent } from './write';

const ev = (i: number): StreamedEvent => ({
  eventId: `e${i}`,
  type: 'view',
  userId: 'u1',
  anonymous: false,
  sessionId: 's1',
  productId: 'p1',
  ts: 1,
  quantity: 1,
  price: null,
  recId: null,
  experiment: null,
  variant: null,
  seq: i,
});

/** What graph/errors.ts makes of a driver error with this code. */
const neo4jError = (kind: GraphrecError['kind'], code: string) =>
  new GraphrecError(
    kind,
    `events.writeBatch: ${code}`,
    {},
    { cause: Object.assign(new Error(code), { code }) },
  );
const conflict = () => neo4jError('CONFLICT', 'Neo.ClientError.Schema.ConstraintValidationFailed');
const deadlock = () => neo4jError('UNAVAILABLE', 'Neo.TransientError.Transaction.DeadlockDetected');
const down = () => neo4jError('UNAVAILABLE', 'ServiceUnavailable');

const noWait = async () => undefined;

describe('classifyWriteError', () => {
  it.each([
    ['a constraint violation', conflict(), 'permanent'],
    ['another client error', neo4jError('VALIDATION', 'Neo.ClientError.Statement.TypeError'), 'permanent'],
    ['a deadlock', deadlock(), 'transient'],
    ['a database error', neo4jError('INTERNAL', 'Neo.DatabaseError.General.UnknownError'), 'transient'],
    ['an unreachable server', down(), 'graph-down'],
    [
      'a database still starting',
      neo4jError('UNAVAILABLE', 'Neo.TransientError.Database.DatabaseUnavailable'),
      'graph-down',
    ],
    [
      'a database not there yet',
      neo4jError('INTERNAL', 'Neo.ClientError.Database.DatabaseNotFound'),
      'graph-down',
    ],
    [
      'a refused connection',
      new GraphrecError('UNAVAILABLE', 'Neo4j is unavailable: ECONNREFUSED'),
      'graph-down',
    ],
    ['bad credentials', new GraphrecError('CONFIG', 'Neo4j refused the credentials'), 'graph-down'],
  ])('%s is %s', (_what, err, kind) => {
    expect(classifyWriteError(err)).toBe(kind);
  });
});

describe('writeIsolating', () => {
  it('dead-letters only the poisoned event of a batch, as a conflict, and writes every other', async () => {
    const events = Array.from({ length: 9 }, (_, i) => ev(i));
    const writes: number[] = [];
    const write = async (batch: StreamedEvent[]) => {
      writes.push(batch.length);
      if (batch.some((e) => e.eventId === 'e5')) throw conflict();
      return new Set(batch.map((e) => e.eventId));
    };
    const out = await writeIsolating(write, events, { maxAttempts: 3, attempts: new Map(), backoff: noWait });
    expect([...out.written].sort()).toEqual(events.filter((e) => e.eventId !== 'e5').map((e) => e.eventId));
    expect(out.dead.map((d) => d.event.eventId)).toEqual(['e5']);
    expect(out.dead[0].reason).toMatch(/^conflict: the eventId is already stored/);
    expect(writes.length).toBeLessThan(2 * Math.ceil(Math.log2(9)) + 2); // split in halves, not one by one
  });

  it('retries a transiently failing event a bounded number of times, then dead-letters it with the reason', async () => {
    let tries = 0;
    const write = async (batch: StreamedEvent[]) => {
      if (batch.some((e) => e.eventId === 'e1')) {
        tries++;
        throw deadlock();
      }
      return new Set(batch.map((e) => e.eventId));
    };
    const attempts = new Map<string, number>();
    const out = await writeIsolating(write, [ev(0), ev(1), ev(2)], {
      maxAttempts: 4,
      attempts,
      backoff: noWait,
    });
    expect([...out.written].sort()).toEqual(['e0', 'e2']);
    expect(out.dead).toEqual([
      { event: ev(1), reason: expect.stringMatching(/^gave up after 4 transient failures: .*Deadlock/) },
    ]);
    expect(tries).toBe(2 + 4); // the batch, the half holding e1, then e1 alone four times
    expect(attempts.size).toBe(0);
  });

  it('writes an event that recovers from a transient failure', async () => {
    let failed = false;
    const write = async (batch: StreamedEvent[]) => {
      if (!failed) {
        failed = true;
        throw deadlock();
      }
      return new Set(batch.map((e) => e.eventId));
    };
    const out = await writeIsolating(write, [ev(0)], {
      maxAttempts: 3,
      attempts: new Map(),
      backoff: noWait,
    });
    expect(out).toEqual({ written: new Set(['e0']), dead: [] });
  });

  it('dead-letters nothing while the graph is unreachable: the caller waits and retries the batch', async () => {
    const write = async () => {
      throw down();
    };
    await expect(
      writeIsolating(write, [ev(0), ev(1)], { maxAttempts: 1, attempts: new Map(), backoff: noWait }),
    ).rejects.toBeInstanceOf(GraphDownError);
  });
});

describe('malformedReason', () => {
  it('accepts an event as the API appends it and names the wrong field of one it did not', () => {
    expect(malformedReason(ev(1))).toBeNull();
    expect(malformedReason({ ...ev(1), ts: 'yesterday' as never })).toBe(
      'malformed payload: ts is not a number',
    );
    expect(malformedReason({ ...ev(1), type: 'click' as never })).toBe('malformed payload: type "click"');
    expect(malformedReason({ ...ev(1), productId: undefined as never })).toMatch(/productId/);
  });
});
