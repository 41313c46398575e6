// Ids seen by a load, with a few numeric columns each (a session's user, start and end...), in bounded memory.
// Layout: ids of the form <prefix><n> with n < DENSE_LIMIT (every synthetic id: u12, p7, s3, e42, and the
// numeric ids of RetailRocket and Gowalla) map through a per-prefix Int32Array slot table (n -> ordinal + 1),
// so no string is kept; other ids go to a Map. Columns are Float64Arrays indexed by ordinal (NaN = unset).
// The split is parsed by hand (no RegExp match, no substring per lookup): it runs for every id of every row.
const DENSE_LIMIT = 400_000_000;
const MAX_PREFIX = 16;
const MAX_DIGITS = 9;

/** A prefix character: [A-Za-z_:-]. */
function prefixChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58 || c === 45;
}

/**
 * The length of the prefix of a dense id (<prefix><n>: up to 16 of [A-Za-z_:-], then 0 or a number without
 * leading zeros of up to 9 digits, n < DENSE_LIMIT), or -1 when the id is not dense.
 */
export function densePrefixLength(id: string): number {
  let i = id.length;
  while (i > 0) {
    const c = id.charCodeAt(i - 1);
    if (c < 48 || c > 57) break;
    i--;
  }
  const digits = id.length - i;
  if (digits === 0 || digits > MAX_DIGITS || i > MAX_PREFIX) return -1;
  if (digits > 1 && id.charCodeAt(i) === 48) return -1;
  for (let k = 0; k < i; k++) if (!prefixChar(id.charCodeAt(k))) return -1;
  return i;
}

function denseNumber(id: string, from: number): number {
  let n = 0;
  for (let k = from; k < id.length; k++) n = n * 10 + (id.charCodeAt(k) - 48);
  return n;
}

export class IdTable {
  private readonly dense = new Map<string, Int32Array>();
  private readonly sparse = new Map<string, number>();
  private readonly cols: Float64Array[];
  size = 0;

  constructor(readonly columns = 0) {
    this.cols = Array.from({ length: columns }, () => new Float64Array(1024).fill(NaN));
  }

  // The slot table of the last prefix looked up: ids of one file share their prefix, so the Map is rarely hit.
  private lastPrefix = '';
  private lastSlots: Int32Array | undefined;

  private slotsOf(id: string, len: number): Int32Array | undefined {
    if (len !== this.lastPrefix.length || !id.startsWith(this.lastPrefix)) {
      this.lastPrefix = id.slice(0, len);
      this.lastSlots = this.dense.get(this.lastPrefix);
    }
    return this.lastSlots;
  }

  /** The id's ordinal, or -1. */
  ordinal(id: string): number {
    const len = densePrefixLength(id);
    if (len >= 0) {
      const n = denseNumber(id, len);
      if (n < DENSE_LIMIT) {
        const slots = this.slotsOf(id, len);
        return slots && n < slots.length ? slots[n] - 1 : -1;
      }
    }
    return this.sparse.get(id) ?? -1;
  }

  has(id: string): boolean {
    return this.ordinal(id) >= 0;
  }

  /** Add an id; returns its new ordinal, or -1 when it was already there. */
  add(id: string): number {
    // One parse of the id for both the lookup and the insert: this runs for every row of a load.
    const len = densePrefixLength(id);
    const n = len >= 0 ? denseNumber(id, len) : DENSE_LIMIT;
    let ord: number;
    if (n < DENSE_LIMIT) {
      let slots = this.slotsOf(id, len);
      if (slots && n < slots.length && slots[n] > 0) return -1;
      ord = this.size++;
      if (!slots || n >= slots.length) {
        const grown = new Int32Array(Math.max(1024, n + 1, (slots?.length ?? 0) * 2));
        if (slots) grown.set(slots);
        slots = grown;
        this.dense.set(this.lastPrefix, slots);
        this.lastSlots = slots;
      }
      slots[n] = ord + 1;
    } else {
      if (this.sparse.has(id)) return -1;
      ord = this.size++;
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
