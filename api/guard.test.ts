import { validationError } from '../core';
import { createBreaker } from './guard';

describe('createBreaker', () => {
  const down = () => Promise.reject(new Error('connect ECONNREFUSED'));
  let t = 0;
  const breaker = () => createBreaker('Neo4j', 2000, () => t, 3);

  beforeEach(() => {
    t = 0;
  });

  it('stays closed through fewer failures in a row than the threshold, and a success resets the count', async () => {
    const b = breaker();
    for (let round = 0; round < 3; round++) {
      await expect(b.run(down)).rejects.toThrow('ECONNREFUSED');
      await expect(b.run(down)).rejects.toThrow('ECONNREFUSED');
      expect(b.isOpen()).toBe(false);
      await expect(b.run(() => Promise.resolve(1))).resolves.toBe(1);
    }
    expect(b.failures()).toBe(6);
  });

  it('opens at the threshold, fails fast without calling the work, and probes again after the window', async () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) await expect(b.run(down)).rejects.toThrow('ECONNREFUSED');
    expect(b.isOpen()).toBe(true);
    const work = jest.fn(() => Promise.resolve(1));
    await expect(b.run(work)).rejects.toThrow('Neo4j is unavailable (circuit open)');
    expect(work).not.toHaveBeenCalled();
    t = 2001;
    // A failed probe re-opens at once; a good one closes it.
    await expect(b.run(down)).rejects.toThrow('ECONNREFUSED');
    expect(b.isOpen()).toBe(true);
    t = 4002;
    await expect(b.run(work)).resolves.toBe(1);
    expect(b.isOpen()).toBe(false);
  });

  it('does not count a bad query (a typed non-service error) as a service failure', async () => {
    const b = breaker();
    const bad = () => Promise.reject(validationError('bad id', { field: 'id' }));
    for (let i = 0; i < 5; i++) await expect(b.run(bad)).rejects.toThrow('bad id');
    expect(b.isOpen()).toBe(false);
    expect(b.failures()).toBe(0);
  });
});
