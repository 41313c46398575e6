/** `out[k] = a[order[k]]`, same array type. */
export function permute<A extends Int32Array | Uint8Array | Float32Array | Float64Array>(
  a: A,
  order: Int32Array,
): A {
  const out = new (a.constructor as new (n: number) => A)(order.length);
  for (let k = 0; k < order.length; k++) out[k] = a[order[k]];
  return out;
}
