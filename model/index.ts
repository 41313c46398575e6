// The public door of model/: the served-model contract between training/ (which writes a version through it)
// and api/ (which reads and scores with it). Nothing here loads tfjs or trainer code, so the API process can load
// it whole; api/loadsNoTraining.test.ts holds that line.

// The files a model version holds, their writers and readers (training writes, the API reads).
export { checkVersionName, modelsRoot, newVersion, readModelDir, writeModelDir } from './artifacts/modelDir';
export type { StoredModel } from './artifacts/modelDir';
export { decodeEmbeddings, encodeEmbeddings, readEmbeddingsFile } from './artifacts/embeddingsFile';
export { e0Files, readE0Files } from './artifacts/e0File';
export type { E0Table, NodeTypeIds } from './artifacts/e0File';
export { metaFiles, readMetaFiles } from './artifacts/metaFile';
export {
  contextFiles,
  decodeItemGraph,
  encodeItemGraph,
  readContextFiles,
  readNewArrivals,
} from './artifacts/contextFiles';
export {
  HISTORY_FILE,
  checkHistory,
  decodeHistory,
  encodeHistory,
  readHistoryFile,
} from './artifacts/historyFile';
export { decodeItemItem, encodeItemItem } from './artifacts/itemItemFile';
export {
  SESSION_BIN,
  SESSION_FORMAT_VERSION,
  SESSION_JSON,
  encodeSessionTables,
  readSessionModel,
} from './session/files';
export type { SessionJson } from './session/files';

// The registry: versions, the active pointer, verification, the lock, publishing to Neo4j.
export {
  HISTORY_LIMIT,
  MAX_VECTOR_DIMS,
  QUERY_SIMILAR,
  VECTOR_INDEX,
  activePointerPath,
  gcModels,
  listModels,
  lockPath,
  publishModel,
  readActiveModel,
  rollbackModel,
  verifyModel,
  withRegistryLock,
} from './registry';
export type {
  ActivePointer,
  ApplySummary,
  GcSummary,
  ModelEntry,
  ModelListing,
  PublishSummary,
  RegistryDeps,
  RollbackSummary,
  VerifiedModel,
} from './registry';
export { pointerAfterPublish, writeActivePointer } from './registry/pointer';

// What a stored model means: the metadata layout, the shopper attributes, sparse rows.
export {
  CATEGORY_LEVEL_WEIGHTS,
  EVENT_WEIGHTS,
  META_TYPES,
  PRICE_BANDS,
  metaCount,
  metaRow,
  priceBandOf,
} from './metaLayout';
export type { MetaLayout, MetaType } from './metaLayout';
export {
  AGE_BANDS,
  AGE_BAND_EDGES,
  LOYALTY_TIERS,
  REGIONS,
  UNKNOWN_BIRTH_YEAR,
  UNKNOWN_CODE,
  ageBandOf,
} from './demographics';
export type { Csr } from './csr';

// Inductive inference: placing new users and products from their metadata.
export {
  inductiveModelOf,
  inferProductEmbedding,
  inferUserEmbedding,
  loadInductiveModel,
  scoreItems,
} from './inductive';
export type { InductiveModel, NewProduct, NewUser } from './inductive';

// The served scorers, one implementation each for the offline evaluation and the API.
export { WEEKS, addFromRecent, seasonalScores, weekOfYear } from './ranker/tables';
export type { ContextTables, ItemGraph } from './ranker/tables';
export {
  DEFAULT_NEW_ARRIVALS_BUDGET,
  LIST_SIZE,
  NEW_ARRIVAL_DAYS,
  NEW_ARRIVAL_SLOTS,
  RANKER_SIGNALS,
  defaultRankerWeights,
  isNewArrival,
  newArrivalQuota,
  newArrivalsOf,
  newArrivalsOff,
  rankScores,
  reserveNewArrivals,
} from './ranker/ranker';
export type { NewArrivals, RankerTables, RankerWeights } from './ranker/ranker';
export {
  coldUserScores,
  coldUserWeightsOf,
  defaultColdUserWeights,
  topItems,
  userItemDots,
} from './ranker/coldUsers';
export type { ColdTables, ColdUserWeights } from './ranker/coldUsers';
export {
  GENDERS,
  N_KEYS,
  SEGMENTS_FILE,
  SEGMENT_HALF_LIFE_DAYS,
  decodeSegmentTable,
  demographicCodes,
  encodeSegmentTable,
  fineKey,
  knownAttributes,
  readSegmentTable,
  segmentScores,
} from './ranker/segmentPopularity';
export type { Demographics, SegmentTable } from './ranker/segmentPopularity';
export { HISTORY_PER_USER } from './ranker/history';
export type { UserHistory } from './ranker/history';
export { kthLargest, topK } from './ranker/topk';
export type { SessionTables } from './session/sessionTables';
export {
  defaultSessionParams,
  sessionModelOf,
  sessionRank,
  sessionRequest,
  sessionScore,
  sessionTop,
} from './session/model';
export type { SessionModel, SessionParams, SessionRequest, SessionStep } from './session/model';
export { popularityOrder, sparseRank } from './session/rankSparse';
export type { PopularityOrder } from './session/rankSparse';
export {
  categoryPath,
  defaultPlacementWeights,
  encodePlacement,
  LEAF_PRIOR,
  PLACEMENT_KEYS,
  placementOf,
  placementProfile,
  placementScore,
} from './ranker/newArrivalPlacement';
export type {
  PlacedProduct,
  PlacementProfile,
  PlacementRequest,
  PlacementTable,
  PlacementWeights,
} from './ranker/newArrivalPlacement';
