// The erasure's named Cypher. Parameters are named per query; every lookup goes through the uniqueness
// constraints on User.id and Session.id (etl/load/schema.ts), never a label scan of users or sessions.
import type { NamedQuery } from '../graph';

/**
 * $userId :: String. Columns: events (the user's event relationships), sessions (the ids of their sessions:
 * HAD_SESSION, and the sessionId of every event). No row when there is no such user.
 */
export const USER_FOOTPRINT: NamedQuery = {
  name: 'privacy.userFootprint',
  cypher: `MATCH (u:User {id: $userId})
OPTIONAL MATCH (u)-[e:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product)
WITH u, count(e) AS events, collect(DISTINCT e.sessionId) AS viaEvents
OPTIONAL MATCH (u)-[:HAD_SESSION]->(s:Session)
WITH events, viaEvents, collect(DISTINCT s.id) AS had
RETURN events, [x IN viaEvents + had WHERE x IS NOT NULL] AS sessions`,
};

/**
 * $sessionIds :: List<String>, $userId :: String. Deletes those sessions unless they belong to another user (a
 * session the API created while the shopper was still anonymous belongs to `anon:<sessionId>`: theirs), and
 * the anonymous users (`anon:<sessionId>`) of the same sessions: the browsing before the shopper signed in.
 * Columns: sessions, anonymousUsers (how many nodes went).
 */
export const DELETE_SESSIONS: NamedQuery = {
  name: 'privacy.deleteSessions',
  cypher: `UNWIND $sessionIds AS sid
CALL (sid) {
  OPTIONAL MATCH (s:Session {id: sid}) WHERE s.userId IS NULL OR s.userId IN [$userId, 'anon:' + sid]
  DETACH DELETE s
  RETURN count(s) AS sessions
}
CALL (sid) {
  OPTIONAL MATCH (a:User {id: 'anon:' + sid})
  DETACH DELETE a
  RETURN count(a) AS anonymousUsers
}
RETURN sum(sessions) AS sessions, sum(anonymousUsers) AS anonymousUsers`,
};

/** $userId :: String. Deletes the User node and every relationship it has. Columns: users, relationships. */
export const DELETE_USER: NamedQuery = {
  name: 'privacy.deleteUser',
  cypher: `OPTIONAL MATCH (u:User {id: $userId})
CALL (u) {
  OPTIONAL MATCH (u)-[r]-()
  RETURN count(r) AS relationships
}
DETACH DELETE u
RETURN count(u) AS users, relationships`,
};

/** $fresh :: String (used only the first time). Columns: salt, the graph's salt for forgotten-user hashes. */
export const ENSURE_SALT: NamedQuery = {
  name: 'privacy.ensureSalt',
  cypher: `MERGE (s:PrivacySalt {id: 'forgotten-users'}) ON CREATE SET s.value = $fresh RETURN s.value AS salt`,
};

/** No parameters. Columns: salt (null when nobody was ever forgotten), hashes (every marker's hash). */
export const READ_FORGOTTEN: NamedQuery = {
  name: 'privacy.readForgotten',
  cypher: `OPTIONAL MATCH (s:PrivacySalt {id: 'forgotten-users'})
RETURN s.value AS salt, COLLECT { MATCH (f:ForgottenUser) RETURN f.hash } AS hashes`,
};

/**
 * The marker that keeps a forgotten shopper out of every later export and answer. It holds no id: only the
 * salted hash. Written before anything is deleted, so an erasure that fails midway is still honoured.
 * $hash :: String, $at :: Integer (ms). Columns: requests (how often this subject was forgotten).
 */
export const MARK_FORGOTTEN: NamedQuery = {
  name: 'privacy.markForgotten',
  cypher: `MERGE (f:ForgottenUser {hash: $hash})
  ON CREATE SET f.firstAt = $at, f.requests = 0
SET f.lastAt = $at, f.requests = f.requests + 1
RETURN f.requests AS requests`,
};

/**
 * The audit record of one erasure: when, who asked (an operator name or an API key's hash), whom (the salted
 * hash) and what was removed. $at :: Integer (ms), $operator :: String, $hash :: String, $counts :: String (JSON).
 */
export const AUDIT_ERASURE: NamedQuery = {
  name: 'privacy.auditErasure',
  cypher: `CREATE (:ErasureAudit {at: $at, operator: $operator, subjectHash: $hash, counts: $counts})`,
};
