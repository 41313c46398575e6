import { Command } from 'commander';
import { generateShop, GENERATE_DEFAULTS, GenerateSummary, parseGenerateOptions } from '../../etl';
import { action } from '../runtime';

const render = (s: GenerateSummary) =>
  [
    `wrote ${s.out}: ${s.counts.users} users, ${s.counts.products} products, ${s.counts.sessions} sessions, ` +
      `${s.counts.events} events (${s.counts.eventsByType.view} views, ${s.counts.eventsByType.cart} carts, ` +
      `${s.counts.eventsByType.purchase} purchases)`,
    `window ${s.window.start} .. ${s.window.end}, seed ${s.seed}; ${s.seconds.toFixed(1)} s, peak RSS ${s.peakRssMb} MB`,
  ].join('\n');

export function registerGenerate(program: Command): void {
  const d = GENERATE_DEFAULTS;
  program
    .command('generate')
    .description('Generate a deterministic synthetic shop (users, products, sessions, events) as CSV files')
    .option('--out <dir>', 'directory to write the CSV files and manifest.json into (created if missing)')
    .option('--users <n>', `number of users (default ${d.users})`)
    .option('--products <n>', `number of products (default ${d.products})`)
    .option('--interactions <n>', `exact number of events (default ${d.interactions})`)
    .option('--months <n>', `length of the window in months (default ${d.months})`)
    .option('--seed <n>', `random seed; same seed and flags give byte-identical files (default ${d.seed})`)
    .option('--end <YYYY-MM-DD>', `last day of the window, UTC (default ${d.end})`)
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(async ({ config, logger }, _args, opts) => {
        const options = parseGenerateOptions(opts);
        return generateShop(options, { logger, progressBar: config.progress });
      }, render),
    );
}
