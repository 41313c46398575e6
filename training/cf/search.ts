// Coordinate search over a grid of hyper-parameters: from `start`, one parameter at a time, the others held,
// keeping the best; passes until a pass changes nothing or the deadline comes. Every configuration is evaluated
// at most once (results are memoised by their key).
//
// Two ways to move along a parameter's grid: `sweep` tries every value; `walk` steps to the neighbouring values of
// the current one and keeps going in the direction that improves, which needs two or three trials a parameter
// instead of the whole grid when validation is unimodal along it, as it is for regularisation, neighbourhood
// size and degree exponents.

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

export interface SearchOptions {
  deadline: number;
  maxPasses?: number;
  mode?: 'sweep' | 'walk';
}

export function coordinateSearch<P extends object>(
  start: P,
  grid: { [K in keyof P]?: ReadonlyArray<P[K]> },
  evaluate: (p: P) => number,
  opts: SearchOptions,
): SearchResult<P> {
  const { deadline, maxPasses = 3, mode = 'sweep' } = opts;
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
  let late = false;
  /** Try `value` for `key`; true when it became the best. */
  const tryValue = <K extends keyof P>(key: K, value: P[K]): boolean => {
    if (Date.now() >= deadline) {
      late = true;
      return false;
    }
    const t = run({ ...best.params, [key]: value });
    if (!(t.score > best.score)) return false;
    best = t;
    return true;
  };
  const keys = Object.keys(grid) as Array<keyof P>;
  for (let pass = 0; pass < maxPasses && !late; pass++) {
    let changed = false;
    for (const key of keys) {
      const values = grid[key] ?? [];
      if (mode === 'sweep') {
        for (const v of values) changed = tryValue(key, v) || changed;
        continue;
      }
      // Walk: from the current value's place in the grid (or the nearest), up while it improves, then down.
      const at = values.indexOf(best.params[key]);
      let i = at >= 0 ? at : nearest(values as ReadonlyArray<unknown>, best.params[key]);
      let moved = false;
      while (i + 1 < values.length && tryValue(key, values[i + 1])) {
        i++;
        moved = true;
      }
      if (!moved)
        while (i - 1 >= 0 && tryValue(key, values[i - 1])) {
          i--;
          moved = true;
        }
      changed = changed || moved;
    }
    if (!changed) break;
  }
  return { best, trials, stoppedBy: late ? 'deadline' : 'converged' };
}

function nearest(values: ReadonlyArray<unknown>, v: unknown): number {
  if (typeof v !== 'number') return 0;
  let best = 0;
  values.forEach((x, i) => {
    if (typeof x === 'number' && Math.abs(x - v) < Math.abs((values[best] as number) - v)) best = i;
  });
  return best;
}

/** `evaluate` that also reports each configuration and its score (a tuner's progress log); each is evaluated once. */
export function logged<P>(evaluate: (p: P) => number, log?: (p: P, score: number) => void): (p: P) => number {
  if (!log) return evaluate;
  return (p) => {
    const score = evaluate(p);
    log(p, score);
    return score;
  };
}
