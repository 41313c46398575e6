// Columns whose length is unknown until a stream ends: a typed array that doubles when full, so an export of
// n rows costs O(n) copies in all and never holds a JS object per row.
type TypedArray = Int32Array | Uint8Array | Float32Array | Float64Array;

export class GrowableArray<A extends TypedArray> {
  private buf: A;
  private count = 0;

  constructor(
    private readonly make: (n: number) => A,
    capacity = 1024,
  ) {
    this.buf = make(Math.max(1, capacity));
  }

  get length(): number {
    return this.count;
  }

  push(v: number): void {
    if (this.count === this.buf.length) this.grow();
    this.buf[this.count++] = v;
  }

  get(i: number): number {
    return this.buf[i];
  }

  /** Forget the rows (a retried stream starts again); the capacity stays. */
  clear(): void {
    this.count = 0;
  }

  /** Keep the first `n` rows. */
  truncate(n: number): void {
    this.count = Math.min(this.count, n);
  }

  /** The filled part as an array of exactly `length` (a copy: the spare capacity is released with this). */
  toArray(): A {
    return this.buf.slice(0, this.count) as A;
  }

  private grow(): void {
    const next = this.make(this.buf.length * 2);
    (next as unknown as { set(a: ArrayLike<number>): void }).set(this.buf);
    this.buf = next;
  }
}

export const growInt32 = (capacity?: number) => new GrowableArray((n) => new Int32Array(n), capacity);
export const growUint8 = (capacity?: number) => new GrowableArray((n) => new Uint8Array(n), capacity);
export const growFloat32 = (capacity?: number) => new GrowableArray((n) => new Float32Array(n), capacity);
export const growFloat64 = (capacity?: number) => new GrowableArray((n) => new Float64Array(n), capacity);

/** Strings to dense indices in first-seen order (ids of one node label). */
export class Interner {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();

  /** The id's index, adding it when new. */
  add(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.index.set(id, i);
      this.ids.push(id);
    }
    return i;
  }

  /** The id's index, or -1. */
  find(id: string): number {
    return this.index.get(id) ?? -1;
  }

  get size(): number {
    return this.ids.length;
  }

  clear(): void {
    this.ids.length = 0;
    this.index.clear();
  }

  /** Keep the first `n` ids (undo what a failed attempt of a stream added). */
  truncate(n: number): void {
    for (let i = n; i < this.ids.length; i++) this.index.delete(this.ids[i]);
    this.ids.length = Math.min(this.ids.length, n);
  }
}
