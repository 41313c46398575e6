// The public door of etl/: generate a shop, load it into Neo4j, split its events in time, refresh the graph's
// features. Each step is a folder with its own index; the other parts import them from here.
export { refreshFeatures } from './features';
export type { FeatureRefreshSummary } from './features';
export {
  BAND_FIT,
  DAY_MS,
  GENERATE_DEFAULTS,
  GLOBAL_DRAW,
  K_TOPS,
  SEASONS,
  SessionSimulator,
  TIER_FIT,
  buildCatalog,
  buildPopulation,
  dayWeights,
  generateShop,
  makeWindow,
  parseGenerateOptions,
  productFit,
  seasonFactor,
} from './generate';
export type { Catalog, GenerateSummary, Population } from './generate';
export { loadSource, parseLoadOptions } from './load';
export type { LoadSummary, WriteMode } from './load';
export {
  EVENT_TYPES,
  boundariesOf,
  buildSplitManifest,
  readSplitManifest,
  readSplitManifestFile,
  readSyntheticInteractions,
  splitsDir,
  writeSplitManifest,
} from './split';
export type { InteractionColumns, SplitBoundaries, SplitManifest } from './split';
