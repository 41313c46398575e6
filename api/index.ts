// The public door of api/: the GraphQL server and what others hang on it (admin middleware, variant seam).
export { startApiServer } from './server';
export type { ApiServer, ApiServerOptions } from './server';
export { requireAdmin, authenticate } from './auth';
export type { Caller, Role } from './auth';
export type { ApiContext } from './context';
export { chooseVariant } from './variant';
export type { ChooseVariant, Variant, VariantRequest } from './variant';
export { typeDefs } from './schema';
export { loadModel, readActivePointer } from './model/activeModel';
export { nearestItems, rowNorms, startAnnBuild, topK } from './model/embeddingIndex';
export type { ItemTable } from './model/embeddingIndex';
export { buildIvfIndexSync, searchIvf } from './model/ivfIndex';
export type { IvfIndex } from './model/ivfIndex';
export { VECTOR_QUERY } from './recs/similar';
