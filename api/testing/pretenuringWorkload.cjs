// A child process for api/pretenuring.test.ts (plain node: under a TypeScript loader the control run did not
// reproduce the pathology). One allocation site first fills a long-lived cohort (as the start-up loads and the
// misses' pre-rendering do), then makes short-lived objects that each hold a fresh string (as a cache hit holds
// its reply). Prints how much the old generation grew during the second phase.
// Argument: V8 flags to set first (what stopPretenuring sets), or nothing for V8's defaults.
const v8 = require('node:v8');

if (process.argv[2]) v8.setFlagsFromString(process.argv[2]);

const oldSpaceUsed = () =>
  v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;

// One literal: one allocation site.
function make(id, payload) {
  return { id, payload };
}

const cohort = [];
for (let i = 0; i < 300000; i++) cohort.push(make(i, 'k' + i));

// The ring makes each object escape (so the optimiser cannot elide it) yet die within 16 iterations.
const ring = new Array(16);
let bytes = 0;
const before = oldSpaceUsed();
for (let i = 0; i < 2000000; i++) {
  const o = make(i, 'v'.repeat(200) + i);
  ring[i & 15] = o;
  bytes += o.payload.length;
}
process.stdout.write(
  JSON.stringify({ oldGrowthMb: (oldSpaceUsed() - before) / 1048576, cohort: cohort.length, bytes }),
);
