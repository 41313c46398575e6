// Redis keys shared by the API (writer of session state, reader of the cache) and the ingestion consumer.
// Ids are validated before they reach here (api/validate.ts), so they never contain spaces or braces.

export const idempotencyKey = (eventId: string) => `graphrec:evk:${eventId}`;
/** Recent events of a subject, newest first: `u:<userId>` or `s:<sessionId>`. */
export const recentKey = (subject: string) => `graphrec:recent:${subject}`;
/** Generation counter of a subject: bumped by each new event, part of every cache key of that subject. */
export const generationKey = (subject: string) => `graphrec:gen:${subject}`;
export const sequenceKey = (sessionId: string) => `graphrec:seq:${sessionId}`;
export const deadLetterStream = (stream: string) => `${stream}:dead`;
export const CONSUMER_GROUP = 'graphrec-ingest';

export const userSubject = (userId: string) => `u:${userId}`;
export const sessionSubject = (sessionId: string) => `s:${sessionId}`;
