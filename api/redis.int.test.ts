// The API's Redis connection against the real Redis: commands issued inside inOneWrite leave in one socket write
// (the front door's rate limit and lookup), and each command is its own write outside it (no auto-pipelining).
import { createLogger } from '../core';
import { testConfig, uniqueNamespace } from '../test/support';
import { createApiRedis, inOneWrite } from './redis';

const redis = createApiRedis(testConfig().redis.url, createLogger('silent', 'redis-test'));
const ns = uniqueNamespace('redis');

afterAll(async () => {
  await redis.del(`${ns}:a`, `${ns}:b`);
  redis.disconnect();
});

/** Count the writes the connection's socket hands to the kernel (a corked socket flushes its chunks in one writev). */
function countWrites() {
  const socket = redis.stream as unknown as {
    _write: (...a: unknown[]) => void;
    _writev: (...a: unknown[]) => void;
  };
  const counts = { writes: 0, chunks: 0 };
  const write = socket._write;
  const writev = socket._writev;
  socket._write = function (...a) {
    counts.writes++;
    counts.chunks++;
    return write.apply(this, a);
  };
  socket._writev = function (...a) {
    counts.writes++;
    counts.chunks += (a[0] as unknown[]).length;
    return writev.apply(this, a);
  };
  return {
    counts,
    restore() {
      socket._write = write;
      socket._writev = writev;
    },
  };
}

describe('the API Redis connection', () => {
  beforeAll(async () => {
    // No offline queue: nothing can be sent before the connection is ready.
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  });

  it('sends each command as its own write (no auto-pipelining)', async () => {
    const spy = countWrites();
    try {
      await Promise.all([redis.set(`${ns}:a`, '1'), redis.set(`${ns}:b`, '2')]);
    } finally {
      spy.restore();
    }
    expect(spy.counts).toEqual({ writes: 2, chunks: 2 });
  });

  it('sends the commands issued inside inOneWrite in one write, and answers each', async () => {
    const spy = countWrites();
    let replies: [string | null, string | null];
    try {
      replies = await inOneWrite(redis, () => Promise.all([redis.get(`${ns}:a`), redis.get(`${ns}:b`)]));
    } finally {
      spy.restore();
    }
    expect(replies).toEqual(['1', '2']);
    expect(spy.counts).toEqual({ writes: 1, chunks: 2 });
  });

  it('still runs the commands when the connection is not ready (they fail on their own)', async () => {
    const down = createApiRedis('redis://127.0.0.1:1', createLogger('silent', 'redis-test'));
    try {
      const issued = inOneWrite(down, () =>
        down.get('x').then(
          () => 'answered',
          () => 'failed',
        ),
      );
      expect(await issued).toBe('failed');
    } finally {
      down.disconnect();
    }
  });
});
