// The run's record, DIR/state.json: what each stage measured once it finished, so that `--keep DIR` resumes at
// the first stage that did not (an interrupted or failed stage is run again from its start: its figures come
// from one uninterrupted run). Written atomically after every change.
import fs from 'node:fs';
import path from 'node:path';
import type { ShopSize } from './options';

export const STAGES = ['generate', 'load', 'split', 'features', 'refresh', 'serving'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageRecord {
  status: 'running' | 'done' | 'failed' | 'interrupted';
  /** Attempts started, this one included: more than 1 means an earlier one was interrupted or failed. */
  attempts: number;
  startedAt: string;
  finishedAt: string | null;
  seconds: number | null;
  /** The stage's process tree (procTree.ts). */
  peakRssMb: number | null;
  /** The scratch Neo4j server at the same time (not part of the stage's figure). */
  serverPeakRssMb: number | null;
  log: string;
  /** Load average (1 min) at the start and the end. */
  load: [number, number | null];
  /** What the stage reported: counts, the refresh's publish, the serving figures. */
  facts: Record<string, unknown>;
  error: string | null;
}

export interface ScaleState {
  scale: string;
  factor: number;
  size: ShopSize;
  ports: { bolt: number; http: number; redis: number };
  stages: Partial<Record<Stage, StageRecord>>;
}

export const stateFile = (dir: string) => path.join(dir, 'state.json');

export function readState(dir: string): ScaleState | null {
  try {
    return JSON.parse(fs.readFileSync(stateFile(dir), 'utf8')) as ScaleState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export function writeState(dir: string, state: ScaleState): void {
  const tmp = `${stateFile(dir)}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, stateFile(dir));
}
