// Trimming the event stream against the real Redis: only entries every consumer group has acknowledged go;
// an entry delivered but not acknowledged (its consumer died mid-batch), one not yet delivered, and every entry
// of a stream no group reads (or a group that has read nothing) stay.
import { testRedis, uniqueNamespace } from '../test/support';
import { CONSUMER_GROUP, trimAcknowledged } from './index';

const redis = testRedis();
const streams: string[] = [];

afterAll(async () => {
  if (streams.length > 0) await redis.del(...streams);
  await redis.quit();
});

async function newStream(n: number): Promise<{ stream: string; ids: string[] }> {
  const stream = `graphrec:test:${uniqueNamespace('Trim')}:events`;
  streams.push(stream);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await redis.xadd(stream, '*', 'e', `{"i":${i}}`, 'seq', String(i)))!);
  return { stream, ids };
}

const read = async (stream: string, group: string, consumer: string, count: number) =>
  (
    (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, '>')) as Array<
      [string, Array<[string, string[]]>]
    >
  )[0][1].map(([id]) => id);

const remaining = async (stream: string) => (await redis.xrange(stream, '-', '+')).map(([id]) => id);

describe('trimAcknowledged', () => {
  it('never removes an entry that is pending or not yet delivered', async () => {
    const { stream, ids } = await newStream(10);
    await redis.xgroup('CREATE', stream, CONSUMER_GROUP, '0');
    const ghost = await read(stream, CONSUMER_GROUP, 'died-mid-batch', 3); // never acknowledged
    const live = await read(stream, CONSUMER_GROUP, 'live', 5);
    await redis.xack(stream, CONSUMER_GROUP, ...live);
    expect(await trimAcknowledged(redis, stream)).toBe(0); // the oldest entry is still pending
    expect(await remaining(stream)).toEqual(ids);

    await redis.xack(stream, CONSUMER_GROUP, ghost[0], ghost[1]);
    expect(await trimAcknowledged(redis, stream)).toBe(2);
    expect(await remaining(stream)).toEqual(ids.slice(2)); // ghost[2] pending, the last two never delivered

    await redis.xack(stream, CONSUMER_GROUP, ghost[2]);
    expect(await trimAcknowledged(redis, stream)).toBe(6);
    expect(await remaining(stream)).toEqual(ids.slice(8)); // delivered to nobody yet
  });

  it('keeps what a second group has not read, and every entry of a stream no group reads', async () => {
    const { stream, ids } = await newStream(4);
    expect(await trimAcknowledged(redis, stream)).toBe(0);
    await redis.xgroup('CREATE', stream, CONSUMER_GROUP, '0');
    await redis.xgroup('CREATE', stream, 'analytics', '0');
    await redis.xack(stream, CONSUMER_GROUP, ...(await read(stream, CONSUMER_GROUP, 'c', 4)));
    expect(await trimAcknowledged(redis, stream)).toBe(0);
    await redis.xack(stream, 'analytics', ...(await read(stream, 'analytics', 'a', 1)));
    expect(await trimAcknowledged(redis, stream)).toBe(1);
    expect(await remaining(stream)).toEqual(ids.slice(1));
  });
});
