// The public door of privacy/: who may read a shopper's data (shopper tokens), and erasure on request (forget a
// shopper everywhere; the forgotten list the API and the training export honour). docs/privacy.md.
export { mintShopperToken, checkShopperToken, TOKEN_REFUSALS } from './token';
export type { TokenCheck } from './token';
export { forgetUser } from './forget';
export type { ForgetDeps, ForgetOptions, ForgetSummary } from './forget';
export { readForgottenUsers, forgottenFrom, NOBODY_FORGOTTEN } from './forgottenList';
export type { ForgottenUsers } from './forgottenList';
export { RESULT_CACHE_PATTERN, dropResultCache } from './eraseRedis';
export type { RedisErasure } from './eraseRedis';
export { subjectHash } from './subjectHash';
