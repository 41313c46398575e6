// A scale run: the stages in order on the run's private servers, each measured (wall seconds, peak RSS of its
// process tree) and recorded in DIR/state.json as soon as it finishes. With a kept DIR, a second invocation
// reuses the finished stages and runs the rest; the servers' data lives in DIR too, so it starts where the
// first one stopped. An interrupt (SIGINT, SIGTERM) kills the running stage's processes, records the stage as
// interrupted and stops the servers cleanly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProgress, type Logger } from '../../core';
import { killAll, startGraphrec } from './child';
import type { Scale } from './options';
import { peakMb, watchRss } from './procTree';
import { buildResult, type ScaleResult } from './result';
import { choosePorts, childEnv, startServers, type Servers } from './servers';
import { STAGE_IMPLS } from './stages';
import { readState, STAGES, writeState, type ScaleState, type Stage, type StageRecord } from './state';

export class StageFailed extends Error {
  constructor(
    readonly stage: Stage,
    readonly log: string,
    reason: string,
  ) {
    super(`stage ${stage} failed: ${reason} (log: ${log})`);
  }
}

const load1 = () => Math.round(os.loadavg()[0] * 10) / 10;

async function openState(dir: string, scale: Scale): Promise<ScaleState> {
  const old = readState(dir);
  if (old && old.scale !== scale.label)
    throw new Error(
      `${dir} holds a run of scale ${old.scale}, not ${scale.label}; use another --keep directory`,
    );
  return (
    old ?? {
      scale: scale.label,
      factor: scale.factor,
      size: scale.size,
      ports: await choosePorts(),
      stages: {},
    }
  );
}

export async function runScale(
  scale: Scale,
  dir: string,
  logger: Logger,
  tty: boolean,
): Promise<ScaleResult> {
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const state = await openState(dir, scale);
  writeState(dir, state);
  const env = childEnv(dir, state.ports);
  logger.info({ dir, scale: scale.label, size: scale.size }, 'starting the private Neo4j and Redis');
  const servers = await startServers(dir, state.ports);
  let current: Stage | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    killAll();
    if (current) {
      const rec = state.stages[current]!;
      rec.status = 'interrupted';
      rec.error = `interrupted by ${signal}`;
      writeState(dir, state);
    }
    logger.warn({ stage: current, signal, dir }, 'interrupted; `--keep DIR` resumes at this stage');
    void servers.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = createProgress({ label: `bench scale ${scale.label}`, total: STAGES.length, tty, logger });
  try {
    for (const [i, stage] of STAGES.entries()) {
      const prev = state.stages[stage];
      if (prev?.status === 'done') {
        logger.info(
          { stage, seconds: prev.seconds, peakRssMb: prev.peakRssMb },
          'stage reused from the kept run',
        );
        progress.update(i + 1, { stage, reused: 'yes' });
        continue;
      }
      current = stage;
      progress.update(i, { stage });
      await runStage(stage, prev, { dir, scale, env, servers, state, logger });
      const rec = state.stages[stage]!;
      logger.info({ stage, seconds: rec.seconds, peakRssMb: rec.peakRssMb, log: rec.log }, 'stage done');
      progress.update(i + 1, { stage, seconds: rec.seconds!, peakRssMb: rec.peakRssMb! });
    }
    current = null;
    const result = buildResult(state);
    fs.writeFileSync(path.join(dir, 'result.json'), `${JSON.stringify(result)}\n`);
    return result;
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await servers.stop();
  }
}

interface RunDeps {
  dir: string;
  scale: Scale;
  env: NodeJS.ProcessEnv;
  servers: Servers;
  state: ScaleState;
  logger: Logger;
}

async function runStage(stage: Stage, prev: StageRecord | undefined, d: RunDeps): Promise<void> {
  const log = path.join(d.dir, 'logs', `${stage}.log`);
  const rec: StageRecord = {
    status: 'running',
    attempts: (prev?.attempts ?? 0) + 1,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    seconds: null,
    peakRssMb: null,
    serverPeakRssMb: null,
    log,
    load: [load1(), null],
    facts: {},
    error: null,
  };
  d.state.stages[stage] = rec;
  writeState(d.dir, d.state);
  const roots: number[] = [];
  const watch = watchRss(() => roots, d.servers.neo4jPid);
  try {
    const outcome = await STAGE_IMPLS[stage]({
      scale: d.scale,
      shop: path.join(d.dir, 'shop'),
      env: d.env,
      servers: d.servers,
      log,
      attempt: rec.attempts,
      spawn(argv) {
        const child = startGraphrec(argv, d.env, log);
        roots.push(child.pid);
        return child;
      },
    });
    const samples = watch.stop();
    const peak = peakMb(samples);
    rec.seconds = outcome.seconds;
    rec.peakRssMb = peak.treeMb;
    rec.serverPeakRssMb = peak.serverMb;
    rec.facts = { ...outcome.facts };
    for (const [name, [from, to]] of Object.entries(outcome.windows ?? {})) {
      const w = peakMb(samples, from, to);
      rec.facts[`${name}PeakRssMb`] = w.treeMb;
      rec.facts[`${name}ServerPeakRssMb`] = w.serverMb;
    }
    rec.status = 'done';
  } catch (err) {
    watch.stop();
    if (rec.status === 'interrupted') throw err;
    rec.status = 'failed';
    rec.error = err instanceof Error ? err.message : String(err);
    throw new StageFailed(stage, log, rec.error);
  } finally {
    rec.finishedAt = new Date().toISOString();
    rec.load[1] = load1();
    writeState(d.dir, d.state);
  }
}
