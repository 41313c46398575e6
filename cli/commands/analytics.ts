// `graphrec analytics communities [--min-weight N] [--write] [--json]`: co-purchase communities and ranks
// (analytics/), printed for merchandisers and, with --write, stored on the products (docs/browser.md).
import { Command } from 'commander';
import {
  communitiesOptions,
  runCoPurchaseCommunities,
  type CommunitiesSummary,
  type RawCommunitiesOptions,
} from '../../analytics';
import { createGraphClient } from '../../graph';
import { action } from '../runtime';

const pct = (x: number) => `${Math.round(x * 100)}%`;

function render(s: CommunitiesSummary): string {
  const lines = [
    `${s.communities} communities over ${s.products} products and ${s.edges} co-purchase pairs ` +
      `(min weight ${s.options.minWeight} shoppers), modularity ${s.modularity.toFixed(4)}`,
  ];
  for (const c of s.largest) {
    lines.push(
      '',
      `community ${c.community}: ${c.products} products; ` +
        c.categories.map((k) => `${k.category} ${pct(k.share)}`).join(', '),
    );
    for (const p of c.topProducts) lines.push(`  ${p.rank.toExponential(3)}  ${p.id}  ${p.name ?? ''}`);
  }
  lines.push(
    '',
    s.written
      ? `written: coPurchaseCommunity and coPurchaseRank on ${s.written.products} products` +
          `${s.written.cleared ? `, taken off ${s.written.cleared} left out by this run` : ''}`
      : 'not written (add --write to store them on the products)',
  );
  return lines.join('\n');
}

export function registerAnalytics(program: Command): void {
  const analytics = program
    .command('analytics')
    .description('In-memory graph analytics over the shop graph, for merchandisers and analysts');

  analytics
    .command('communities')
    .description('Co-purchase communities (Louvain) and ranks (weighted PageRank) of the products')
    .option('--min-weight <n>', 'leave out product pairs bought together by fewer shoppers than this', '2')
    .option('--since <date>', 'only purchases on or after this UTC date, e.g. 2026-10-01 (default: all)')
    .option('--max-items-per-shopper <n>', 'leave out shoppers with more distinct products than this', '200')
    .option('--max-edges <n>', 'refuse a co-purchase graph with more pairs than this', '2000000')
    .option('--resolution <x>', 'Louvain resolution: above 1 gives more, smaller communities', '1')
    .option('--seed <n>', 'seed of the community search (same seed and graph, same communities)', '42')
    .option('--top <n>', 'communities described', '5')
    .option('--write', 'store coPurchaseCommunity and coPurchaseRank on the products')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(async ({ config, logger }, _args, opts) => {
        const options = communitiesOptions(opts as RawCommunitiesOptions);
        const graph = createGraphClient(config.neo4j, { app: 'graphrec-analytics' });
        try {
          return await runCoPurchaseCommunities({ graph, logger, now: Date.now }, options);
        } finally {
          await graph.close();
        }
      }, render),
    );
}
