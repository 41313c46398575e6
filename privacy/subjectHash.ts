// The one way a forgotten shopper is named after erasure: a salted hash of their id. The salt is random per
// graph, kept in one (:PrivacySalt) node beside the markers, so every reader of the markers (the API, the
// training export) can test an id without configuration, and a copy of the markers alone names nobody.
// Someone who can read the whole graph can test a guessed id (docs/privacy.md, "Limits").
import crypto from 'node:crypto';

export function subjectHash(salt: string, userId: string): string {
  return crypto.createHmac('sha256', salt).update(`graphrec-forgotten-v1\n${userId}`).digest('hex');
}

export const freshSalt = (): string => crypto.randomBytes(32).toString('hex');
