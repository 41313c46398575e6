// Erasure on request: one shopper removed from the graph, from Redis, and from every later answer and export.
// The order matters: the marker first (the API and the export honour it from then on, even if a later step
// fails and the operator re-runs it), then the graph, then Redis, then the audit record of what went.
import type Redis from 'ioredis';
import { unavailable, validationError, type Logger } from '../core';
import type { GraphClient } from '../graph';
import { eraseFromRedis, type RedisErasure } from './eraseRedis';
import {
  AUDIT_ERASURE,
  DELETE_SESSIONS,
  DELETE_USER,
  ENSURE_SALT,
  MARK_FORGOTTEN,
  USER_FOOTPRINT,
} from './queries';
import { freshSalt, subjectHash } from './subjectHash';

export interface ForgetDeps {
  graph: GraphClient;
  redis: Redis;
  logger: Logger;
}

export interface ForgetOptions {
  /** The event stream (config.events.stream); its dead letters are searched too. */
  stream: string;
  experimentsPrefix: string;
  /** Who asked: an operator name, or the API key's hash. Never the shopper. */
  operator: string;
  now: number;
}

export interface ForgetSummary {
  /** The salted hash the marker and the audit record hold (the id itself is kept nowhere). */
  subjectHash: string;
  /** Whether the graph held the user (a shopper only in Redis, or nowhere, is forgotten all the same). */
  found: boolean;
  graph: { users: number; relationships: number; events: number; sessions: number; anonymousUsers: number };
  redis: Omit<RedisErasure, 'sessions'>;
  at: string;
}

/** The rule a user id must meet here (the API's ids are checked by the same rule at its edge). */
const USER_ID = /^[^\s]{1,256}$/;

export async function forgetUser(
  deps: ForgetDeps,
  userId: string,
  opts: ForgetOptions,
): Promise<ForgetSummary> {
  if (!USER_ID.test(userId))
    throw validationError(
      `a user id is 1-256 characters without spaces, but got: ${JSON.stringify(userId)}`,
      {
        field: 'id',
      },
    );
  const { graph, redis, logger } = deps;
  const [{ salt }] = await graph.write<{ salt: string }>(ENSURE_SALT, { fresh: freshSalt() });
  const hash = subjectHash(salt, userId);
  await graph.write(MARK_FORGOTTEN, { hash, at: opts.now });

  const [footprint] = await graph.read<{ events: unknown; sessions: string[] }>(USER_FOOTPRINT, { userId });
  const sessions = footprint?.sessions ?? [];
  const removed = await graph.writeTx('privacy.eraseUser', async (tx) => {
    const s = await tx.run(DELETE_SESSIONS.cypher, { sessionIds: sessions, userId });
    const u = await tx.run(DELETE_USER.cypher, { userId });
    const n = (r: typeof s, k: string) => Number(r.records[0]?.get(k) ?? 0);
    return {
      users: n(u, 'users'),
      relationships: n(u, 'relationships'),
      sessions: n(s, 'sessions'),
      anonymousUsers: n(s, 'anonymousUsers'),
    };
  });
  let fromRedis: RedisErasure;
  try {
    fromRedis = await eraseFromRedis(redis, userId, {
      stream: opts.stream,
      experimentsPrefix: opts.experimentsPrefix,
      sessions,
    });
  } catch (err) {
    throw unavailable(
      'the shopper is out of the graph and marked forgotten, but Redis could not be cleared: run the erasure again',
      err,
    );
  }
  // Sessions only the stream knew (events not yet written to the graph) may still have nodes: a consumer may
  // have written them meanwhile.
  let lateSessions = 0;
  if (fromRedis.sessions.length > 0) {
    const [late] = await graph.write<{ sessions: unknown; anonymousUsers: unknown }>(DELETE_SESSIONS, {
      sessionIds: fromRedis.sessions,
      userId,
    });
    lateSessions = Number(late?.sessions ?? 0) + Number(late?.anonymousUsers ?? 0);
  }
  const { sessions: _found, ...redisCounts } = fromRedis;
  const summary: ForgetSummary = {
    subjectHash: hash,
    found: footprint !== undefined,
    graph: {
      ...removed,
      sessions: removed.sessions + lateSessions,
      events: Number(footprint?.events ?? 0),
    },
    redis: redisCounts,
    at: new Date(opts.now).toISOString(),
  };
  await graph.write(AUDIT_ERASURE, {
    at: opts.now,
    operator: opts.operator,
    hash,
    counts: JSON.stringify({ graph: summary.graph, redis: summary.redis }),
  });
  // The log carries what the audit record carries: no id.
  logger.info({ subjectHash: hash, operator: opts.operator, removed: summary }, 'a shopper was forgotten');
  return summary;
}
