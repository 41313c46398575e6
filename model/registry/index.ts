// The public door of the model registry: the active-model pointer (read by the API), and the operations behind
// `graphrec models list | publish | rollback | gc`. See docs/models-registry.md for the contract.
export { readActiveModel, activePointerPath, HISTORY_LIMIT } from './pointer';
export type { ActivePointer } from './pointer';
export { listModels, publishModel, rollbackModel, gcModels } from './registry';
export type {
  RegistryDeps,
  PublishSummary,
  RollbackSummary,
  ApplySummary,
  ModelEntry,
  ModelListing,
  GcSummary,
} from './registry';
export { verifyModel, MAX_VECTOR_DIMS } from './verify';
export type { VerifiedModel } from './verify';
export { VECTOR_INDEX, QUERY_SIMILAR } from './productEmbeddings';
export { withRegistryLock, lockPath } from './lock';
