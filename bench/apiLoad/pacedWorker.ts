// The paced load generator's worker thread (paced.ts starts it): an open-loop client, as wrk2 is. Request i is
// due at start + i / rate whatever happened to the earlier ones, and its latency is counted from that moment,
// so time a request waits for a free connection (the server is behind) counts against the server instead of
// silently lowering the offered rate (coordinated omission). Bodies and checks come from the same hooks
// autocannon used (setupRequest.cjs, verifyBody.cjs).
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { dueCount, type PacedJob, type PacedResult, summarise } from './pacedStats';

const job = workerData as PacedJob;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const setupRequest = require(job.setupRequest) as (req: object) => { body: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const verifyBody = require(job.verifyBody) as (body: string) => boolean;

const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
const total = Math.max(1, Math.round(job.rate * job.seconds));
const latencies = new Float64Array(total).fill(NaN);
const failures = { errors: 0, non2xx: 0, timeouts: 0, mismatches: 0 };
let finished = 0;
let lastEnd = 0;
// The first request leaves a little after the worker is ready, so that its set-up is not timed.
const start = performance.now() + 20;

function done(i: number, outcome: keyof typeof failures | 'ok'): void {
  const end = performance.now();
  if (outcome === 'ok') latencies[i] = end - (start + (i * 1000) / job.rate);
  else failures[outcome]++;
  lastEnd = Math.max(lastEnd, end);
  if (++finished === total) {
    agent.destroy();
    const result: PacedResult = {
      ...summarise(latencies),
      ...failures,
      requests: total,
      throughput: (total * 1000) / (lastEnd - start),
    };
    parentPort!.postMessage(result);
  }
}

function fire(i: number): void {
  const body = setupRequest({}).body;
  const req = http.request(
    job.url,
    {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) return done(i, 'non2xx');
        done(i, verifyBody(Buffer.concat(chunks).toString('utf8')) ? 'ok' : 'mismatches');
      });
      res.on('error', () => done(i, 'errors'));
    },
  );
  req.setTimeout(job.timeoutMs, () => req.destroy(new Error('timeout')));
  req.on('error', (err) => done(i, err.message === 'timeout' ? 'timeouts' : 'errors'));
  req.end(body);
}

let sent = 0;
function tick(): void {
  const due = dueCount(performance.now() - start, job.rate, total);
  while (sent < due) fire(sent++);
  if (sent < total) setTimeout(tick, Math.max(0, start + (sent * 1000) / job.rate - performance.now()));
}
setTimeout(tick, Math.max(0, start - performance.now()));
