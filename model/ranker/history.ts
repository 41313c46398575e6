// A warm user's latest events as the model stores them (history.bin, artifacts/historyFile.ts) for serving:
// per user in the model's user row order, newest first, as CSR typed arrays. Built by training/context/history.ts.

export interface UserHistory {
  /** When the export that this snapshot holds began (ms): events that reached the graph later are not in it. */
  snapshotAt: number;
  nUsers: number;
  /** Row u's events are [ptr[u], ptr[u + 1]). */
  ptr: Int32Array;
  item: Int32Array;
  /** 0 view, 1 cart, 2 purchase (ShopData's codes). */
  type: Uint8Array;
  ts: Float64Array;
}

/** The same bound as the API's Neo4j history query (USER_HISTORY's limit). */
export const HISTORY_PER_USER = 200;
