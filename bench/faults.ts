// Ingestion fault run: events stream through trackEvents' append path and the consumer process into a private
// scratch Neo4j, through a private redis-server, while the consumer process, Neo4j and Redis are each killed -9
// and frozen (SIGSTOP/SIGCONT) mid-stream (the rig: events/testing/faultRun.ts, which the integration suite
// events/faults.int.test.ts also runs). Prints acknowledged, stored, lost, duplicated and dead-lettered events
// per fault, as a table or one JSON object; exits 1 when any acknowledged event was lost or duplicated.
//
//   npx graphrec bench faults [--events 300] [--json]
import { runFaults, startFaultRig, stopFaultRig, streamLengthWhenDrained } from '../events/testing/faultRun';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const events = arg('events', 300);
  if (!Number.isInteger(events) || events < 20 || events % 20 !== 0)
    throw new Error(`--events must be a multiple of 20 (at least 20), but got: ${events}`);
  const json = process.argv.includes('--json');
  const t0 = Date.now();
  await startFaultRig();
  try {
    const faults = await runFaults(events);
    const streamLeft = await streamLengthWhenDrained();
    const ok = faults.every((f) => f.lost === 0 && f.duplicated === 0);
    const seconds = Math.round((Date.now() - t0) / 1000);
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ok, eventsPerFault: events, faults, streamLeft, seconds })}\n`,
      );
    else {
      const cols = ['fault', 'acknowledged', 'stored', 'lost', 'duplicated', 'deadLettered'] as const;
      process.stdout.write(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|\n`);
      for (const f of faults) process.stdout.write(`| ${cols.map((c) => f[c]).join(' | ')} |\n`);
      process.stdout.write(`\nstream entries left after draining: ${streamLeft}; ${seconds} s\n`);
    }
    if (!ok) process.exitCode = 1;
  } finally {
    await stopFaultRig();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
