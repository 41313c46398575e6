// How large the families' tables may grow. The grids are cut to what fits a share of the machine's memory, so a
// large catalogue trains with smaller neighbourhoods and ranks instead of dying in an allocation: a quarter of RAM
// for the largest single structure leaves room for the copies that tuning keeps side by side (fitted and trial).
import os from 'node:os';

export const TABLE_BYTES = Math.floor(os.totalmem() / 4);

/** Most neighbours per item whose item-item table (int32 index + float32 weight) fits `bytes`. */
export const maxNeighbours = (nItems: number, bytes = TABLE_BYTES) =>
  Math.floor(bytes / (8 * Math.max(1, nItems)));

/**
 * Highest SVD rank whose float32 panels fit `bytes`: the randomized SVD keeps about four [rows, rank + 32] panels
 * (users and items, the range and its projection).
 */
export const maxSvdRank = (nUsers: number, nItems: number, bytes = TABLE_BYTES) =>
  Math.floor(bytes / (16 * (nUsers + nItems))) - 32;
