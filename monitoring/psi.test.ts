import { binOf, edgeLabels, histogram, psi, psiLevel, quantileEdges } from './psi';

describe('psi', () => {
  it('is 0 for identical distributions, whatever the totals', () => {
    expect(psi([10, 20, 30], [1, 2, 3]).psi).toBeCloseTo(0, 12);
  });

  it('matches a hand computation', () => {
    // e = (0.5, 0.5), a = (0.8, 0.2): (0.3 ln 1.6) + (-0.3 ln 0.4) = 0.141002 + 0.274887 = 0.415888
    const r = psi([50, 50], [80, 20], ['a', 'b']);
    expect(r.psi).toBeCloseTo(0.3 * Math.log(1.6) + 0.3 * Math.log(2.5), 10);
    expect(r.psi).toBeCloseTo(0.415888, 5);
    expect(r.bins.map((b) => b.label)).toEqual(['a', 'b']);
    expect(psiLevel(r.psi)).toBe('significant');
  });

  it('stays finite when a bin is empty on one side', () => {
    const r = psi([100, 0], [50, 50]);
    expect(Number.isFinite(r.psi)).toBe(true);
    expect(r.psi).toBeGreaterThan(1);
  });

  it('refuses bins that do not line up', () => {
    expect(() => psi([1, 2], [1])).toThrow('2 expected bins but 1 actual bins');
  });

  it('bins numeric values at reference quantiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    const edges = quantileEdges(values, 4);
    expect(edges).toEqual([25, 50, 75]);
    expect(binOf(24.9, edges)).toBe(0);
    expect(binOf(25, edges)).toBe(1);
    expect(binOf(1000, edges)).toBe(3);
    expect(histogram(values, edges)).toEqual([25, 25, 25, 25]);
    expect(edgeLabels(edges)).toEqual(['< 25', '25 - 50', '50 - 75', '>= 75']);
    expect(psiLevel(0.05)).toBe('stable');
    expect(psiLevel(0.2)).toBe('moderate');
  });
});
