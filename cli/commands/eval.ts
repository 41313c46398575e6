import { Command } from 'commander';
import { createProgress } from '../../core';
import { evaluateVersion, EvalSummary, parseEvalFlags } from '../../training';
import { action } from '../runtime';

const render = (s: EvalSummary) =>
  [
    `${s.version} (${s.model}) on ${s.users} test users, ${s.seconds.toFixed(1)} s`,
    ...Object.entries(s.metrics).map(([k, v]) => `  ${k.padEnd(17)} ${v.toFixed(4)}`),
    ...Object.entries(s.segments).map(
      ([name, m]) =>
        `  ${name.padEnd(17)} ndcg@20 ${m['ndcg@20']?.toFixed(4) ?? '-'} (${m.users ?? 0} users)`,
    ),
  ].join('\n');

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Evaluate a stored model version on a data source (full ranking, train items excluded)')
    .option('--version <version>', 'the model version, e.g. lightgcn-20260101-120000-abc123')
    .option('--data <source>', 'the data it was trained on, e.g. lightgcn:DIR, shop:DIR or neo4j')
    .option('--split <file|id>', 'with --data neo4j: the split manifest (default: the latest)')
    .option('--backend <name>', 'auto | tensorflow | wasm | cpu')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(async ({ config, logger }, _args, opts) => {
        const flags = parseEvalFlags(opts);
        return evaluateVersion(
          { ...flags, dataDir: config.dataDir, neo4j: config.neo4j },
          {
            logger,
            progress: (label, total) => createProgress({ label, total, tty: config.progress, logger }),
          },
        );
      }, render),
    );
}
