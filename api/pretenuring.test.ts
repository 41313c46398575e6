import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PRETENURING_OFF } from './pretenuring';

// Each run in its own process: the flag is process-wide and cannot be turned back on.
function oldGrowthMb(flags: string[]): number {
  const run = spawnSync(
    process.execPath,
    [path.join(__dirname, 'testing', 'pretenuringWorkload.cjs'), ...flags],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (run.status !== 0) throw new Error(`workload failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { oldGrowthMb: number }).oldGrowthMb;
}

describe('stopPretenuring', () => {
  it("keeps a tenured site's short-lived objects, and what they hold, out of the old generation", () => {
    const withDefault = oldGrowthMb([]);
    const stopped = oldGrowthMb([PRETENURING_OFF]);
    // The control must show the pathology (measured: ~87 MB), else this test proves nothing.
    expect(withDefault).toBeGreaterThan(40);
    // Measured: ~8 MB, what the scavenges' normal promotion adds.
    expect(stopped).toBeLessThan(withDefault / 4);
  });
});
