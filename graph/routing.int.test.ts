// The client over the routing scheme (neo4j://), against the real server. Neo4j Community answers the ROUTE
// message for its single instance with a table naming the address the client used as router, reader and writer.
//
// The client reaches the server through a TCP relay that keeps what the client sent, so the test can read the
// Bolt messages themselves: the ROUTE request that only a routing driver sends, and the access mode of each
// transaction. Shutting the relay turns the routing table into one whose members do not answer.
import net from 'node:net';
import { GraphrecError, type Config } from '../core';
import { deleteLabel, freePort, testConfig, testGraph, uniqueNamespace } from '../test/support';
import { createGraphClient, type ClientOptions, type GraphClient } from '.';

const base = testConfig();
const target = new URL(base.neo4j.uri.replace(/^[a-z0-9+]+:/i, 'http:'));
const label = uniqueNamespace('Routing');
// Small bounds, so that a failing connection costs a second, not the driver's 30 s of retries.
const fast: ClientOptions = { app: 'graphrec-test', connectionTimeoutMs: 1_000, maxRetryTimeMs: 1_000 };

const CREATE = { name: 'test.routing.create', cypher: `CREATE (n:\`${label}\` {id: $id}) RETURN n.id AS id` };
const FIND = { name: 'test.routing.find', cypher: `MATCH (n:\`${label}\` {id: $id}) RETURN n.id AS id` };

// PackStream bytes (Bolt 5): ROUTE is a 3-field struct with tag 0x66 whose first field is the routing context
// {address: "host:port"}; a read transaction's BEGIN (or auto-commit RUN) carries mode: "r", and a BEGIN that
// must follow an earlier transaction carries bookmarks: [one] (the driver leaves the key out when it has none).
const bytes = (...parts: (number[] | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const ROUTE = bytes([0xb3, 0x66, 0xa1, 0x87], 'address');
const READ_MODE = bytes([0x84], 'mode', [0x81], 'r');
const BOOKMARK = bytes([0x89], 'bookmarks', [0x91]);

function clientAt(uri: string, opts: ClientOptions = fast): GraphClient {
  const neo4jConfig: Config['neo4j'] = { ...base.neo4j, uri };
  return createGraphClient(neo4jConfig, opts);
}

interface Relay {
  port: number;
  /** Where each connection's bytes stand now, for `sent`. */
  mark(): number[];
  /** What the clients sent (since `from`), each connection's bytes in order. */
  sent(from?: number[]): Buffer;
  shut(): Promise<void>;
}

/** A TCP relay to the test server that keeps the client's bytes and can be shut, dropping its connections. */
async function relay(): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const sent: Buffer[][] = [];
  const server = net.createServer((client) => {
    const chunks: Buffer[] = [];
    sent.push(chunks);
    const upstream = net.connect(Number(target.port || 7687), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (b: Buffer) => chunks.push(b));
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    mark: () => sent.map((chunks) => chunks.length),
    sent: (from = []) => Buffer.concat(sent.map((chunks, i) => Buffer.concat(chunks.slice(from[i] ?? 0)))),
    shut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

const graph = testGraph();
afterAll(async () => {
  await deleteLabel(graph, label);
  await graph.close();
});

describe('the graph client over neo4j://', () => {
  it('asks for a routing table, then runs writes, and reads in read transactions after their bookmark', async () => {
    const seed = await relay();
    const routed = clientAt(`neo4j://127.0.0.1:${seed.port}`);
    try {
      expect(await routed.write(CREATE, { id: 'w1' })).toEqual([{ id: 'w1' }]);
      expect(seed.sent().includes(ROUTE)).toBe(true);
      expect(seed.sent().includes(READ_MODE)).toBe(false);

      const afterWrite = seed.mark();
      expect(await routed.read(FIND, { id: 'w1' })).toEqual([{ id: 'w1' }]);
      expect(seed.sent(afterWrite).includes(READ_MODE)).toBe(true);
      // The write's bookmark goes with the read: a follower serves it only once it has applied the write.
      expect(seed.sent(afterWrite).includes(BOOKMARK)).toBe(true);
      let streamed = 0;
      await routed.stream(FIND, { id: 'w1' }, { start: () => (streamed = 0), row: () => streamed++ });
      expect(streamed).toBe(1);
    } finally {
      await routed.close();
      await seed.shut();
    }
  });

  it('sends no ROUTE over bolt:// (the control for the test above)', async () => {
    const seed = await relay();
    const direct = clientAt(`bolt://127.0.0.1:${seed.port}`);
    try {
      expect(await direct.read(FIND, { id: 'none' })).toEqual([]);
      expect(seed.sent().includes(READ_MODE)).toBe(true);
      expect(seed.sent().includes(ROUTE)).toBe(false);
    } finally {
      await direct.close();
      await seed.shut();
    }
  });

  it("ends in UNAVAILABLE naming the URI, not a hang, when the routing table's members stop answering", async () => {
    const seed = await relay();
    const routed = clientAt(`neo4j://127.0.0.1:${seed.port}`);
    try {
      expect(await routed.read(FIND, { id: 'none' })).toEqual([]);
      await seed.shut();
      const err: unknown = await routed.read(FIND, { id: 'none' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraphrecError);
      expect(err).toMatchObject({
        kind: 'UNAVAILABLE',
        message: expect.stringContaining(
          `Neo4j at neo4j://127.0.0.1:${seed.port} is unavailable (test.routing.find): `,
        ) as unknown,
      });
    } finally {
      await routed.close();
    }
  });

  it.each<[string, ClientOptions, (c: GraphClient) => Promise<unknown>]>([
    ['read', fast, (c) => c.read(CREATE, { id: 'refused' })],
    ['read (auto-commit)', { ...fast, autoCommitReads: true }, (c) => c.read(CREATE, { id: 'refused' })],
    ['stream', fast, (c) => c.stream(CREATE, { id: 'refused' }, { start: () => {}, row: () => {} })],
  ])('runs %s in a read transaction: the server refuses a write there', async (_, opts, call) => {
    const routed = clientAt(`neo4j://${target.host}`, opts);
    try {
      const err: unknown = await call(routed).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraphrecError);
      expect(err).toMatchObject({
        kind: 'VALIDATION',
        message: expect.stringMatching(/^test\.routing\.create: Writing in read access mode not allowed/),
      });
      expect(await routed.read(FIND, { id: 'refused' })).toEqual([]);
    } finally {
      await routed.close();
    }
  });

  it('ends in UNAVAILABLE naming the URI, without its credentials, when no router answers', async () => {
    const port = await freePort();
    const dead = clientAt(`neo4j://graphrec:s3cret-word@127.0.0.1:${port}`);
    try {
      const err: unknown = await dead.read(FIND, { id: 'none' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraphrecError);
      expect(err).toMatchObject({ kind: 'UNAVAILABLE' });
      const { message } = err as GraphrecError;
      expect(message).toMatch(
        new RegExp(`^Neo4j at neo4j://127\\.0\\.0\\.1:${port} is unavailable \\(test\\.routing\\.find\\): `),
      );
      expect(message).not.toContain('s3cret-word');
    } finally {
      await dead.close();
    }
  });
});
