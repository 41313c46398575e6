// Coordinate search over a grid of hyper-parameters: starting from `start`, try each value of one parameter with
// the others held, keep the best, move to the next parameter; repeat passes until a pass changes nothing or the
// deadline comes. Every configuration is evaluated at most once (results are memoised by their key).

export interface Trial<P> {
  params: P;
  score: number;
  seconds: number;
}

export interface SearchResult<P> {
  best: Trial<P>;
  trials: Trial<P>[];
  /** 'converged' when a full pass changed nothing; 'deadline' when time ran out first. */
  stoppedBy: 'converged' | 'deadline';
}

export function coordinateSearch<P extends object>(
  start: P,
  grid: { [K in keyof P]?: ReadonlyArray<P[K]> },
  evaluate: (p: P) => number,
  deadline: number,
  maxPasses = 3,
): SearchResult<P> {
  const seen = new Map<string, Trial<P>>();
  const trials: Trial<P>[] = [];
  const run = (p: P): Trial<P> => {
    const key = JSON.stringify(p);
    const hit = seen.get(key);
    if (hit) return hit;
    const t0 = Date.now();
    const trial = { params: p, score: evaluate(p), seconds: (Date.now() - t0) / 1000 };
    seen.set(key, trial);
    trials.push(trial);
    return trial;
  };
  let best = run(start);
  const keys = Object.keys(grid) as Array<keyof P>;
  for (let pass = 0; pass < maxPasses; pass++) {
    let changed = false;
    for (const key of keys) {
      for (const value of grid[key] ?? []) {
        if (Date.now() >= deadline) return { best, trials, stoppedBy: 'deadline' };
        const t = run({ ...best.params, [key]: value });
        if (t.score > best.score) {
          best = t;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return { best, trials, stoppedBy: 'converged' };
}
