// A bounded min-heap of (row, score): the k best rows seen so far, in O(log k) per accepted row, so a scan
// over n items costs O(n log k) and never sorts all n scores.

export interface Neighbour {
  row: number;
  score: number;
}

export class TopHeap {
  private readonly rows: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;
  constructor(private readonly k: number) {
    this.rows = new Int32Array(k);
    this.scores = new Float64Array(k);
  }
  /** Would a score of s enter the heap? */
  beats(s: number): boolean {
    return this.size < this.k || s > this.scores[0];
  }
  push(row: number, s: number): void {
    const { rows, scores } = this;
    if (this.size < this.k) {
      let i = this.size++;
      rows[i] = row;
      scores[i] = s;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (scores[parent] <= scores[i]) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    rows[0] = row;
    scores[0] = s;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && scores[l] < scores[m]) m = l;
      if (r < this.size && scores[r] < scores[m]) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
  sorted(): Neighbour[] {
    const out: Neighbour[] = [];
    for (let i = 0; i < this.size; i++) out.push({ row: this.rows[i], score: this.scores[i] });
    return out.sort((a, b) => b.score - a.score);
  }
  private swap(i: number, j: number): void {
    const r = this.rows[i];
    this.rows[i] = this.rows[j];
    this.rows[j] = r;
    const s = this.scores[i];
    this.scores[i] = this.scores[j];
    this.scores[j] = s;
  }
}
