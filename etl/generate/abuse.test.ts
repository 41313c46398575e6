// Wrong flags on purpose: each must fail with a VALIDATION error naming the flag and quoting the value.
import { GraphrecError } from '../../core';
import { parseGenerateOptions } from './options';

function failure(flags: Record<string, unknown>): GraphrecError {
  try {
    parseGenerateOptions(flags);
  } catch (e) {
    if (e instanceof GraphrecError) return e;
    throw e;
  }
  throw new Error('expected a validation error');
}

describe('graphrec generate flags (abuse)', () => {
  const out = '/tmp/x';

  it.each([
    [{ out, users: '-5' }, '--users', '--users must be an integer in [1, 100000000], but got: -5'],
    [{ out, users: '0' }, '--users', '--users must be an integer in [1, 100000000], but got: 0'],
    [{ out, users: '1.5' }, '--users', '--users must be an integer in [1, 100000000], but got: 1.5'],
    [{ out, users: 'many' }, '--users', '--users must be an integer in [1, 100000000], but got: many'],
    [{ out, users: '' }, '--users', '--users must be an integer in [1, 100000000], but got: ""'],
    [
      { out, products: '100000001' },
      '--products',
      '--products must be an integer in [1, 100000000], but got: 100000001',
    ],
    [
      { out, interactions: '2e6' },
      '--interactions',
      '--interactions must be an integer in [1, 1000000000], but got: 2e6',
    ],
    [{ out, months: '0' }, '--months', '--months must be an integer in [1, 120], but got: 0'],
    [{ out, months: '121' }, '--months', '--months must be an integer in [1, 120], but got: 121'],
    [{ out, seed: '-1' }, '--seed', '--seed must be an integer in [0, 4294967295], but got: -1'],
    [
      { out, seed: '4294967296' },
      '--seed',
      '--seed must be an integer in [0, 4294967295], but got: 4294967296',
    ],
    [{ out, end: '2026-02-30' }, '--end', '--end must be a date YYYY-MM-DD after 1970, but got: 2026-02-30'],
    [{ out, end: '31/10/2026' }, '--end', '--end must be a date YYYY-MM-DD after 1970, but got: 31/10/2026'],
    [{}, '--out', '--out is required: the directory to write the shop into'],
    [{ out: ' ' }, '--out', '--out must be a directory path, but got: " "'],
  ])('%j fails on %s', (flags, field, message) => {
    const e = failure(flags);
    expect(e.kind).toBe('VALIDATION');
    expect(e.where.field).toBe(field);
    expect(e.message).toBe(message);
  });

  it('fills in the defaults and accepts numbers from programmatic callers', () => {
    expect(parseGenerateOptions({ out, users: 10 })).toEqual({
      out,
      users: 10,
      products: 50_000,
      interactions: 2_000_000,
      months: 12,
      seed: 42,
      end: '2026-10-31',
    });
  });
});
