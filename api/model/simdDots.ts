// Dot products of a query with consecutive rows of a table, in WebAssembly SIMD (4 float32 lanes per
// instruction; V8 has no auto-vectorisation of JavaScript loops). The IVF index keeps its vectors in this
// kernel's memory and scores a list in blocks. The module is a dozen instructions, so it is assembled here from
// its opcodes (no toolchain at build or run time):
//
//   (func (export "dots") (param $v i32) (param $q i32) (param $dims i32) (param $n i32) (param $out i32)
//     for i in 0..n: acc = 0; for d in 0..dims step 4: acc += v128.load($v) * v128.load($q + 4d); $v += 16
//                    f32.store($out + 4i, acc[0] + acc[1] + acc[2] + acc[3]))
//
// Sums are float32 (the JavaScript loop sums in float64): scores differ in the 7th digit.

const I32 = 0x7f;
const V128 = 0x7b;
const SIMD = 0xfd;
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const str = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'latin1')];

const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const i32c = (n: number) => [0x41, ...uleb(n)];
const ADD = 0x6a;
const LT_U = 0x49;
const memarg = [0x02, 0x00]; // align 4 bytes, offset 0

// local += n
const addTo = (i: number, n: number) => [...get(i), ...i32c(n), ADD, ...set(i)];
// (local += step) < limit, the loop condition
const stepBelow = (i: number, step: number, limit: number) => [
  ...get(i),
  ...i32c(step),
  ADD,
  ...tee(i),
  ...get(limit),
  LT_U,
];
const v128Load = [SIMD, 0x00, ...memarg];
const laneOf = (acc: number, lane: number) => [...get(acc), SIMD, 0x1f, lane]; // f32x4.extract_lane
const F32_ADD = 0x92;
const BR_IF_0 = [0x0d, 0x00];

// Params: 0 v, 1 q, 2 dims, 3 n, 4 out. Locals: 5 i, 6 d, 7 qp (i32), 8 acc (v128).
const body = [
  ...[0x02, 0x40], // block
  ...get(3),
  0x45, // i32.eqz
  ...BR_IF_0, // n = 0: done
  ...[0x03, 0x40], // loop (rows)
  ...[0x43, 0, 0, 0, 0], // f32.const 0
  ...[SIMD, 0x13], // f32x4.splat
  ...set(8),
  ...get(1),
  ...set(7),
  ...i32c(0),
  ...set(6),
  ...[0x03, 0x40], // loop (dims)
  ...get(8),
  ...get(0),
  ...v128Load,
  ...get(7),
  ...v128Load,
  ...[SIMD, 0xe6, 0x01], // f32x4.mul
  ...[SIMD, 0xe4, 0x01], // f32x4.add
  ...set(8),
  ...addTo(0, 16),
  ...addTo(7, 16),
  ...stepBelow(6, 4, 2),
  ...BR_IF_0, // next 4 dims
  0x0b, // end loop (dims)
  ...get(4),
  ...laneOf(8, 0),
  ...laneOf(8, 1),
  F32_ADD,
  ...laneOf(8, 2),
  F32_ADD,
  ...laneOf(8, 3),
  F32_ADD,
  ...[0x38, ...memarg], // f32.store
  ...addTo(4, 4),
  ...stepBelow(5, 1, 3),
  ...BR_IF_0, // next row
  0x0b, // end loop (rows)
  0x0b, // end block
  0x0b, // end function
];
const locals = [0x02, 0x03, I32, 0x01, V128];
const code = [...locals, ...body];

const MODULE_BYTES = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [0x01, 0x60, 0x05, I32, I32, I32, I32, I32, 0x00]),
  ...section(2, [0x01, ...str('env'), ...str('memory'), 0x02, 0x00, 0x01]),
  ...section(3, [0x01, 0x00]),
  ...section(7, [0x01, ...str('dots'), 0x00, 0x00]),
  ...section(10, [0x01, ...uleb(code.length), ...code]),
]);

// The few WebAssembly JS API members used here (the project's lib settings, ES2022 without DOM, do not type it).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
function module(): object | null {
  if (compiled === undefined) {
    try {
      if (!wasm) throw new Error('no WebAssembly');
      compiled = new wasm.Module(MODULE_BYTES);
    } catch {
      compiled = null; // no SIMD in this runtime: callers keep the JavaScript loop
    }
  }
  return compiled;
}

/** Rows scored per call (the size of the score buffer). */
export const DOTS_BLOCK = 256;

export interface DotKernel {
  /** The table, rows x dims, inside the kernel's memory: fill it in place. */
  readonly vectors: Float32Array;
  /** Copy the query in (its first dims entries); `dots` scores against it. */
  setQuery(q: Float32Array): void;
  /** Scores of rows [from, from + count) against the query (count <= DOTS_BLOCK), valid until the next call. */
  dots(from: number, count: number): Float32Array;
}

/** A kernel for a rows x dims table, or undefined where WebAssembly SIMD is missing or dims is not a multiple of 4. */
export function createDotKernel(rows: number, dims: number): DotKernel | undefined {
  const mod = dims > 0 && dims % 4 === 0 ? module() : null;
  if (!mod) return undefined;
  const tableBytes = rows * dims * 4;
  const qAt = tableBytes;
  const outAt = qAt + dims * 4;
  const bytes = outAt + DOTS_BLOCK * 4;
  const api = wasm as WasmApi;
  const memory = new api.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const instance = new api.Instance(mod, { env: { memory } });
  const run = instance.exports.dots as (v: number, q: number, dims: number, n: number, out: number) => void;
  const vectors = new Float32Array(memory.buffer, 0, rows * dims);
  const query = new Float32Array(memory.buffer, qAt, dims);
  const out = new Float32Array(memory.buffer, outAt, DOTS_BLOCK);
  return {
    vectors,
    setQuery: (q) => query.set(q.subarray(0, dims)),
    dots(from, count) {
      run(from * dims * 4, qAt, dims, count, outAt);
      return out;
    },
  };
}
