import { generateFlags, parseScale } from './options';

describe('parseScale', () => {
  it('reads a factor of the default shop, with or without its x', () => {
    expect(parseScale('0.05x')).toEqual({
      label: '0.05x',
      factor: 0.05,
      size: { users: 10_000, products: 2_500, events: 100_000 },
    });
    expect(parseScale('10').label).toBe('10x');
    expect(generateFlags(parseScale('10x'))).toEqual([
      '--users',
      '2000000',
      '--products',
      '500000',
      '--interactions',
      '20000000',
    ]);
  });

  it.each([
    [undefined, 'nothing'],
    ['0x', '"0x"'],
    ['ten', '"ten"'],
    ['2000x', '"2000x"'],
  ])('refuses %s, quoting it', (raw, shown) => {
    expect(() => parseScale(raw)).toThrow(
      `--scale must be a factor of the default shop in (0, 1000] such as 0.2x or 10x, but got: ${shown}`,
    );
  });
});
