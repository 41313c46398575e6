// Each user's latest events as a snapshot of the graph export, for serving: the API reads a warm user's history
// from it (plus the events since, which Redis holds) instead of asking Neo4j on every cache miss.
// Per user (in the shop's user order, which is the model's user row order), newest first, at most `perUser`
// events, as CSR typed arrays.
import type { ShopData } from '../data/shop';
import { HISTORY_PER_USER, type UserHistory } from '../../model';
export { HISTORY_PER_USER } from '../../model';
export type { UserHistory } from '../../model';

export function userHistory(shop: ShopData, snapshotAt: number, perUser = HISTORY_PER_USER): UserHistory {
  const ev = shop.events;
  const nU = shop.nUsers;
  // Bucket events by user (counting sort), then order each user's few events newest first.
  const start = new Int32Array(nU + 1);
  for (let e = 0; e < ev.n; e++) start[ev.user[e] + 1]++;
  for (let u = 0; u < nU; u++) start[u + 1] += start[u];
  const fill = start.slice(0, nU);
  const byUser = new Int32Array(ev.n);
  for (let e = 0; e < ev.n; e++) byUser[fill[ev.user[e]]++] = e;
  const ptr = new Int32Array(nU + 1);
  for (let u = 0; u < nU; u++) ptr[u + 1] = ptr[u] + Math.min(perUser, start[u + 1] - start[u]);
  const n = ptr[nU];
  const item = new Int32Array(n);
  const type = new Uint8Array(n);
  const ts = new Float64Array(n);
  for (let u = 0; u < nU; u++) {
    const mine = byUser.subarray(start[u], start[u + 1]).sort((a, b) => ev.ts[b] - ev.ts[a] || b - a);
    for (let k = 0, at = ptr[u]; at < ptr[u + 1]; k++, at++) {
      const e = mine[k];
      item[at] = ev.item[e];
      type[at] = ev.type[e];
      ts[at] = ev.ts[e];
    }
  }
  return { snapshotAt, nUsers: nU, ptr, item, type, ts };
}
