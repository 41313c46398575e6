// A refresh run's state on disk: <dataDir>/refresh/<runId>/run.json, rewritten atomically (temp file + rename)
// after every stage. It is what makes the pipeline resumable: a stage whose result is recorded is never run
// again, so a worker killed mid-run picks up at the first stage without a result.
import type { ModelKind } from '../training';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { notFound } from '../core';

export const STAGES = [
  'ingest',
  'features',
  'export',
  'train',
  'evaluate',
  'gate',
  'publish',
  'warmup',
  'report',
] as const;
export type StageName = (typeof STAGES)[number];

export type StageStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';
export type RunStatus = 'running' | 'published' | 'gated' | 'failed';

export interface StageState {
  status: StageStatus;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  seconds: number | null;
  result: Record<string, unknown> | null;
  error: string | null;
}

export interface RunOptions {
  /** Generated shop directory for the feature stage (default <dataDir>/shops/default when it exists). */
  shop?: string | null;
  /** Training data spec override (default REFRESH_DATA). */
  data?: string | null;
  model?: ModelKind;
}

export interface RunState {
  runId: string;
  trigger: 'schedule' | 'manual' | 'test';
  createdAt: string;
  finishedAt: string | null;
  status: RunStatus;
  /** Why the run ended the way it did (set when it ends). */
  reason: string | null;
  options: RunOptions;
  activeBefore: string | null;
  activeAfter: string | null;
  stages: Record<StageName, StageState>;
}

export const refreshRoot = (dataDir: string) => path.join(dataDir, 'refresh');
export const runDir = (dataDir: string, runId: string) => path.join(refreshRoot(dataDir), runId);
const runFile = (dataDir: string, runId: string) => path.join(runDir(dataDir, runId), 'run.json');

const RUN_ID = /^r-\d{8}-\d{6}-[0-9a-f]{6}$/;

export function newRunId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `r-${t}-${crypto.randomBytes(3).toString('hex')}`;
}

export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) throw new Error(`not a refresh run id: ${JSON.stringify(runId)}`);
  return runId;
}

export function createRun(
  dataDir: string,
  runId: string,
  trigger: RunState['trigger'],
  options: RunOptions,
  activeBefore: string | null,
): RunState {
  const stages = Object.fromEntries(
    STAGES.map((s) => [
      s,
      {
        status: 'pending',
        attempts: 0,
        startedAt: null,
        finishedAt: null,
        seconds: null,
        result: null,
        error: null,
      } satisfies StageState,
    ]),
  ) as Record<StageName, StageState>;
  const state: RunState = {
    runId: checkRunId(runId),
    trigger,
    createdAt: new Date().toISOString(),
    finishedAt: null,
    status: 'running',
    reason: null,
    options,
    activeBefore,
    activeAfter: null,
    stages,
  };
  writeRun(dataDir, state);
  return state;
}

export function writeRun(dataDir: string, state: RunState): void {
  const dir = runDir(dataDir, checkRunId(state.runId));
  fs.mkdirSync(dir, { recursive: true });
  const file = runFile(dataDir, state.runId);
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(3).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function readRun(dataDir: string, runId: string): RunState {
  const file = runFile(dataDir, checkRunId(runId));
  if (!fs.existsSync(file)) throw notFound(`no refresh run ${runId} (looked for ${file})`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RunState;
}

/** Run ids on disk, newest first. */
export function listRuns(dataDir: string): string[] {
  const root = refreshRoot(dataDir);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((d) => RUN_ID.test(d))
    .sort()
    .reverse();
}

export function nextStage(stage: StageName): StageName | null {
  const i = STAGES.indexOf(stage);
  return i >= 0 && i + 1 < STAGES.length ? STAGES[i + 1] : null;
}
