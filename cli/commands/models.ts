import { Command } from 'commander';
import { createProgress, validationError, type Config, type Logger } from '../../core';
import { createGraphClient } from '../../graph';
import {
  gcModels,
  listModels,
  publishModel,
  rollbackModel,
  type ApplySummary,
  type GcSummary,
  type ModelListing,
  type PublishSummary,
  type RegistryDeps,
  type RollbackSummary,
} from '../../model';
import { action } from '../runtime';

const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(4));
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

const renderList = (l: ModelListing) =>
  l.models.length === 0
    ? '(no model versions yet: `graphrec train` writes them)'
    : [
        `${'  version'.padEnd(40)} ${'created'.padEnd(24)} recall@20  ndcg@20  size`,
        ...l.models.map(
          (m) =>
            `${m.active ? '* ' : m.historyIndex !== null ? `${m.historyIndex + 1} `.padStart(2) : '  '}${m.version.padEnd(38)} ${(m.createdAt ?? '-').padEnd(24)} ${fmt(m.metrics['recall@20']).padEnd(10)} ${fmt(m.metrics['ndcg@20']).padEnd(8)} ${mb(m.sizeBytes)}${m.problem ? `  (${m.problem})` : ''}`,
        ),
        '(* active; 1, 2, ... the rollback history)',
        ...(l.graphVersion !== null && l.graphVersion !== l.active
          ? [
              `the graph still holds the embeddings of ${l.graphVersion}: a rollback is rewriting them, or died midway (finish it: graphrec models publish ${l.active})`,
            ]
          : []),
      ].join('\n');

const applied = (s: ApplySummary) =>
  `  ${s.products} products (${s.unmatched} model items without a product, ${s.cleared} stale embeddings cleared), ${s.dims} dims; index ${s.index.name} ${s.index.state}${s.index.recreated ? ' (created)' : ''}`;

const renderPublish = (s: PublishSummary) =>
  [`published ${s.version} in ${s.seconds} s (previous: ${s.previous ?? 'none'})`, applied(s)].join('\n');
const renderRollback = (s: RollbackSummary) =>
  [
    `rolled back from ${s.from} to ${s.version}: serving it after ${s.servingSeconds} s, the graph's embeddings and index restored after ${s.seconds} s`,
    applied(s),
  ].join('\n');
const renderGc = (s: GcSummary) =>
  `deleted ${s.deleted.length} versions (${mb(s.freedBytes)}), kept ${s.kept.length}${s.deleted.length ? `:\n  ${s.deleted.join('\n  ')}` : ''}`;

async function withRegistry<T>(
  config: Config,
  logger: Logger,
  work: (deps: RegistryDeps) => Promise<T>,
): Promise<T> {
  const graph = createGraphClient(config.neo4j, { app: 'graphrec-models' });
  try {
    return await work({
      dataDir: config.dataDir,
      graph,
      logger,
      progress: (label, total) => createProgress({ label, total, tty: config.progress, logger }),
    });
  } finally {
    await graph.close();
  }
}

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('List, publish and roll back model versions (docs/models-registry.md)');

  models
    .command('list')
    .description('The model versions on disk, newest first, with their metrics and which one is active')
    .option('--json', 'print one JSON summary on stdout')
    .action(action(async ({ config }) => listModels(config.dataDir), renderList));

  models
    .command('publish')
    .description(
      'Verify a version, write its product embeddings and the vector index product_embedding into Neo4j, then make it active',
    )
    .argument('<version>', 'the model version, e.g. lightgcn-20261122-221800-a1b2c3')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(
        async ({ config, logger }, [version]) =>
          withRegistry(config, logger, (deps) => publishModel(deps, version)),
        renderPublish,
      ),
    );

  models
    .command('rollback')
    .description("Restore the previous active version's embeddings and pointer (or the one given with --to)")
    .option('--to <version>', 'a version from the active pointer history')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(
        async ({ config, logger }, _args, opts) =>
          withRegistry(config, logger, (deps) =>
            rollbackModel(deps, { to: typeof opts.to === 'string' ? opts.to : undefined }),
          ),
        renderRollback,
      ),
    );

  models
    .command('gc')
    .description('Delete old versions, keeping the active one, the N newest others and N rollback steps')
    .requiredOption('--keep <n>', 'how many other versions to keep')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(async ({ config }, _args, opts) => {
        const raw = String(opts.keep);
        if (!/^\d+$/.test(raw)) {
          throw validationError(`--keep must be an integer >= 0, but got: ${JSON.stringify(raw)}`, {
            field: 'keep',
          });
        }
        return gcModels(config.dataDir, Number(raw));
      }, renderGc),
    );
}
