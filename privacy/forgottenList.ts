// Who was forgotten, as the readers see it: the graph's salt and the markers' hashes, turned into a test of an
// id. The API (never serve them) and the training export (never train on them) both read it, because the shop's
// next ETL load may bring the User node back from the shop's own files.
import type { GraphClient } from '../graph';
import { READ_FORGOTTEN } from './queries';
import { subjectHash } from './subjectHash';

export interface ForgottenUsers {
  /** How many subjects are forgotten. */
  size: number;
  has(userId: string): boolean;
}

export const NOBODY_FORGOTTEN: ForgottenUsers = { size: 0, has: () => false };

export function forgottenFrom(salt: string | null, hashes: Iterable<string>): ForgottenUsers {
  const set = new Set(hashes);
  if (!salt || set.size === 0) return NOBODY_FORGOTTEN;
  return { size: set.size, has: (userId) => set.has(subjectHash(salt, userId)) };
}

export async function readForgottenUsers(graph: GraphClient): Promise<ForgottenUsers> {
  const [row] = await graph.read<{ salt: string | null; hashes: string[] }>(READ_FORGOTTEN);
  return row ? forgottenFrom(row.salt, row.hashes) : NOBODY_FORGOTTEN;
}
