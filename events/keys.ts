// Redis keys shared by the API (writer of session state, reader of the cache) and the ingestion consumer.
// Ids are validated before they reach here (api/validate.ts), so they never contain spaces or braces.
//
// Every key here, the stream (EVENTS_STREAM) and the result cache's entries (api/cache.ts) carry one hash tag:
// trackEvents's append script touches the stream and several subjects' keys at once, and the cache's lookup
// reads generations, recent lists and an entry in one script, so on a Redis Cluster they must share a slot.
// The family lives on one master; the cluster spreads the other families (rate limits, queues, experiments).
import { EVENTS_HASH_TAG } from '../core';

export const idempotencyKey = (eventId: string) => `${EVENTS_HASH_TAG}:evk:${eventId}`;
/** Recent events of a subject, newest first: `u:<userId>` or `s:<sessionId>`. */
export const recentKey = (subject: string) => `${EVENTS_HASH_TAG}:recent:${subject}`;
/** Generation counter of a subject: bumped by each new event, part of every cache key of that subject. */
export const generationKey = (subject: string) => `${EVENTS_HASH_TAG}:gen:${subject}`;
export const sequenceKey = (sessionId: string) => `${EVENTS_HASH_TAG}:seq:${sessionId}`;
/** The result cache's key family (api/cache.ts): entries and their pre-rendered answers. */
export const RESULT_CACHE_PREFIX = `${EVENTS_HASH_TAG}:rc:`;
/** Carries the stream's hash tag: a batch's dead letters and its acknowledgement go to the same node. */
export const deadLetterStream = (stream: string) => `${stream}:dead`;
export const CONSUMER_GROUP = 'graphrec-ingest';

export const userSubject = (userId: string) => `u:${userId}`;
export const sessionSubject = (sessionId: string) => `s:${sessionId}`;
