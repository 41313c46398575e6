// A small planted-taste interaction set for the collaborative-filtering tests: users and items each belong to
// one of `groups` tastes; a user interacts mostly with items of its own taste, so any model that learns the
// co-occurrence structure must beat popularity on the held-out items.
import { csrFromTriples, sortRows, type Csr } from '../data/csr';
import { createRng } from '../../core';
import type { Dataset } from '../data/dataset';

export function plantedTastes(nUsers = 300, nItems = 120, groups = 4, perUser = 12, seed = 7): Dataset {
  const rng = createRng(seed);
  const rows: Array<[number, number, 'train' | 'valid' | 'test']> = [];
  const size = nItems / groups;
  for (let u = 0; u < nUsers; u++) {
    const g = u % groups;
    const seen = new Set<number>();
    while (seen.size < perUser) {
      const own = rng.next() < 0.9;
      // Within a taste, a popularity skew: low item numbers are chosen more often.
      const pick = Math.floor(Math.pow(rng.next(), 1.5) * size);
      const i = own ? g * size + pick : rng.int(nItems);
      if (seen.has(i)) continue;
      seen.add(i);
      const r = seen.size;
      rows.push([u, i, r <= perUser - 4 ? 'train' : r <= perUser - 2 ? 'valid' : 'test']);
    }
  }
  const csr = (part: string): Csr => {
    const sel = rows.filter((r) => r[2] === part);
    return sortRows(
      csrFromTriples(
        nUsers,
        nItems,
        Int32Array.from(sel, (r) => r[0]),
        Int32Array.from(sel, (r) => r[1]),
      ),
    );
  };
  return {
    name: 'planted',
    nUsers,
    nItems,
    userIds: Int32Array.from({ length: nUsers }, (_, i) => i),
    itemIds: Int32Array.from({ length: nItems }, (_, i) => i),
    train: csr('train'),
    valid: csr('valid'),
    test: csr('test'),
    dataHash: 'planted',
    files: [],
  };
}
