// The paced load generator's worker thread (paced.ts starts it): an open-loop client, as wrk2 is. Request i is
// due at start + i / rate whatever happened to the earlier ones, and its latency is counted from that moment,
// so time a request waits for a free connection (the server is behind) counts against the server instead of
// silently lowering the offered rate (coordinated omission). Bodies and checks come from the same hooks
// autocannon used (setupRequest.cjs, verifyBody.cjs). Requests go over raw keep-alive sockets (rawHttp.ts), one
// in flight per connection, as a browser or a node:http client sends them.
import { parentPort, workerData } from 'node:worker_threads';
import { dueCount, type PacedJob, type PacedResult, summarise } from './pacedStats';
import { postRequest, RawConnection } from './rawHttp';

const job = workerData as PacedJob;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const setupRequest = require(job.setupRequest) as (req: object) => { body: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const verifyBody = require(job.verifyBody) as (body: string) => boolean;

const url = new URL(job.url);
const total = Math.max(1, Math.round(job.rate * job.seconds));
// Every request's bytes are built before the run: building them is the harness's work, not the server's.
const requests = Array.from({ length: total }, () => postRequest(url, setupRequest({}).body));
const latencies = new Float64Array(total).fill(NaN);
const failures = { errors: 0, non2xx: 0, timeouts: 0, mismatches: 0 };
const connections = Array.from(
  { length: job.connections },
  () => new RawConnection(url.hostname, Number(url.port || 80)),
);
const idle = [...connections];
/** Due requests waiting for a free connection (their wait counts: latency runs from the due time). */
const queue: number[] = [];
let queued = 0;
let finished = 0;
let lastEnd = 0;
let start = 0;
let sweep: NodeJS.Timeout | undefined;

function done(i: number, outcome: keyof typeof failures | 'ok', end = performance.now()): void {
  if (outcome === 'ok') latencies[i] = end - (start + (i * 1000) / job.rate);
  else failures[outcome]++;
  lastEnd = Math.max(lastEnd, end);
  if (++finished === total) {
    clearInterval(sweep);
    for (const c of connections) c.close();
    const result: PacedResult = {
      ...summarise(latencies),
      ...failures,
      requests: total,
      throughput: (total * 1000) / (lastEnd - start),
    };
    parentPort!.postMessage(result);
  }
}

function fire(i: number, conn: RawConnection): void {
  conn.send(requests[i], (err, res) => {
    const end = performance.now();
    if (err) done(i, err.message === 'timeout' ? 'timeouts' : 'errors', end);
    else if (res!.status < 200 || res!.status >= 300) done(i, 'non2xx', end);
    else done(i, verifyBody(res!.body.toString('utf8')) ? 'ok' : 'mismatches', end);
    // The connection is free again: the oldest waiting request takes it.
    if (queued < queue.length) fire(queue[queued++], conn);
    else idle.push(conn);
  });
}

let sent = 0;
function tick(): void {
  const due = dueCount(performance.now() - start, job.rate, total);
  while (sent < due) {
    const conn = idle.pop();
    if (conn) fire(sent, conn);
    else queue.push(sent);
    sent++;
  }
  if (sent < total) setTimeout(tick, Math.max(0, start + (sent * 1000) / job.rate - performance.now()));
}

async function main(): Promise<void> {
  await Promise.all(connections.map((c) => c.connect()));
  // A request that outlives the timeout fails and its socket is dropped (one sweep, not a timer per request).
  sweep = setInterval(() => {
    const now = performance.now();
    for (const c of connections) if (c.busy && now - c.sentAt > job.timeoutMs) c.abort(new Error('timeout'));
  }, 50);
  // The first request leaves a little after the connections are up, so that their set-up is not timed.
  start = performance.now() + 20;
  setTimeout(tick, 20);
}
// A failure to connect rejects: the worker then exits with the error, and runPaced rejects with it.
void main();
