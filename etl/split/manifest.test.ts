import { buildSplitManifest, InteractionColumns } from './manifest';

const t = (s: string) => Date.parse(s);

/** A tiny shop: window 2025-01-01 .. 2025-12-31, test from 2025-12-04, validation from 2025-11-06. */
function shop(
  events: [user: number, product: number, iso: string][],
  launches: (string | null)[],
): InteractionColumns {
  return {
    n: events.length,
    ts: Float64Array.from(events.map((e) => t(e[2]))),
    user: Int32Array.from(events.map((e) => e[0])),
    product: Int32Array.from(events.map((e) => e[1])),
    userIds: ['u0', 'u1', 'u2', 'u3', 'u4'],
    productIds: launches.map((_, i) => `p${i}`),
    productLaunch: Float64Array.from(launches.map((l) => (l === null ? NaN : t(l)))),
    window: { start: t('2025-01-01T00:00:00.000Z'), end: t('2025-12-31T23:59:59.999Z') },
  };
}

describe('buildSplitManifest', () => {
  const data = shop(
    [
      [0, 0, '2025-03-01T10:00:00Z'], // u0 warm: train and test
      [0, 1, '2025-12-10T10:00:00Z'],
      [1, 0, '2025-11-10T10:00:00Z'], // u1 first seen in validation, again in test
      [1, 2, '2025-12-20T10:00:00Z'],
      [2, 2, '2025-12-24T10:00:00Z'], // u2 cold in test
      [3, 3, '2025-05-05T10:00:00Z'], // u3 train only; p3 has no launch date
    ],
    ['2024-06-01T00:00:00Z', '2025-02-01T00:00:00Z', '2025-12-15T00:00:00Z', null],
  );
  const m = buildSplitManifest(data);

  it('states the boundaries', () => {
    expect(m.boundaries).toEqual({
      start: '2025-01-01T00:00:00.000Z',
      validationStart: '2025-11-06T00:00:00.000Z',
      testStart: '2025-12-04T00:00:00.000Z',
      end: '2025-12-31T23:59:59.999Z',
    });
  });

  it('counts events, users and products per part', () => {
    expect(m.counts).toEqual({
      train: { events: 2, users: 2, products: 2 },
      validation: { events: 1, users: 1, products: 1 },
      test: { events: 3, users: 3, products: 2 },
    });
  });

  it('finds the cold-start segments', () => {
    expect(m.segments).toEqual({
      coldTestUsers: ['u2'],
      coldValidationUsers: ['u1'],
      coldTestProducts: ['p2'],
      coldValidationProducts: [],
      warmTestUsers: 1,
    });
  });

  it('passes its leakage checks on clean data and has a stable id', () => {
    expect(m.leakage.every((c) => c.passed)).toBe(true);
    expect(buildSplitManifest(data).id).toBe(m.id);
    expect(m.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('fails the checks on an event before its product launched and outside the window', () => {
    const bad = shop(
      [
        [0, 2, '2025-03-01T10:00:00Z'], // p2 launches in December: a training event before launch
        [1, 0, '2026-01-02T00:00:00Z'], // after the window
        [1, 0, '2025-02-02T00:00:00Z'],
      ],
      ['2024-06-01T00:00:00Z', '2025-02-01T00:00:00Z', '2025-12-15T00:00:00Z', null],
    );
    const failed = Object.fromEntries(buildSplitManifest(bad).leakage.map((c) => [c.name, c]));
    expect(failed['no event before its product launched']).toMatchObject({
      passed: false,
      detail: "1 events precede their product's launch",
    });
    expect(failed['every event inside the window'].passed).toBe(false);
    expect(failed['cold products have no training events']).toMatchObject({
      passed: false,
      detail: '1 products launched after training have training events',
    });
  });
});
