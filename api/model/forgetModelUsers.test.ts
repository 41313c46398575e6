// A loaded model forgets erased users: their ids leave userRow and their embedding rows are zeroed; the others
// keep theirs, whatever the slice size.
import { forgetModelUsers, type LoadedModel } from './activeModel';

function model(): LoadedModel {
  const ids = ['u0', 'u1', 'u2', 'u3', 'u4'];
  return {
    dims: 2,
    users: Float32Array.from({ length: 10 }, (_, i) => i + 1),
    userRow: new Map(ids.map((id, i) => [id, i])),
  } as unknown as LoadedModel;
}

describe('forgetModelUsers', () => {
  it.each([1, 2, 100])(
    'removes the forgotten rows and zeroes their embeddings (slices of %i)',
    async (slice) => {
      const m = model();
      const n = await forgetModelUsers(m, (id) => id === 'u1' || id === 'u4', slice);
      expect(n).toBe(2);
      expect([...m.userRow.keys()]).toEqual(['u0', 'u2', 'u3']);
      expect(Array.from(m.users)).toEqual([1, 2, 0, 0, 5, 6, 7, 8, 0, 0]);
    },
  );

  it('leaves a model with nobody forgotten as it was', async () => {
    const m = model();
    expect(await forgetModelUsers(m, () => false)).toBe(0);
    expect(m.userRow.size).toBe(5);
    expect(Array.from(m.users)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
