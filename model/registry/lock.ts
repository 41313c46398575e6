// The registry lock: one publisher or rollback at a time per models directory, so two of them cannot
// interleave their Neo4j writes and pointer flips. It is a lock file, `<dataDir>/models/.registry.lock`,
// created with O_EXCL (open fails if it exists), holding {pid, host, token, acquiredAt}. The holder touches it
// every `heartbeatMs`; a lock is stale when its holder is a dead process on this host, or when it has not been
// touched for `staleMs` (a holder on another host that died). A stale lock is broken by renaming it to a
// unique name (only one contender's rename can succeed) and re-checking that the renamed file is the one
// judged stale; if a fresh lock was renamed by mistake it is put back.
// A file lock rather than Redis: the pointer it guards lives in the same directory, so both share one fate
// (a shared volume in Kubernetes), and publishing does not need Redis to be up.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphrecError } from '../../core';
import { modelsRoot } from '../artifacts/modelDir';

export interface LockInfo {
  pid: number;
  host: string;
  token: string;
  acquiredAt: string;
  purpose: string;
}

export interface LockOptions {
  /** How long to wait for a held lock before giving up with CONFLICT. */
  waitMs?: number;
  heartbeatMs?: number;
  staleMs?: number;
  purpose?: string;
}

export const lockPath = (dataDir: string) => path.join(modelsRoot(dataDir), '.registry.lock');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): { info: LockInfo | null; raw: string; mtimeMs: number } | null {
  try {
    const raw = fs.readFileSync(file, 'utf8');
    const { mtimeMs } = fs.statSync(file);
    let info: LockInfo | null = null;
    try {
      info = JSON.parse(raw) as LockInfo;
    } catch {
      info = null; // being written right now, or garbage: only age can make it stale
    }
    return { info, raw, mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Why a lock is stale, or null when it is live. Pure apart from the pid probe. */
export function staleReason(
  lock: { info: LockInfo | null; mtimeMs: number },
  now: number,
  staleMs: number,
  host = os.hostname(),
  alive: (pid: number) => boolean = pidAlive,
): string | null {
  if (lock.info && lock.info.host === host && !alive(lock.info.pid)) {
    return `its holder (pid ${lock.info.pid}) is no longer running`;
  }
  if (now - lock.mtimeMs > staleMs)
    return `it has not been refreshed for ${Math.round((now - lock.mtimeMs) / 1000)} s`;
  return null;
}

export interface HeldLock {
  info: LockInfo;
  release(): void;
}

export async function acquireRegistryLock(dataDir: string, opts: LockOptions = {}): Promise<HeldLock> {
  const file = lockPath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const waitMs = opts.waitMs ?? 0;
  const heartbeatMs = opts.heartbeatMs ?? 5000;
  const staleMs = opts.staleMs ?? Math.max(60_000, heartbeatMs * 6);
  const info: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    token: randomBytes(8).toString('hex'),
    acquiredAt: new Date().toISOString(),
    purpose: opts.purpose ?? 'registry',
  };
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o644);
      try {
        fs.writeSync(fd, JSON.stringify(info));
      } finally {
        fs.closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = readLock(file);
    if (held === null) continue; // released between our open and our read
    const reason = staleReason(held, Date.now(), staleMs);
    if (reason !== null) {
      breakStaleLock(file, held.raw);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = held.info
        ? `pid ${held.info.pid} on ${held.info.host} (${held.info.purpose}) since ${held.info.acquiredAt}`
        : 'another process';
      throw new GraphrecError(
        'CONFLICT',
        `the model registry is locked by ${who}: another publish or rollback is running; retry when it ends`,
        { file },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const beat = setInterval(() => {
    try {
      const now = new Date();
      fs.utimesSync(file, now, now);
    } catch {
      // the lock vanished (broken as stale by someone); release() will notice
    }
  }, heartbeatMs);
  beat.unref();
  let released = false;
  return {
    info,
    release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      const held = readLock(file);
      if (held?.info?.token === info.token) fs.rmSync(file, { force: true });
    },
  };
}

function breakStaleLock(file: string, staleRaw: string): void {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else broke it first
    throw err;
  }
  const moved = fs.readFileSync(aside, 'utf8');
  if (moved !== staleRaw) {
    // We raced with a contender that broke the stale lock and took a fresh one: give it back.
    try {
      fs.linkSync(aside, file);
    } catch {
      // a third process took the lock meanwhile; the fresh holder will find its lock gone at release
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Run `work` holding the registry lock; always released, also when `work` throws. */
export async function withRegistryLock<T>(
  dataDir: string,
  opts: LockOptions,
  work: () => Promise<T>,
): Promise<T> {
  const lock = await acquireRegistryLock(dataDir, opts);
  try {
    return await work();
  } finally {
    lock.release();
  }
}
