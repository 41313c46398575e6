// One full, compacting garbage collection after the start-up loads and before the server listens. Loading the
// model files, the catalogue's rows and the ranker's tables leaves ~150 MB of garbage in the old generation at
// the default scale; left alone, V8 collects it about a minute into serving, with incremental marking that
// shares the one core with requests: a stall of 35-130 ms at 1,500 req/s (docs/performance.md, "API"). Done
// here, nobody waits for it, and the next full GC comes only once serving itself has filled the headroom.
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Logger } from '../core';

/** The engine's full GC: `global.gc` when node runs with --expose-gc, else one taken from a fresh context. */
function fullGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  // The flag only adds `gc` to contexts made after it is set; it is unset again at once, as jest does for its
  // leak detector.
  v8.setFlagsFromString('--expose-gc');
  try {
    return vm.runInNewContext('gc') as () => void;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}

/** Collect the start-up garbage now; returns the milliseconds it took and the heap before and after (MB). */
export function collectStartupGarbage(logger: Logger): { ms: number; beforeMb: number; afterMb: number } {
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  fullGc()();
  const out = {
    ms: Math.round(performance.now() - started),
    beforeMb: Math.round(before / 1048576),
    afterMb: Math.round(process.memoryUsage().heapUsed / 1048576),
  };
  logger.info(out, 'start-up garbage collected before listening');
  return out;
}
