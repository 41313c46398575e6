// Hostile requests against the whole HTTP surface: every one is answered with a typed JSON error (the exact code
// and status), before or after the key check, and no answer carries a stack frame, a server path or HTML.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createLogger, loadConfig } from '../core';
import { startApiServer, type ApiServer } from './index';
import { metricValue } from './testing/client';

const KEY = `abuse-key-${process.pid}-${Date.now()}`;
let server: ApiServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-abuse-test-'));
  const config = loadConfig({ ...process.env, GRAPHREC_DATA_DIR: dataDir, API_PUBLIC_KEYS: KEY });
  server = await startApiServer({ config, logger: createLogger('silent'), port: 0 });
});

afterAll(async () => {
  await server?.stop(1000);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  type: string;
  text: string;
  code?: unknown;
  rule?: unknown;
}

/** One request with exactly these method, headers and body (no client adds or fixes anything). */
function send(
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${urlPath}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: { errors?: Array<{ extensions?: { code?: unknown; rule?: unknown } }> } = {};
        try {
          parsed = JSON.parse(text) as typeof parsed;
        } catch {
          // asserted on below: every answer must be JSON
        }
        const ext = parsed.errors?.[0]?.extensions;
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          text,
          code: ext?.code,
          rule: ext?.rule,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_KEYED = { 'content-type': 'application/json', 'x-api-key': KEY };
const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
  send('POST', '/graphql', { ...JSON_KEYED, ...headers }, body);
const query = (q: string, extra: Record<string, unknown> = {}) =>
  post(JSON.stringify({ query: q, ...extra }));
const get = (search: string, headers: Record<string, string> = {}) =>
  send('GET', `/graphql${search}`, { 'x-api-key': KEY, 'apollo-require-preflight': '1', ...headers });

/** The answer is typed JSON and shows nothing of the server's insides. */
function expectClean(a: Answer) {
  expect(a.type).toMatch(/^application\/json/);
  expect(a.text).not.toContain('/work');
  expect(a.text).not.toMatch(/\bat \S+ \(|\bat .*:\d+:\d+/);
  expect(a.text.toLowerCase()).not.toContain('<html');
  expect(a.text).not.toContain('stacktrace');
}

function expectRefused(a: Answer, status: number, code: string) {
  expectClean(a);
  expect({ status: a.status, code: a.code }).toEqual({ status, code });
}

/** Fragments F0..Fn, each spreading the next twice: 2^n fields once expanded, from under 1 kB of text. */
function doublingFragments(levels: number): string {
  const defs = [];
  for (let i = 0; i < levels; i++) defs.push(`fragment F${i} on Product{...F${i + 1} ...F${i + 1}}`);
  defs.push(`fragment F${levels} on Product{id}`);
  return `{product(id:"p1"){...F0}} ${defs.join(' ')}`;
}

describe('the front door under abuse', () => {
  it('checks the key before anything about the body', async () => {
    const noKey = await send('POST', '/graphql', { 'content-type': 'application/json; charset=latin1' }, '{');
    expectRefused(noKey, 401, 'UNAUTHENTICATED');
    const badKey = await send(
      'POST',
      '/graphql',
      { 'content-type': 'text/html', 'x-api-key': 'nope' },
      '<x>',
    );
    expectRefused(badKey, 401, 'UNAUTHENTICATED');
  });

  it.each([
    ['a latin1 charset', { 'content-type': 'application/json; charset=latin1' }],
    ['a utf-16 charset', { 'content-type': 'application/json; charset=utf-16' }],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['form encoding', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['an extra parameter', { 'content-type': 'application/json; charset=utf-8; boundary=x' }],
    ['an unknown content-encoding', { 'content-encoding': 'compress' }],
    ['a chain of encodings', { 'content-encoding': 'gzip, br' }],
  ])('answers %s with 415 UNSUPPORTED_MEDIA_TYPE', async (_name, headers) => {
    expectRefused(await post('{"query":"{__typename}"}', headers), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a POST without a content-type with 415, and counts the refusal by its code', async () => {
    const refused = () =>
      metricValue(server.url, 'graphrec_api_refused_requests_total', { code: 'UNSUPPORTED_MEDIA_TYPE' });
    const before = await refused();
    const a = await send('POST', '/graphql', { 'x-api-key': KEY }, '{"query":"{__typename}"}');
    expectRefused(a, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await refused()).toBe(before + 1);
  });

  it.each(['gzip', 'deflate', 'br'])(
    'reads a %s body, and answers a corrupt one with 400',
    async (encoding) => {
      const text = JSON.stringify({ query: '{ __typename }' });
      const packed =
        encoding === 'gzip'
          ? zlib.gzipSync(text)
          : encoding === 'deflate'
            ? zlib.deflateSync(text)
            : zlib.brotliCompressSync(text);
      const ok = await post(packed, { 'content-encoding': encoding });
      expectClean(ok);
      expect(JSON.parse(ok.text)).toEqual({ data: { __typename: 'Query' } });
      expectRefused(await post('not compressed', { 'content-encoding': encoding }), 400, 'BAD_REQUEST');
    },
  );

  it('refuses a body larger than the limit, compressed (decoded size) or not', async () => {
    const big = JSON.stringify({ query: '{ __typename }', pad: 'x'.repeat(600_000) });
    expectRefused(await post(big), 413, 'PAYLOAD_TOO_LARGE');
    const bomb = zlib.gzipSync(Buffer.alloc(20_000_000, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    expectRefused(await post(bomb, { 'content-encoding': 'gzip' }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['not JSON', '{"query": '],
    ['a number', '42'],
    ['null', 'null'],
    ['a string', '"{ __typename }"'],
    ['a batch', '[{"query":"{ __typename }"}]'],
    ['no query', '{"variables":{}}'],
    ['a query that is not a string', '{"query":{"kind":"Document"}}'],
    ['variables that are an array', '{"query":"{ __typename }","variables":[1]}'],
    ['variables that are a string', '{"query":"{ __typename }","variables":"{}"}'],
    ['an operationName that is not a string', '{"query":"{ __typename }","operationName":1}'],
    ['extensions that are a string', '{"query":"{ __typename }","extensions":"x"}'],
  ])('answers a body that is %s with 400 BAD_REQUEST', async (_name, body) => {
    expectRefused(await post(body), 400, 'BAD_REQUEST');
  });

  it('answers malformed GETs with 400 BAD_REQUEST', async () => {
    expectRefused(await get('?query=%7B__typename%7D&variables=%7Bbad'), 400, 'BAD_REQUEST');
    expectRefused(await get('?query=%7B__typename%7D&variables=[1]'), 400, 'BAD_REQUEST');
    expectRefused(await get('?query=%7B__typename%7D&query=%7B__typename%7D'), 400, 'BAD_REQUEST');
    expectRefused(await get(''), 400, 'BAD_REQUEST');
    // A browser's plain GET (no preflight header): refused as a possible cross-site request, not a web page.
    const browser = await send('GET', '/graphql?query=%7B__typename%7D', {
      'x-api-key': KEY,
      accept: 'text/html',
    });
    expectRefused(browser, 400, 'BAD_REQUEST');
    const ok = await get('?query=%7B__typename%7D');
    expect(ok.status).toBe(200);
    expectClean(ok);
  });

  it('answers other methods with 405 METHOD_NOT_ALLOWED, and unknown routes with 404 NOT_FOUND', async () => {
    expectRefused(await send('PUT', '/graphql', JSON_KEYED, '{}'), 405, 'METHOD_NOT_ALLOWED');
    expectRefused(await send('PATCH', '/graphql', JSON_KEYED, '{}'), 405, 'METHOD_NOT_ALLOWED');
    // No body: node's client would send a DELETE's body without framing, as the start of the next request.
    expectRefused(await send('DELETE', '/graphql', { 'x-api-key': KEY }), 405, 'METHOD_NOT_ALLOWED');
    const head = await send('HEAD', '/graphql', JSON_KEYED);
    expect(head.status).toBe(405);
    expectRefused(await send('GET', '/nope'), 404, 'NOT_FOUND');
    expectRefused(
      await send('POST', '/nope', { 'content-type': 'application/json' }, '{bad'),
      404,
      'NOT_FOUND',
    );
    expectRefused(await send('GET', '/%E0%A4%A'), 404, 'NOT_FOUND');
    expectRefused(await send('GET', '/demo/..%2f..%2fpackage.json'), 404, 'NOT_FOUND');
  });
});

describe('malformed GraphQL documents', () => {
  it.each([
    ['a syntax error', { query: '{ __typename' }, 'GRAPHQL_PARSE_FAILED'],
    ['more tokens than allowed', { query: `{ ${'__typename '.repeat(3000)} }` }, 'GRAPHQL_PARSE_FAILED'],
    [
      'an unknown operationName',
      { query: 'query A { __typename }', operationName: 'B' },
      'OPERATION_RESOLUTION_FAILURE',
    ],
    [
      'two operations and no name',
      { query: 'query A { __typename } query B { __typename }' },
      'OPERATION_RESOLUTION_FAILURE',
    ],
    [
      'an integer variable beyond 32 bits',
      { query: 'query Q($n: Int) { trending(first: $n) { items { score } } }', variables: { n: 1e30 } },
      'BAD_USER_INPUT',
    ],
    [
      'an integer literal beyond 32 bits',
      { query: '{ trending(first: 100000000000000000000) { items { score } } }' },
      'GRAPHQL_VALIDATION_FAILED',
    ],
    ['an unknown field', { query: '{ nope }' }, 'GRAPHQL_VALIDATION_FAILED'],
    [
      'a fragment cycle',
      {
        query: '{ product(id: "p1") { ...A } } fragment A on Product { ...B } fragment B on Product { ...A }',
      },
      'GRAPHQL_VALIDATION_FAILED',
    ],
    ['an unknown fragment', { query: '{ product(id: "p1") { ...Nope } }' }, 'GRAPHQL_VALIDATION_FAILED'],
    ['a subscription', { query: 'subscription { trending { items { score } } }' }, 'BAD_REQUEST'],
    [
      'a cost over the limit',
      {
        query:
          '{ recommendations(first: 100) { items { product { boughtTogether(first: 100) { boughtTogether(first: 100) { id } } } } } }',
      },
      'BAD_USER_INPUT',
    ],
  ])('answers %s with a typed 400', async (_name, body, code) => {
    expectRefused(await post(JSON.stringify(body)), 400, code);
  });

  it('answers a persisted query (not offered) as the protocol says: 200 and PERSISTED_QUERY_NOT_SUPPORTED', async () => {
    // Clients that try automatic persisted queries read this code and send the query text instead.
    const extensions = { persistedQuery: { version: 1, sha256Hash: 'x' } };
    const a = await post(JSON.stringify({ query: '{ __typename }', extensions }));
    expectRefused(a, 200, 'PERSISTED_QUERY_NOT_SUPPORTED');
  });

  it('refuses fragments that spread each other 20 levels deep, from under 1 kB, before validating them', async () => {
    const q = doublingFragments(20);
    expect(q.length).toBeLessThan(1024);
    const a = await query(q);
    expectRefused(a, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(a.rule).toBe('SELECTIONS');
    expect(JSON.parse(a.text).errors[0].message).toBe(
      `the query selects ${1 + 2 ** 20} fields (fragments expanded), but at most 1000 are allowed`,
    );
  });

  it('refuses thousands of aliases of a cheap field, and a query nested too deep', async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}:__typename`).join(' ');
    const many = await query(`{${aliases(600)}}`);
    expectRefused(many, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(many.rule).toBe('ALIASES');
    // Thousands do not even parse: three tokens each, over the token limit.
    expectRefused(await query(`{${aliases(3000)}}`), 400, 'GRAPHQL_PARSE_FAILED');
    const deep = await query(`{ category(id: "c1") { ${'parent { '.repeat(9)}id${' }'.repeat(9)} } }`);
    expectRefused(deep, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(deep.rule).toBe('DEPTH');
  });

  it('still answers ordinary storefront queries, with fragments and a few aliases', async () => {
    const q = `query Shop($first: Int) {
      week: trending(first: $first, window: WEEK) { ...T }
      day: trending(first: $first, window: DAY) { ...T }
      product(id: "nope") { ...P }
    }
    fragment T on Trending { items { product { ...P } score } }
    fragment P on Product { id name category { id name } }`;
    const a = await query(q, { variables: { first: 10 } });
    expectClean(a);
    expect(a.status).toBe(200);
    expect(JSON.parse(a.text).errors).toBeUndefined();
  });
});
