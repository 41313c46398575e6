// The co-purchase edge list as read from Neo4j, in flat typed arrays (one slot per edge: src[i] < dst[i] index
// `ids`, weight[i] = shoppers who bought both), so that reading a large graph costs three numbers per edge
// before graphology is involved. Products are numbered in id order and edges sorted by (src, dst): the graph
// built from them, and so the communities found with a fixed seed, do not depend on the order Neo4j streamed
// the rows in.
export interface CoPurchaseEdges {
  ids: string[];
  src: Int32Array;
  dst: Int32Array;
  weight: Float64Array;
}

/** Collects (a, b, weight) rows of any order and any id strings into sorted `CoPurchaseEdges`. */
export class EdgeCollector {
  private index = new Map<string, number>();
  private names: string[] = [];
  private src = new Int32Array(1024);
  private dst = new Int32Array(1024);
  private weight = new Float64Array(1024);
  private n = 0;

  get size(): number {
    return this.n;
  }

  reset(): void {
    this.index = new Map();
    this.names = [];
    this.n = 0;
  }

  add(a: string, b: string, w: number): void {
    if (this.n === this.src.length) this.grow();
    this.src[this.n] = this.id(a);
    this.dst[this.n] = this.id(b);
    this.weight[this.n] = w;
    this.n++;
  }

  finish(): CoPurchaseEdges {
    const order = Array.from(this.names.keys()).sort((x, y) =>
      this.names[x] < this.names[y] ? -1 : this.names[x] > this.names[y] ? 1 : 0,
    );
    const rank = new Int32Array(order.length);
    order.forEach((old, i) => (rank[old] = i));
    const src = new Int32Array(this.n);
    const dst = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const a = rank[this.src[i]];
      const b = rank[this.dst[i]];
      src[i] = Math.min(a, b);
      dst[i] = Math.max(a, b);
    }
    const perm = Int32Array.from({ length: this.n }, (_, i) => i).sort(
      (x, y) => src[x] - src[y] || dst[x] - dst[y],
    );
    const edges: CoPurchaseEdges = {
      ids: order.map((old) => this.names[old]),
      src: new Int32Array(this.n),
      dst: new Int32Array(this.n),
      weight: new Float64Array(this.n),
    };
    perm.forEach((from, to) => {
      edges.src[to] = src[from];
      edges.dst[to] = dst[from];
      edges.weight[to] = this.weight[from];
    });
    return edges;
  }

  private id(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(name, i);
      this.names.push(name);
    }
    return i;
  }

  private grow(): void {
    const cap = this.src.length * 2;
    const src = new Int32Array(cap);
    const dst = new Int32Array(cap);
    const weight = new Float64Array(cap);
    src.set(this.src);
    dst.set(this.dst);
    weight.set(this.weight);
    this.src = src;
    this.dst = dst;
    this.weight = weight;
  }
}
