// BPR triples, seeded: each epoch is a shuffled pass over the train interactions (user, positive item), and
// each positive gets `negatives` items drawn uniformly from those the user has not interacted with.
import type { Csr } from './csr';
import type { Rng } from '../../core';

export interface Batch {
  users: Int32Array;
  pos: Int32Array;
  /** [users.length * negatives], the negatives of positive b at [b*negatives, (b+1)*negatives). */
  neg: Int32Array;
}

export class BprSampler {
  private readonly owner: Int32Array;
  private readonly order: Int32Array;
  private cursor: number;

  constructor(
    private readonly train: Csr,
    private readonly rng: Rng,
    readonly negatives: number,
  ) {
    const n = train.ptr[train.nRows];
    this.owner = new Int32Array(n);
    for (let u = 0; u < train.nRows; u++) this.owner.fill(u, train.ptr[u], train.ptr[u + 1]);
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    this.cursor = n;
  }

  get interactions(): number {
    return this.order.length;
  }

  /** Start a new epoch: reshuffle (Fisher-Yates with the seeded generator). */
  shuffle(): void {
    const o = this.order;
    for (let i = o.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    this.cursor = 0;
  }

  /** The next batch of at most `size` positives; null at the end of the epoch. */
  next(size: number): Batch | null {
    if (this.cursor >= this.order.length) return null;
    const n = Math.min(size, this.order.length - this.cursor);
    const users = new Int32Array(n);
    const pos = new Int32Array(n);
    const neg = new Int32Array(n * this.negatives);
    const nItems = this.train.nCols;
    for (let b = 0; b < n; b++) {
      const e = this.order[this.cursor + b];
      const u = this.owner[e];
      users[b] = u;
      pos[b] = this.train.idx[e];
      for (let q = 0; q < this.negatives; q++) {
        let j: number;
        // Rejection sampling; a user who has every item would loop, so give up after a few tries.
        let tries = 0;
        do j = this.rng.int(nItems);
        while (this.has(u, j) && ++tries < 50);
        neg[b * this.negatives + q] = j;
      }
    }
    this.cursor += n;
    return { users, pos, neg };
  }

  /** Rows are sorted, so a binary search. */
  private has(u: number, item: number): boolean {
    const idx = this.train.idx;
    let lo = this.train.ptr[u];
    let hi = this.train.ptr[u + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = idx[mid];
      if (v === item) return true;
      if (v < item) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

/** Blocks of users for the full-softmax loss: each epoch is a shuffled pass over users with train items. */
export class UserBlockSampler {
  private readonly order: Int32Array;
  private cursor: number;

  constructor(
    train: Csr,
    private readonly rng: Rng,
  ) {
    const users: number[] = [];
    for (let u = 0; u < train.nRows; u++) if (train.ptr[u + 1] > train.ptr[u]) users.push(u);
    this.order = Int32Array.from(users);
    this.cursor = this.order.length;
  }

  get interactions(): number {
    return this.order.length;
  }

  shuffle(): void {
    const o = this.order;
    for (let i = o.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    this.cursor = 0;
  }

  next(size: number): Batch | null {
    if (this.cursor >= this.order.length) return null;
    const n = Math.min(size, this.order.length - this.cursor);
    const users = this.order.slice(this.cursor, this.cursor + n);
    this.cursor += n;
    return { users, pos: new Int32Array(0), neg: new Int32Array(0) };
  }
}
