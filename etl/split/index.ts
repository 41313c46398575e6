// The split: time-respecting train / validation / test boundaries, cold-start segments and leakage checks.
export { computeBoundaries, partOf, defaultSplitPolicy, DAY_MS, Part } from './boundaries';
export type { SplitPolicy, SplitBoundaries } from './boundaries';
export { buildSplitManifest, boundariesOf, EVENT_TYPES } from './manifest';
export type { SplitManifest, InteractionColumns, LeakageCheck, PartCounts } from './manifest';
export { writeSplitManifest, readSplitManifest, readSplitManifestFile, splitsDir } from './store';
export { readSyntheticInteractions } from './syntheticFiles';
