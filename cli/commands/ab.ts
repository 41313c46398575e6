// `graphrec ab list | create | canary | report | promote | stop`: A/B tests and canaries (experiments/).
// Running API processes pick up a change within EXPERIMENTS_POLL_MS.
import fs from 'node:fs';
import { Command } from 'commander';
import Redis from 'ioredis';
import YAML from 'yaml';
import { createProgress, unavailable, validationError, type Config, type Logger } from '../../core';
import {
  buildReport,
  createExperiment,
  createExperimentStore,
  promoteVariant,
  readCounts,
  startCanary,
  type Experiment,
  type ExperimentReport,
  type ExperimentStore,
} from '../../experiments';
import { createGraphClient } from '../../graph';
import { connectRedis } from '../../stack';
import { action } from '../runtime';

async function withStore<T>(
  config: Config,
  work: (store: ExperimentStore, redis: Redis) => Promise<T>,
): Promise<T> {
  const redis = connectRedis(config.redis, {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    connectTimeout: 2000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (err) {
    throw unavailable(`Redis at ${config.redis.url} is unavailable (graphrec stack up?)`, err);
  }
  try {
    return await work(createExperimentStore(redis, config.experiments.prefix), redis);
  } finally {
    redis.disconnect();
  }
}

const pct = (x: number | null | undefined) => (x == null ? '-' : `${(x * 100).toFixed(2)}%`);
const num = (x: number | null | undefined, d = 4) => (x == null ? '-' : x.toFixed(d));

const renderExperiment = (e: Experiment) =>
  `${e.id}  ${e.status}  unit=${e.unit}  started ${e.startedAt}${e.stoppedAt ? `  stopped ${e.stoppedAt}` : ''}${e.promotedVariant ? `  promoted ${e.promotedVariant}` : ''}\n${e.variants
    .map(
      (v) =>
        `    ${v.name.padEnd(12)} ${pct(v.weight).padStart(8)}  model=${v.modelVersion ?? '(active)'}${v.ranker ? `  ranker=${JSON.stringify(v.ranker)}` : ''}`,
    )
    .join('\n')}`;

const renderList = (s: { experiments: Experiment[] }) =>
  s.experiments.length === 0 ? '(no experiments)' : s.experiments.map(renderExperiment).join('\n');

function renderReport(r: ExperimentReport): string {
  const lines = [
    `${r.experiment.id} (${r.experiment.status}, unit ${r.experiment.unit}, since ${r.experiment.startedAt})`,
    `${'variant'.padEnd(12)} ${'units'.padStart(7)} ${'exposures'.padStart(9)} ${'CTR'.padStart(8)} ${'conv'.padStart(8)} ${'rev/unit'.padStart(9)} ${'p95 ms'.padStart(7)} ${'coverage'.padStart(8)}`,
  ];
  for (const v of r.variants) {
    lines.push(
      `${v.name.padEnd(12)} ${String(v.units).padStart(7)} ${String(v.exposures).padStart(9)} ${pct(v.ctr).padStart(8)} ${pct(v.conversion).padStart(8)} ${num(v.revenuePerUnit.mean, 2).padStart(9)} ${String(v.guardrails.latencyP95Ms ?? '-').padStart(7)} ${pct(v.guardrails.coverage).padStart(8)}`,
    );
  }
  for (const v of r.variants.slice(1)) {
    const c = v.vsControl;
    if (!c) continue;
    const line = (name: string, x: typeof c.ctr) =>
      x
        ? `  ${name.padEnd(14)} lift ${pct(x.lift)} [${pct(x.liftCi?.low)}, ${pct(x.liftCi?.high)}]  p=${num(x.pValue)}`
        : `  ${name.padEnd(14)} (not enough data)`;
    lines.push(
      `${v.name} vs ${r.variants[0].name}:`,
      line('CTR', c.ctr),
      line('conversion', c.conversion),
      line('revenue/unit', c.revenuePerUnit),
    );
    for (const g of v.guardrails.violations) lines.push(`  guardrail: ${g}`);
  }
  for (const s of r.sampleSize) {
    lines.push(
      `sample size (${s.metric}, MDE ${pct(s.mde)} relative, baseline ${pct(s.baseline)}): ${s.requiredPerVariant ?? '-'} per variant needed, smallest has ${s.smallestVariant}: ${s.reached ? 'reached' : 'not reached'}`,
    );
  }
  return [...lines, ...r.summary].join('\n');
}

function readDefinition(opts: Record<string, unknown>): unknown {
  if (typeof opts.file === 'string') {
    try {
      return YAML.parse(fs.readFileSync(opts.file, 'utf8'));
    } catch (err) {
      throw validationError(`--file must be a readable JSON or YAML file: ${(err as Error).message}`, {
        file: opts.file,
      });
    }
  }
  if (typeof opts.definition === 'string') {
    try {
      return JSON.parse(opts.definition);
    } catch (err) {
      throw validationError(`--definition must be JSON, but it does not parse: ${(err as Error).message}`, {
        field: 'definition',
      });
    }
  }
  throw validationError('give the experiment with --file FILE or --definition JSON', { field: 'file' });
}

export async function experimentReport(config: Config, id: string): Promise<ExperimentReport> {
  return withStore(config, async (store, redis) => {
    const exp = await store.get(id);
    const { mde, power, alpha } = config.experiments;
    return buildReport(exp, await readCounts(redis, config.experiments.prefix, exp), { mde, power, alpha });
  });
}

async function promote(config: Config, logger: Logger, id: string, variant: string) {
  const graph = createGraphClient(config.neo4j, { app: 'graphrec-ab' });
  try {
    return await withStore(config, (store) =>
      promoteVariant(
        store,
        {
          dataDir: config.dataDir,
          graph,
          logger,
          progress: (label, total) => createProgress({ label, total, tty: config.progress, logger }),
        },
        id,
        variant,
      ),
    );
  } finally {
    await graph.close();
  }
}

export function registerAb(program: Command): void {
  const ab = program
    .command('ab')
    .description('A/B tests and canaries of models and ranker settings (docs/experiments.md)');

  ab.command('list')
    .description('Every experiment, oldest first, with its variants')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(async ({ config }) => ({ experiments: await withStore(config, (s) => s.list()) }), renderList),
    );

  ab.command('create')
    .description('Start an experiment from a JSON or YAML definition (one experiment runs at a time)')
    .option('--file <path>', 'the definition, JSON or YAML')
    .option('--definition <json>', 'the definition inline')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(
        async ({ config }, _args, opts) =>
          withStore(config, (store) =>
            createExperiment(store, config.dataDir, readDefinition(opts), 'admin'),
          ),
        renderExperiment,
      ),
    );

  ab.command('canary')
    .description('Send a small share of the users to a new model version, the rest to the active one')
    .requiredOption('--model <version>', 'the model version to try')
    .option('--share <fraction>', 'the canary share, in (0, 1)', '0.05')
    .option('--id <id>', 'the experiment id (default canary-<version>)')
    .option('--unit <unit>', 'user or session', 'user')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(async ({ config }, _args, opts) => {
        const share = Number(opts.share);
        const unit = String(opts.unit);
        if (unit !== 'user' && unit !== 'session') {
          throw validationError(`--unit must be user or session, but got: ${JSON.stringify(unit)}`, {
            field: 'unit',
          });
        }
        return withStore(config, (store) =>
          startCanary(store, config.dataDir, {
            model: String(opts.model),
            share,
            id: typeof opts.id === 'string' ? opts.id : undefined,
            unit,
          }),
        );
      }, renderExperiment),
    );

  ab.command('report')
    .description(
      'Per variant: CTR, conversion, revenue per unit, lift with 95 % CIs, p-values, sample size, guardrails',
    )
    .argument('<experiment>', 'the experiment id')
    .option('--json', 'print one JSON summary on stdout')
    .action(action(async ({ config }, [id]) => experimentReport(config, id), renderReport));

  ab.command('promote')
    .description("Publish a variant's model version through the registry and mark the experiment promoted")
    .argument('<experiment>', 'the experiment id')
    .option('--variant <name>', 'the variant to promote', 'canary')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(
        async ({ config, logger }, [id], opts) => promote(config, logger, id, String(opts.variant)),
        (s) =>
          `promoted ${s.experiment.promotedVariant} of ${s.experiment.id}: published ${s.published.version} (previous: ${s.published.previous ?? 'none'})`,
      ),
    );

  ab.command('stop')
    .description('Stop an experiment: every request goes back to the active model')
    .argument('<experiment>', 'the experiment id')
    .option('--json', 'print one JSON summary on stdout')
    .action(action(async ({ config }, [id]) => withStore(config, (s) => s.stop(id)), renderExperiment));
}
