import { buildCatalog } from './catalog';
import { buildPopulation, K_TOPS } from './population';
import { dayWeights, makeWindow } from './seasonality';

describe('buildPopulation', () => {
  const window = makeWindow(12, '2026-10-31');
  const catalog = buildCatalog(5000, 42, window);
  const pop = buildPopulation(20_000, 42, window, dayWeights(window), catalog);

  it('numbers users in signup order, u0 before the window, about a quarter signing up during it', () => {
    for (let u = 1; u < pop.nUsers; u++) expect(pop.signup[u]).toBeGreaterThanOrEqual(pop.signup[u - 1]);
    expect(pop.signup[0]).toBeLessThan(window.startMs);
    const inWindow = pop.signup.filter((t) => t >= window.startMs).length / pop.nUsers;
    expect(inWindow).toBeGreaterThan(0.22);
    expect(inWindow).toBeLessThan(0.34);
  });

  it('plants the demographics -> taste link: the favourite top category differs by age band and gender', () => {
    // Share of users whose first top is the most common first top of their (age band, gender) group, against
    // the share that the most common first top overall reaches: a demographic guess must beat a global one.
    const nGroups = 6 * 3;
    const counts = Array.from({ length: nGroups }, () => new Array(catalog.nTop).fill(0));
    const global = new Array(catalog.nTop).fill(0);
    for (let u = 0; u < pop.nUsers; u++) {
      const first = pop.userTops[u * K_TOPS];
      counts[pop.ageBand[u] * 3 + pop.gender[u]][first]++;
      global[first]++;
    }
    const byGroup = counts.reduce((s, row) => s + Math.max(...row), 0) / pop.nUsers;
    const overall = Math.max(...global) / pop.nUsers;
    expect(byGroup).toBeGreaterThan(1.5 * overall);
  });

  it('ties brand tier preference to spending power (loyalty)', () => {
    const premium = [0, 0, 0, 0];
    const n = [0, 0, 0, 0];
    for (let u = 0; u < pop.nUsers; u++) {
      n[pop.loyalty[u]]++;
      if (pop.tierPref[u] === 2) premium[pop.loyalty[u]]++;
    }
    expect(premium[3] / n[3]).toBeGreaterThan(premium[0] / n[0]);
  });

  it('keeps K sorted top weights per user, the first being 1', () => {
    for (let u = 0; u < 100; u++) {
      expect(pop.userTopWeight[u * K_TOPS]).toBe(1);
      for (let k = 1; k < K_TOPS; k++) {
        expect(pop.userTopWeight[u * K_TOPS + k]).toBeLessThanOrEqual(pop.userTopWeight[u * K_TOPS + k - 1]);
      }
    }
  });
});
