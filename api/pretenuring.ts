// The serving process turns off V8's allocation-site pretenuring. V8 counts, per allocation site (an object or
// array literal, a `new Array`), how many of its young objects survive a scavenge; past 85% it "tenures" the
// site: its objects are from then on allocated straight in the old generation. A site shared by a long-lived
// cohort and a per-request path stays tenured for good, and every request's object from it is then born old.
// Each such object points at young ones (the request's reply strings), and a scavenge keeps anything an
// old object points at, dead or not, until the next full GC: so they all survive, are promoted, and fill the
// old generation.
//
// Measured (docs/performance.md, "API"): after ~260 cache misses (those that were first hits pre-rendered their
// answers), every cache hit that followed promoted its 3.3 KB reply: 5 MB/s at 1,500 hits/s against 0.03 MB/s before the misses, a full GC
// every few seconds. With pretenuring off the same run promotes 0.03 MB/s. A heap snapshot cannot show it (its
// full GC frees the dead parents first); `--trace-pretenuring` shows the sites being tenured.
import v8 from 'node:v8';

/** The V8 flag. Node refuses it in NODE_OPTIONS, so the server sets it itself. */
export const PRETENURING_OFF = '--no-allocation-site-pretenuring';

/** Turn pretenuring off for this process, before the server's start-up loads; it stays off. */
export function stopPretenuring(): void {
  // Set at run time, it takes effect (measured: no site is tenured after it). A site tenured before it stays
  // tenured, hence: first thing.
  v8.setFlagsFromString(PRETENURING_OFF);
}
