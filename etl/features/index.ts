// Features for training and serving: batch user/product features as of a cutoff (onto the graph), online
// counters in Redis, and context features of a moment.
export {
  computeFeatures,
  priceBands,
  userFeatureRecord,
  productFeatureRecord,
  WINDOWS_DAYS,
  TYPE_NAMES,
} from './compute';
export type { FeatureSnapshot, UserFeatures, ProductFeatures } from './compute';
export { contextFeatures, blackFriday } from './context';
export type { ContextFeatures, Holiday } from './context';
export { writeFeaturesToGraph, userGraphRecord, productGraphRecord } from './graphStore';
export type { FeatureWriteSummary } from './graphStore';
export { refreshFeatures } from './refresh';
export type { FeatureRefreshSummary } from './refresh';
export {
  recordOnlineEvents,
  readOnlineUserFeatures,
  readOnlineProductFeatures,
  countsFromHash,
  onlineUserKey,
  onlineProductKey,
} from './online';
export type { OnlineEvent, OnlineCounts } from './online';
