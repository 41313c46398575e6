// Ids seen by a load, with a few numeric columns each (a session's user, start and end...), in bounded memory.
// Layout: ids of the form <prefix><n> with n < DENSE_LIMIT (every synthetic id: u12, p7, s3, e42, and the
// numeric ids of RetailRocket and Gowalla) map through a per-prefix Int32Array slot table (n -> ordinal + 1),
// so no string is kept; other ids go to a Map. Columns are Float64Arrays indexed by ordinal (NaN = unset).
const DENSE = /^([A-Za-z_:-]{0,16}?)(0|[1-9]\d{0,8})$/;
const DENSE_LIMIT = 400_000_000;

export class IdTable {
  private readonly dense = new Map<string, Int32Array>();
  private readonly sparse = new Map<string, number>();
  private readonly cols: Float64Array[];
  size = 0;

  constructor(readonly columns = 0) {
    this.cols = Array.from({ length: columns }, () => new Float64Array(1024).fill(NaN));
  }

  /** The id's ordinal, or -1. */
  ordinal(id: string): number {
    const m = DENSE.exec(id);
    if (m) {
      const n = Number(m[2]);
      const slots = this.dense.get(m[1]);
      if (n < DENSE_LIMIT) return slots && n < slots.length ? slots[n] - 1 : -1;
    }
    return this.sparse.get(id) ?? -1;
  }

  has(id: string): boolean {
    return this.ordinal(id) >= 0;
  }

  /** Add an id; returns its new ordinal, or -1 when it was already there. */
  add(id: string): number {
    if (this.ordinal(id) >= 0) return -1;
    const ord = this.size++;
    const m = DENSE.exec(id);
    const n = m ? Number(m[2]) : DENSE_LIMIT;
    if (m && n < DENSE_LIMIT) {
      let slots = this.dense.get(m[1]);
      if (!slots || n >= slots.length) {
        const grown = new Int32Array(Math.max(1024, n + 1, (slots?.length ?? 0) * 2));
        if (slots) grown.set(slots);
        slots = grown;
        this.dense.set(m[1], slots);
      }
      slots[n] = ord + 1;
    } else {
      this.sparse.set(id, ord);
    }
    for (let c = 0; c < this.columns; c++) {
      if (ord >= this.cols[c].length) {
        const grown = new Float64Array(this.cols[c].length * 2).fill(NaN);
        grown.set(this.cols[c]);
        this.cols[c] = grown;
      }
    }
    return ord;
  }

  set(ord: number, col: number, value: number): void {
    this.cols[col][ord] = value;
  }

  get(ord: number, col: number): number {
    return this.cols[col][ord];
  }
}
