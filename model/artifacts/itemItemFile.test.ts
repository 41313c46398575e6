import { decodeItemItem, encodeItemItem } from './itemItemFile';

const s = {
  nRows: 3,
  nCols: 3,
  ptr: Int32Array.from([0, 2, 2, 3]),
  idx: Int32Array.from([1, 2, 0]),
  val: Float32Array.from([0.5, 0.25, 1]),
};

describe('item-item.bin', () => {
  it('round-trips', () => {
    const back = decodeItemItem(encodeItemItem(s));
    expect(Array.from(back.ptr)).toEqual([0, 2, 2, 3]);
    expect(Array.from(back.idx)).toEqual([1, 2, 0]);
    expect(Array.from(back.val)).toEqual([0.5, 0.25, 1]);
  });

  it('refuses a wrong magic, a truncated file and an out-of-range neighbour', () => {
    const buf = encodeItemItem(s);
    const bad = Buffer.from(buf);
    bad.write('XXXX', 0, 'latin1');
    expect(() => decodeItemItem(bad)).toThrow('item-item.bin is not an item-item file (bad magic)');
    expect(() => decodeItemItem(buf.subarray(0, buf.length - 4))).toThrow(
      'item-item.bin has 52 bytes, but its header says 3 items and 3 entries',
    );
    const far = Buffer.from(buf);
    far.writeInt32LE(7, 16 + 4 * 4);
    expect(() => decodeItemItem(far)).toThrow('item-item.bin: entry 0 is out of range or not finite');
  });
});
