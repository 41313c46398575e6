import { createLogger } from '../core';
import { collectStartupGarbage } from './startupGc';

describe('collectStartupGarbage', () => {
  it('frees what nothing references any more, without --expose-gc, and leaves gc unexposed', () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    // ~80 MB of short-lived objects kept alive until just before the collection.
    let garbage: unknown[] | null = Array.from({ length: 400_000 }, (_, i) => ({
      i,
      s: `item-${i}`,
      a: [i, i],
    }));
    expect(garbage.length).toBe(400_000);
    garbage = null;
    const r = collectStartupGarbage(createLogger('silent', 'gc-test'));
    expect(r.afterMb).toBeLessThan(r.beforeMb - 20);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
