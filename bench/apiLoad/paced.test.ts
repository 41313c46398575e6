import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runPaced } from './paced';
import { dueCount, summarise } from './pacedStats';

describe('paced load arithmetic', () => {
  it('makes request i due at i / rate seconds', () => {
    expect(dueCount(-1, 100, 50)).toBe(0);
    expect(dueCount(0, 100, 50)).toBe(1);
    expect(dueCount(9.99, 100, 50)).toBe(1);
    expect(dueCount(10, 100, 50)).toBe(2);
    expect(dueCount(10_000, 100, 50)).toBe(50);
  });

  it('takes nearest-rank percentiles of the successful requests only', () => {
    const xs = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    xs[0] = NaN; // a failed request: not a latency
    const s = summarise(xs);
    expect(s).toEqual({ p50: 50, p90: 90, p99: 99, max: 99 });
    expect(summarise(new Float64Array([NaN])).p50).toBeNaN();
  });
});

describe('runPaced against a local server', () => {
  let server: http.Server;
  let url: string;
  const arrivals: number[] = [];
  let dir: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      arrivals.push(performance.now());
      req.resume();
      req.on('end', () => {
        if (req.url === '/fail') res.writeHead(500).end();
        else if (req.url === '/hang')
          return; // never answered
        else if (req.url === '/close') res.writeHead(200, { connection: 'close' }).end('{"data":{}}');
        else if (req.url === '/chunked') {
          res.write('{"data":');
          res.end('{}}');
        } else res.end(req.url === '/errors' ? '{"errors":[]}' : '{"data":{}}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-paced-'));
    fs.writeFileSync(path.join(dir, 'setup.cjs'), "module.exports = () => ({ body: '{}' });");
    fs.writeFileSync(path.join(dir, 'verify.cjs'), "module.exports = (b) => !b.includes('errors');");
  });
  afterAll(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const hooks = () => ({
    setupRequest: path.join(dir, 'setup.cjs'),
    verifyBody: path.join(dir, 'verify.cjs'),
  });

  it('spreads the requests over the run instead of sending each second in one burst', async () => {
    arrivals.length = 0;
    const r = await runPaced({ url, rate: 100, seconds: 1, connections: 16, ...hooks() });
    expect(r.requests).toBe(100);
    expect(r.errors + r.non2xx + r.timeouts + r.mismatches).toBe(0);
    expect(arrivals).toHaveLength(100);
    // Evenly spaced: every tenth of the second gets about 10 of the 100 (a per-second quota would put ~all in one).
    const t0 = arrivals[0];
    const slices = new Array<number>(10).fill(0);
    for (const t of arrivals) slices[Math.min(9, Math.floor((t - t0) / 100))]++;
    expect(Math.max(...slices)).toBeLessThanOrEqual(25);
    expect(arrivals[99] - t0).toBeGreaterThan(900);
    expect(r.p50).toBeGreaterThan(0);
    expect(r.p99).toBeGreaterThanOrEqual(r.p50);
  });

  it('counts error statuses and GraphQL errors as failures, not latencies', async () => {
    const failed = await runPaced({ url: `${url}/fail`, rate: 50, seconds: 0.2, connections: 4, ...hooks() });
    expect(failed.non2xx).toBe(10);
    expect(failed.p50).toBeNaN();
    const mismatched = await runPaced({
      url: `${url}/errors`,
      rate: 50,
      seconds: 0.2,
      connections: 4,
      ...hooks(),
    });
    expect(mismatched.mismatches).toBe(10);
  });

  it('survives servers that close the connection, stream chunks, or never answer', async () => {
    const closing = await runPaced({
      url: `${url}/close`,
      rate: 100,
      seconds: 0.3,
      connections: 4,
      ...hooks(),
    });
    expect(closing).toMatchObject({ requests: 30, errors: 0, non2xx: 0, timeouts: 0, mismatches: 0 });
    const chunked = await runPaced({
      url: `${url}/chunked`,
      rate: 100,
      seconds: 0.3,
      connections: 4,
      ...hooks(),
    });
    expect(chunked).toMatchObject({ requests: 30, errors: 0, non2xx: 0, timeouts: 0, mismatches: 0 });
    const hanging = await runPaced({
      url: `${url}/hang`,
      rate: 20,
      seconds: 0.2,
      connections: 2,
      timeoutMs: 200,
      ...hooks(),
    });
    // Two connections hang until their timeout; the two requests queued behind them get fresh sockets and hang too.
    expect(hanging).toMatchObject({ requests: 4, timeouts: 4, errors: 0 });
  });

  it('fails a run it cannot connect for', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      runPaced({ url: `http://127.0.0.1:${port}/`, rate: 10, seconds: 0.1, connections: 1, ...hooks() }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
