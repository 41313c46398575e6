// Fast failure for the backing services. When Neo4j or Redis is down, a request must not wait for connect
// timeouts: after `threshold` failures in a row the breaker stays open for `openMs` and calls fail at once (the
// caller then degrades: traversal candidates skipped, cache bypassed). The first call after that window probes
// again. One slow or failed call does not open it: a cold server's first query plans can miss a deadline, and
// that must cost that request, not every request for the next `openMs`.
import { unavailable } from '../core';
import type { GraphClient } from '../graph';

export interface Breaker {
  run<T>(work: () => Promise<T>): Promise<T>;
  isOpen(): boolean;
  failures(): number;
}

export function createBreaker(
  name: string,
  openMs = 2000,
  now: () => number = Date.now,
  threshold = 3,
): Breaker {
  let openUntil = 0;
  let failures = 0;
  let inARow = 0;
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (now() < openUntil) throw unavailable(`${name} is unavailable (circuit open)`);
      try {
        const out = await work();
        openUntil = 0;
        inARow = 0;
        return out;
      } catch (err) {
        const kind = (err as { kind?: string }).kind;
        // Only service failures count; a bad query is the query's problem.
        if (kind === undefined || kind === 'UNAVAILABLE') {
          failures++;
          // A failed probe after an open window re-opens at once (inARow is still at the threshold).
          if (++inARow >= threshold) openUntil = now() + openMs;
        }
        throw err;
      }
    },
    isOpen: () => now() < openUntil,
    failures: () => failures,
  };
}

/** Reject after `ms` (a hung TCP connection must not hang a request). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(unavailable(`${what} timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * The API's view of Neo4j: every read goes through the breaker and a deadline, so a killed or hung server
 * costs a request at most `timeoutMs` once, and nothing while the breaker is open. Reads are not retried
 * here: the caller degrades instead.
 */
export function guardGraph(graph: GraphClient, breaker: Breaker, timeoutMs: number): GraphClient {
  return {
    ...graph,
    driver: graph.driver,
    database: graph.database,
    read: (q, params) =>
      breaker.run(() => withTimeout(graph.read(q, params), timeoutMs, `Neo4j query ${q.name}`)),
  };
}
