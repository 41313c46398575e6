// Features for training and serving: batch user/product features as of a cutoff, and context features of a moment.
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
