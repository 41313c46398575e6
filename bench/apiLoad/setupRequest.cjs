// autocannon worker-thread hook (bench/api.ts): builds each request body for the scenario in
// BENCH_API_SCENARIO from the ids in the JSON file BENCH_API_DATA. Plain CommonJS because autocannon
// require()s it inside its worker, outside the TypeScript loader.
'use strict';
const fs = require('node:fs');

const REC =
  'query R($u: ID, $s: ID) { recommendations(userId: $u, sessionId: $s, first: 20) { recId modelVersion degraded items { product { id name price } score sources } } }';
const SIM =
  'query S($p: ID!) { similarProducts(productId: $p, first: 10) { items { product { id name } score } } }';
const TRACK = 'mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted duplicates } }';

const data = JSON.parse(fs.readFileSync(process.env.BENCH_API_DATA, 'utf8'));
const scenario = process.env.BENCH_API_SCENARIO;
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
// Unique across the runs and workers of one bench: the run id, this worker's thread id, a counter.
const prefix = `${data.runId}-${scenario}-${process.env.BENCH_API_RUN}-${require('node:worker_threads').threadId}`;
let seq = 0;

const bodies = {
  'recs-miss': () => ({ query: REC, variables: { u: pick(data.userIds), s: `bench-${prefix}-${seq++}` } }),
  'recs-hit': () => {
    const i = seq++ % data.hitSet;
    return { query: REC, variables: { u: data.userIds[i], s: `bench-hit-${data.runId}-${i}` } };
  },
  // The same requests as recs-hit, sent to the bare server that bench/api.ts measures as the floor.
  'floor-hit': () => bodies['recs-hit'](),
  'floor-200': () => bodies['recs-hit'](),
  similar: () => ({ query: SIM, variables: { p: pick(data.productIds) } }),
  track10: () => {
    const s = `bench-${prefix}-${seq++}`;
    return {
      query: TRACK,
      variables: {
        e: Array.from({ length: 10 }, (_, j) => ({
          idempotencyKey: `${s}-${j}`,
          type: 'VIEW',
          productId: pick(data.productIds),
          sessionId: s,
        })),
      },
    };
  },
};
module.exports = (req) => {
  if (!bodies[scenario]) throw new Error(`unknown scenario ${scenario}`);
  return { ...req, body: JSON.stringify(bodies[scenario]()) };
};
module.exports.bodyFor = (name) => JSON.stringify(bodies[name]());
