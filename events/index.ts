// The public door of events/: durable event ingestion shared by the API (which appends) and the worker
// (which drains the stream into Neo4j).
export { appendEvents, defaultAppendOptions, isRedisOom, RedisFullError } from './append';
export type { AppendOptions, AppendResult, RecentEvent } from './append';
export { startEventConsumer } from './consumer';
export type { EventConsumer, ConsumerOptions, ConsumerStats, ConsumerHealth } from './consumer';
export { trimAcknowledged, oldestNeededId } from './trim';
export { migrateLegacyKeys, LEGACY } from './legacyKeys';
export type { LegacyMigration, LegacyTargets, MigrateOptions } from './legacyKeys';
export { consumerMetrics } from './metrics';
export { writeEvents } from './write';
export { EVENT_TYPES, REL_FOR } from './types';
export type { EventType, TrackedEvent, UntaggedEvent } from './types';
export * from './keys';
export { redisScript, runScript } from './redisScript';
export type { RedisScript } from './redisScript';
