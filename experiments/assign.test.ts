import crypto from 'node:crypto';
import { assign, bucketOf, unitOf, variantForBucket } from './assign';
import { parseDefinition } from './types';

const exp = parseDefinition(
  {
    id: 'exp-split',
    variants: [
      { name: 'control', weight: 0.5 },
      { name: 'b', weight: 0.3 },
      { name: 'c', weight: 0.2 },
    ],
  },
  'admin',
);

describe('assignment', () => {
  it('splits 100k users within 1 % of the weights', () => {
    const counts: Record<string, number> = { control: 0, b: 0, c: 0 };
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[assign(exp, { userId: `user-${i}`, sessionId: null }).variant.name]++;
    expect(Math.abs(counts.control / n - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(counts.b / n - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(counts.c / n - 0.2)).toBeLessThan(0.01);
  });

  it('is stable: the same unit gets the same variant, whatever the session', () => {
    for (let i = 0; i < 200; i++) {
      const a = assign(exp, { userId: `u${i}`, sessionId: 's1' }).variant.name;
      const b = assign(exp, { userId: `u${i}`, sessionId: `other-${i}` }).variant.name;
      expect(b).toBe(a);
    }
  });

  it('pins known buckets, so a change of hash (which would reshuffle running experiments) fails here', () => {
    expect(bucketOf('exp-split', 'u:u1')).toBeCloseTo(
      parseInt(crypto.createHash('sha1').update('exp-split:u:u1').digest('hex').slice(0, 8), 16) / 2 ** 32,
      12,
    );
    expect(bucketOf('a', 'u:1')).not.toBe(bucketOf('b', 'u:1'));
  });

  it('hashes experiments independently: the split of one says nothing about another', () => {
    const other = { ...exp, id: 'exp-other' };
    let same = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const req = { userId: `user-${i}`, sessionId: null };
      if (assign(exp, req).variant.name === 'control' && assign(other, req).variant.name === 'control')
        same++;
    }
    // Independent 50/50 splits put a quarter of the users in both controls.
    expect(Math.abs(same / n - 0.25)).toBeLessThan(0.015);
  });

  it('uses the cumulative weights', () => {
    expect(variantForBucket(exp.variants, 0).name).toBe('control');
    expect(variantForBucket(exp.variants, 0.4999).name).toBe('control');
    expect(variantForBucket(exp.variants, 0.5).name).toBe('b');
    expect(variantForBucket(exp.variants, 0.7999).name).toBe('b');
    expect(variantForBucket(exp.variants, 0.8).name).toBe('c');
    expect(variantForBucket(exp.variants, 0.9999999).name).toBe('c');
  });

  it('picks the unit by the experiment, with the other id as fallback, and none for anonymous requests', () => {
    const session = { ...exp, unit: 'session' as const };
    expect(unitOf(exp, { userId: 'x', sessionId: 's' })).toBe('u:x');
    expect(unitOf(exp, { userId: null, sessionId: 's' })).toBe('s:s');
    expect(unitOf(session, { userId: 'x', sessionId: 's' })).toBe('s:s');
    expect(unitOf(session, { userId: 'x', sessionId: null })).toBe('u:x');
    expect(assign(exp, { userId: null, sessionId: null })).toEqual({
      variant: exp.variants[0],
      unitId: null,
    });
  });
});

describe('parseDefinition (abuse)', () => {
  const base = {
    id: 'e1',
    variants: [
      { name: 'control', weight: 0.5 },
      { name: 'b', weight: 0.5 },
    ],
  };
  it.each([
    [
      { ...base, id: 'bad id' },
      '`experiment.id` must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit, but got: "bad id"',
    ],
    [{ ...base, variants: [{ name: 'control', weight: 1 }] }, '`experiment.variants` must be '],
    [
      {
        ...base,
        variants: [
          { name: 'control', weight: 0.5 },
          { name: 'b', weight: 0.6 },
        ],
      },
      'the variant weights must sum to 1, but got: 1.1',
    ],
    [
      {
        ...base,
        variants: [
          { name: 'a', weight: 0.5 },
          { name: 'a', weight: 0.5 },
        ],
      },
      'variant names must be unique, but "a" appears twice',
    ],
    [{ ...base, unit: 'device' }, '`experiment.unit` must be '],
    [
      {
        ...base,
        variants: [
          { name: 'control', weight: 0 },
          { name: 'b', weight: 1 },
        ],
      },
      '`experiment.variants.0.weight` must be ',
    ],
    [{ ...base, extra: 1 }, 'must be '],
  ])('refuses %j', (input, message) => {
    expect(() => parseDefinition(input, 'admin')).toThrow(message);
  });

  it('fills the defaults', () => {
    const e = parseDefinition(base, 'config', new Date('2026-01-01T00:00:00Z'));
    expect(e).toMatchObject({
      unit: 'user',
      status: 'running',
      startedAt: '2026-01-01T00:00:00.000Z',
      guardrails: { maxP95LatencyMs: null, maxP95LatencyIncrease: 0.25, minCoverageRatio: 0.8 },
      source: 'config',
    });
    expect(e.variants[0]).toEqual({ name: 'control', weight: 0.5, modelVersion: null, ranker: null });
  });
});
