// The repeatable fault run of ingestion (the rig: events/testing/faultRun.ts; `graphrec bench faults --json`
// prints the same counts): the consumer process, Neo4j and Redis are each killed -9 and frozen mid-stream while
// events flow through trackEvents' append path. It prints acknowledged, stored, lost and duplicated events per
// fault, and asserts none lost, none duplicated, none dead-lettered, and the stream trimmed once drained.
import { runFaults, startFaultRig, stopFaultRig, streamLengthWhenDrained } from './testing/faultRun';

/** Events per fault, appended in batches like a storefront's; the fault hits after half of them. */
const EVENTS_PER_FAULT = 300;

beforeAll(startFaultRig, 600_000); // a scratch Neo4j takes minutes to start on a loaded 2-vCPU machine
afterAll(stopFaultRig, 120_000);

it('loses and duplicates no acknowledged event when the worker, Neo4j or Redis is killed -9 or frozen mid-stream', async () => {
  const results = await runFaults(EVENTS_PER_FAULT);
  // The run's report, one line (the CI log keeps it).
  process.stdout.write(`${JSON.stringify({ faults: results })}\n`);
  for (const r of results) {
    expect(r).toEqual({
      fault: r.fault,
      acknowledged: EVENTS_PER_FAULT,
      stored: EVENTS_PER_FAULT,
      lost: 0,
      duplicated: 0,
      deadLettered: 0,
    });
  }
  expect(await streamLengthWhenDrained()).toBe(0);
}, 900_000);
