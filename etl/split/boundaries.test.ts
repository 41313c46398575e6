import { computeBoundaries, partOf, Part } from './boundaries';
import { GraphrecError } from '../../core';

const t = (s: string) => Date.parse(s);

describe('computeBoundaries', () => {
  it('puts the last 4 whole weeks in test and the 4 before in validation, on UTC midnights', () => {
    const b = computeBoundaries(t('2025-11-01T00:00:00.000Z'), t('2026-10-31T23:59:59.999Z'));
    expect(new Date(b.testStart).toISOString()).toBe('2026-10-04T00:00:00.000Z');
    expect(new Date(b.validationStart).toISOString()).toBe('2026-09-06T00:00:00.000Z');
  });

  it('counts a partial last day as a whole test day', () => {
    const b = computeBoundaries(t('2025-01-01T00:00:00Z'), t('2025-12-31T08:00:00Z'), {
      testDays: 7,
      validationDays: 7,
    });
    expect(new Date(b.testStart).toISOString()).toBe('2025-12-25T00:00:00.000Z');
    expect(new Date(b.validationStart).toISOString()).toBe('2025-12-18T00:00:00.000Z');
  });

  it('assigns each instant to exactly one part, boundaries belonging to the later part', () => {
    const b = computeBoundaries(t('2025-01-01T00:00:00Z'), t('2025-12-31T23:59:59.999Z'));
    expect(partOf(b.validationStart - 1, b)).toBe(Part.Train);
    expect(partOf(b.validationStart, b)).toBe(Part.Validation);
    expect(partOf(b.testStart - 1, b)).toBe(Part.Validation);
    expect(partOf(b.testStart, b)).toBe(Part.Test);
  });

  it.each([
    [{ testDays: 0, validationDays: 28 }, 'testDays must be an integer in [1, 366], but got: 0'],
    [{ testDays: 28, validationDays: 1.5 }, 'validationDays must be an integer in [1, 366], but got: 1.5'],
  ])('rejects policy %j', (policy, message) => {
    expect(() => computeBoundaries(0, 400 * 86_400_000, policy)).toThrow(message);
  });

  it('refuses a window too short to leave training data', () => {
    let err: unknown;
    try {
      computeBoundaries(t('2026-09-20T00:00:00Z'), t('2026-10-31T12:00:00Z'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GraphrecError);
    expect((err as GraphrecError).message).toBe(
      'the data spans 2026-09-20T00:00:00.000Z .. 2026-10-31T12:00:00.000Z, too short for 28 validation and 28 test days with any training data left',
    );
  });
});
