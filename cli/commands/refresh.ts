import { Command } from 'commander';
import { MODEL_KINDS, type ModelKind } from '../../training';
import { Queue } from 'bullmq';
import { unavailable, validationError } from '../../core';
import {
  bullConnection,
  readRun,
  REFRESH_QUEUE,
  renderRefreshReport,
  startRefresh,
  STAGES,
  type RunState,
} from '../../jobs';
import { runDriftJob, type DriftJobSummary } from '../../monitoring';
import { action } from '../runtime';

const renderRun = (s: RunState) => renderRefreshReport(s);

export function registerRefresh(program: Command): void {
  program
    .command('refresh')
    .description(
      'Enqueue an embedding refresh (ingest, features, export, train, evaluate, gate, publish, warmup, report) and follow it; `graphrec worker` runs it',
    )
    .option('--now', 'start a refresh now (required: the nightly one is scheduled by the worker)')
    .option('--shop <dir>', 'generated shop directory for the feature stage')
    .option('--data <spec>', 'training data spec (default REFRESH_DATA), e.g. lightgcn:DIR')
    .option('--model <kind>', `${MODEL_KINDS.join(', ')} (default REFRESH_MODEL)`)
    .option('--run <runId>', 'follow an existing run instead of starting one')
    .option('--timeout <s>', 'stop following after this many seconds (the run goes on)', '3600')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action<RunState>(async ({ config, logger }, _args, opts) => {
        const timeout = Number(opts.timeout);
        if (!Number.isFinite(timeout) || timeout <= 0)
          throw validationError(
            `--timeout must be a positive number of seconds, but got: ${JSON.stringify(opts.timeout)}`,
            { field: 'timeout' },
          );
        if (opts.model !== undefined && !(MODEL_KINDS as string[]).includes(String(opts.model)))
          throw validationError(
            `--model must be one of ${MODEL_KINDS.join(', ')}, but got: ${JSON.stringify(opts.model)}`,
            { field: 'model' },
          );
        let runId: string;
        if (opts.run) runId = readRun(config.dataDir, String(opts.run)).runId;
        else {
          if (!opts.now)
            throw validationError('say --now to start a refresh (or --run ID to follow one)', {
              field: 'now',
            });
          const redis = bullConnection(config.redis);
          const prefix = config.jobs.prefix;
          const queue = new Queue(REFRESH_QUEUE, { connection: redis, prefix });
          try {
            const s = await startRefresh({ config, redis, queue, prefix, logger }, 'manual', {
              shop: (opts.shop as string | undefined) ?? null,
              data: (opts.data as string | undefined) ?? null,
              model: opts.model as ModelKind | undefined,
            });
            runId = s.runId;
          } finally {
            await queue.close();
            await redis.quit();
          }
        }
        process.stderr.write(`refresh ${runId}: following (a running \`graphrec worker\` does the work)\n`);
        const t0 = Date.now();
        const printed = new Set<string>();
        for (;;) {
          const s = readRun(config.dataDir, runId);
          for (const name of STAGES) {
            const st = s.stages[name];
            const key = `${name}:${st.status}:${st.attempts}`;
            if (
              (st.status === 'done' || st.status === 'skipped' || st.status === 'failed' || st.error) &&
              !printed.has(key)
            ) {
              printed.add(key);
              process.stderr.write(
                `  ${name.padEnd(9)} ${st.status}${st.seconds !== null ? ` in ${st.seconds} s` : ''}${st.error ? `: ${st.error}` : ''}\n`,
              );
            }
          }
          if (s.status !== 'running') {
            if (s.status === 'failed') process.exitCode = 1;
            return s;
          }
          if (Date.now() - t0 > timeout * 1000)
            throw unavailable(
              `refresh ${runId} still running after ${timeout} s; follow it with --run ${runId}`,
            );
          await new Promise((r) => setTimeout(r, 1000));
        }
      }, renderRun),
    );

  program
    .command('drift')
    .description(
      'Write a drift report: the latest window of events against the training window, and model drift',
    )
    .option('--shop <dir>', "read a generated shop's files instead of the events in Neo4j (the default)")
    .option('--latest-from <date>', 'start of the latest window (default: 28 days before its end)')
    .option(
      '--latest-to <date>',
      'end of the latest window, exclusive (default: just after the newest event)',
    )
    .option(
      '--train-from <date>',
      'start of the training window (default: the first event); it ends at --latest-from',
    )
    .option('--out <dir>', 'report directory (default <dataDir>/drift/<timestamp>)')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action<DriftJobSummary>(
        async ({ config, logger }, _args, opts) =>
          runDriftJob(config, logger, null, {
            shop: opts.shop,
            latestFrom: opts.latestFrom,
            latestTo: opts.latestTo,
            trainFrom: opts.trainFrom,
            out: opts.out,
          }),
        (s) =>
          `drift report ${s.markdown}\n${Object.entries(s.psi)
            .map(([k, v]) => `  ${k.padEnd(14)} PSI ${v.toFixed(4)}${s.alerts.includes(k) ? '  ALERT' : ''}`)
            .join('\n')}`,
      ),
    );
}
