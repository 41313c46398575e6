// What a model records about the run that made it: the code version and the process's peak memory.
import { execFileSync } from 'node:child_process';

export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

export function codeVersion(home: string): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: home, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}
