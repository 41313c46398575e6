// Detached child processes tracked by pid files, so that `stack up` in one shell and `stack down` in another
// agree on what runs, and a server outlives the CLI that started it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed server whose parent has not reaped it yet is a zombie: signal 0 still succeeds, but it holds no
  // port, lock or memory, so it counts as gone (else `stack up` right after a kill -9 waits on a corpse).
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name (which may itself contain spaces or parentheses).
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no procfs (macOS): trust signal 0
  }
}

export interface SpawnSpec {
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  pidFile: string;
  env?: NodeJS.ProcessEnv;
}

/** Start a process in its own process group, output appended to logFile, and record its pid. */
export function spawnDetached(spec: SpawnSpec): number {
  fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
  fs.mkdirSync(path.dirname(spec.pidFile), { recursive: true });
  const out = fs.openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  child.unref();
  fs.writeFileSync(spec.pidFile, `${child.pid}\n`);
  return child.pid;
}

/** SIGTERM, wait up to `graceMs` for a clean exit, then SIGKILL. Resolves true if the process was running. */
export async function stopPid(pid: number | undefined, graceMs: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  process.kill(pid!, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(200);
  }
  if (isAlive(pid)) process.kill(pid!, 'SIGKILL');
  return true;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The last `lines` lines of a file, for error messages when a server fails to start. */
export function tail(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trim();
  } catch {
    return `(no log at ${file})`;
  }
}
