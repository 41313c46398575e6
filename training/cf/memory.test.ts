import { maxNeighbours, maxSvdRank } from './memory';

describe('memory caps of the families', () => {
  it('sizes neighbourhoods and SVD ranks from the bytes allowed', () => {
    // 500k items in 4 GB: 1,000 neighbours of 8 bytes each.
    expect(maxNeighbours(500_000, 4e9)).toBe(1000);
    // 2M users + 500k items in 4 GB: 16 bytes per row per rank, less the oversampling.
    expect(maxSvdRank(2_000_000, 500_000, 4e9)).toBe(100 - 32);
  });
});
