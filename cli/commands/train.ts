import { Command } from 'commander';
import { createProgress } from '../../core';
import { parseTrainFlags, trainModel, TrainSummary } from '../../training';
import { action } from '../runtime';

const render = (s: TrainSummary) =>
  [
    `trained ${s.model} ${s.version} in ${s.seconds} s (${s.epochs} epochs, peak RSS ${s.peakRssMb} MB)`,
    ...['recall@20', 'ndcg@20', 'precision@20', 'hitrate@20', 'mrr@20', 'mrr', 'coverage@20']
      .filter((k) => s.metrics[k] !== undefined)
      .map((k) => `  ${k.padEnd(13)} ${s.metrics[k].toFixed(4)}`),
    ...Object.entries(s.segments).map(
      ([name, m]) =>
        `  ${name.padEnd(13)} ndcg@20 ${m['ndcg@20']?.toFixed(4) ?? '-'} (${m.users ?? 0} users)`,
    ),
  ].join('\n');

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('Train a recommendation model, evaluate it on the test split and store it as a new version')
    .option(
      '--model <kind>',
      'auto | lightgcn | mf | pop; on a shop also trend | covisit | lightgcn-meta | ranker (default auto: every fast family tuned on validation, the best kept; on a shop, the ranker)',
    )
    .option(
      '--data <source>',
      'training data: lightgcn:DIR (train.txt + test.txt of the LightGCN benchmarks), shop:DIR (a generated shop) or neo4j[:NAME] (the loaded graph)',
    )
    .option(
      '--split <file|id>',
      'with --data neo4j: the split manifest (default: the latest `graphrec etl split` wrote)',
    )
    .option('--epochs <n>', 'maximum number of epochs')
    .option('--time-budget <minutes>', 'stop training after this many minutes')
    .option('--batch-size <n>', 'positives per step')
    .option('--negatives <n>', 'negatives per positive (bpr) or per batch (softmax)')
    .option('--lr <x>', 'Adam learning rate')
    .option('--l2 <x>', 'L2 weight on the batch ego embeddings')
    .option('--dims <n>', 'embedding dimensions')
    .option('--layers <n>', 'LightGCN propagation layers')
    .option('--init <kind>', 'spectral | normal')
    .option('--spectral-power <p>', 'with --init spectral: initial filter σ^p (0 = ideal low-pass)')
    .option('--loss <kind>', 'bpr | softmax | full-softmax')
    .option(
      '--item-degree <beta>',
      'scale final item embeddings by (train degree)^beta (GF-CF output normalisation; needs --loss bpr)',
    )
    .option('--seed <n>', 'random seed')
    .option('--patience <n>', 'validations without improvement before early stopping')
    .option('--eval-every <steps>', 'validate every this many steps (0: every epoch)')
    .option(
      '--valid-users <fraction>',
      'share of users that give train items to the validation set (0: none)',
    )
    .option(
      '--warm-start <version|dir|active>',
      "start from a stored model's E0 table (rows matched by node id; new nodes from their neighbours)",
    )
    .option(
      '--new-arrivals-budget <fraction>',
      'ranker: share of validation NDCG@20 its new-arrivals quota may cost, in [0, 1) (default 0.02; 0 = pure NDCG tuning)',
    )
    .option('--backend <name>', 'auto | tensorflow | wasm | cpu')
    .option(
      '--track-test',
      'also evaluate test at every validation (benchmarks only; not used for selection)',
    )
    .option(
      '--no-refit',
      'benchmark data: keep the model fitted without the validation carve-out (default: refit on all of train for the validated steps)',
    )
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(async ({ config, logger }, _args, opts) => {
        const flags = parseTrainFlags(opts);
        const { summary } = await trainModel(
          { ...flags, dataDir: config.dataDir, home: config.home, neo4j: config.neo4j },
          {
            logger,
            progress: (label, total) => createProgress({ label, total, tty: config.progress, logger }),
          },
        );
        return summary;
      }, render),
    );
}
