// The synthetic shop generator's one public door: `generateShop(options, deps)` writes a deterministic shop
// (categories, brands, products, users, sessions, events as CSV, plus manifest.json) into options.out.
// docs/data-format.md describes the files and the structure planted in them.
import { mkdir, stat } from 'node:fs/promises';
import { createProgress, Logger, validationError } from '../../core';
import { buildCatalog, writeBrands, writeCategories, writeProducts } from './catalog';
import { buildManifest, FileName, Manifest, ShopCounts, writeManifest } from './manifest';
import { GenerateOptions, parseGenerateOptions } from './options';
import { buildPopulation, writeUsers } from './population';
import { dayWeights, makeWindow } from './seasonality';
import { simulateTimeline } from './timeline';
import type { FileStats } from './csvWriter';

export { parseGenerateOptions, GENERATE_DEFAULTS, GENERATE_LIMITS } from './options';
export type { GenerateOptions } from './options';
export type { Manifest, ShopCounts } from './manifest';
export { GENERATOR, GENERATOR_VERSION, FILE_NAMES } from './manifest';

export interface GenerateDeps {
  logger: Logger;
  /** Draw a progress bar (on a TTY) rather than log lines. */
  progressBar: boolean;
  /** Monotonic milliseconds, for the timing in the summary. */
  now?: () => number;
}

export interface GenerateSummary {
  out: string;
  seed: number;
  window: Manifest['window'];
  counts: ShopCounts;
  seconds: number;
  peakRssMb: number;
}

export async function generateShop(options: GenerateOptions, deps: GenerateDeps): Promise<GenerateSummary> {
  const opts = parseGenerateOptions({ ...options });
  const now = deps.now ?? (() => performance.now());
  const { logger } = deps;
  const t0 = now();
  await ensureDirectory(opts.out);

  const window = makeWindow(opts.months, opts.end);
  const days = dayWeights(window);
  const catalog = buildCatalog(opts.products, opts.seed, window);
  const population = buildPopulation(opts.users, opts.seed, window, days, catalog);
  logger.info(
    { leaves: catalog.nLeaf, brands: catalog.nBrands, products: opts.products, users: opts.users },
    'catalog and users ready',
  );

  const files = {} as Record<FileName, FileStats>;
  files['categories.csv'] = await writeCategories(catalog, opts.out);
  files['brands.csv'] = await writeBrands(catalog, opts.out);
  files['products.csv'] = await writeProducts(catalog, opts.out, opts.seed);
  files['users.csv'] = await writeUsers(population, opts.out);

  const progress = createProgress({
    label: 'generate events',
    total: opts.interactions,
    tty: deps.progressBar,
    logger,
  });
  const startMs = window.startMs;
  const timeline = await simulateTimeline(
    catalog,
    population,
    window,
    days,
    opts.seed,
    opts.interactions,
    opts.out,
    (done, d) =>
      progress.update(done, { day: new Date(startMs + d * 86_400_000).toISOString().slice(0, 10) }),
  );
  progress.stop();
  files['sessions.csv'] = timeline.sessions;
  files['events.csv'] = timeline.events;

  const manifest = buildManifest(opts, window, files, timeline.eventsByType);
  await writeManifest(opts.out, manifest);
  return {
    out: opts.out,
    seed: opts.seed,
    window: manifest.window,
    counts: manifest.counts,
    seconds: Math.round(now() - t0) / 1000,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

async function ensureDirectory(dir: string): Promise<void> {
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) {
    throw validationError(`--out must be a directory, but got a file: ${dir}`, { field: '--out' });
  }
  await mkdir(dir, { recursive: true });
}

// The generator's truth in memory, for the bench's oracles (bench/coldStart): the same seed and options rebuild
// the same catalogue, shoppers and session dynamics without writing a file.
export { buildCatalog, type Catalog } from './catalog';
export { buildPopulation, type Population } from './population';
export { dayWeights, makeWindow } from './seasonality';
export { SessionSimulator, productFit, TIER_FIT, BAND_FIT, GLOBAL_DRAW } from './sessions';
export { K_TOPS } from './population';
export { seasonFactor, SEASONS, DAY_MS } from './seasonality';
export { GENDERS, REGIONS, AGE_BANDS } from './vocabulary';
