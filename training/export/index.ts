// The graph export: the training data streamed out of Neo4j into typed columns (ShopData).
export { readShopFromNeo4j } from './neo4jShop';
export type { Neo4jShopOptions } from './neo4jShop';
export { resolveSplit } from './split';
export type { ResolvedSplit } from './split';
export { growFloat32, growFloat64, growInt32, growUint8, Interner, GrowableArray } from './growable';
