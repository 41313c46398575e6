// The paced load generator's arithmetic, shared by its worker (pacedWorker.ts) and tested on its own.

/** One paced run: the worker's input. */
export interface PacedJob {
  url: string;
  /** Requests per second, spread evenly over the run (request i is due at i / rate seconds). */
  rate: number;
  seconds: number;
  /** At most this many requests in flight; a due request waits for a free connection, and that wait counts. */
  connections: number;
  timeoutMs: number;
  /** Paths of the autocannon-style hooks: the body builder and the response check. */
  setupRequest: string;
  verifyBody: string;
}

export interface LatencySummary {
  /** Milliseconds from each request's due time to the end of its response (successful requests only). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface PacedResult extends LatencySummary {
  requests: number;
  /** Completed requests per second, from the first due time to the last response. */
  throughput: number;
  errors: number;
  non2xx: number;
  timeouts: number;
  mismatches: number;
}

/** How many requests are due `elapsedMs` after the start, at `rate` per second (request 0 is due at 0). */
export function dueCount(elapsedMs: number, rate: number, total: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * rate) / 1000) + 1);
}

/** Nearest-rank percentiles of the recorded latencies (NaN marks a failed request), to 0.1 ms. */
export function summarise(latencies: Float64Array): LatencySummary {
  const ok = latencies.filter((x) => !Number.isNaN(x)).sort();
  const at = (q: number) =>
    ok.length === 0 ? NaN : Math.round(ok[Math.min(ok.length - 1, Math.ceil(q * ok.length) - 1)] * 10) / 10;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}
