// The paced (open-loop) load generator: `rate` requests per second, evenly spaced, from a worker thread (its own
// event loop, sharing the machine with the server). Why not autocannon's `overallRate`: autocannon caps each
// connection at a quota per second and sends the quota back to back, so "200 requests/s on 16 connections" is
// a burst of 200 requests at the start of every second, then silence; its percentiles are those of the burst.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PacedJob, PacedResult } from './pacedStats';

export type { PacedJob, PacedResult } from './pacedStats';

/** Run one paced load against `job.url` and return its latency percentiles and failure counts. */
export function runPaced(
  job: Omit<PacedJob, 'setupRequest' | 'verifyBody' | 'timeoutMs'> & Partial<PacedJob>,
): Promise<PacedResult> {
  const full: PacedJob = {
    timeoutMs: 10_000,
    setupRequest: path.join(__dirname, 'setupRequest.cjs'),
    verifyBody: path.join(__dirname, 'verifyBody.cjs'),
    ...job,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'tsWorker.cjs'), {
      workerData: { ...full, file: path.join(__dirname, 'pacedWorker.ts') },
    });
    worker.once('message', (r: PacedResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the paced load worker exited with code ${code}`));
    });
  });
}
