// One `graphrec ...` child process of a stage: in a session of its own (so its tree can be measured, and killed
// as a whole on an interrupt), stderr appended to the stage's log, stdout kept for its JSON summary and logged.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const running = new Set<ChildProcess>();

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  seconds: number;
}

export interface Child {
  pid: number;
  exited: Promise<Exited>;
  /** SIGTERM to the child's process group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function startGraphrec(argv: string[], env: NodeJS.ProcessEnv, log: string): Child {
  fs.appendFileSync(log, `\n$ graphrec ${argv.join(' ')}  (${new Date().toISOString()})\n`);
  const err = fs.openSync(log, 'a');
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'bin', 'graphrec.cjs'), ...argv], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', err],
  });
  fs.closeSync(err);
  if (child.pid === undefined) throw new Error(`could not start graphrec ${argv.join(' ')}`);
  running.add(child);
  let stdout = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  const exited = new Promise<Exited>((resolve) =>
    child.once('close', (code, signal) => {
      running.delete(child);
      fs.appendFileSync(log, stdout);
      resolve({ code, signal, stdout, seconds: (performance.now() - t0) / 1000 });
    }),
  );
  const pid = child.pid;
  return {
    pid,
    exited,
    async stop(graceMs = 30_000) {
      if (!running.has(child)) return;
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Every child still running, killed with its group: the harness is being interrupted. */
export function killAll(): void {
  for (const c of running) if (c.pid !== undefined) signalGroup(c.pid, 'SIGKILL');
}
