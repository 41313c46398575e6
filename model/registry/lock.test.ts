import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireRegistryLock, lockPath, staleReason, withRegistryLock } from './lock';

describe('registry lock', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-lock-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('lets one holder in and refuses a second with CONFLICT naming the holder', async () => {
    const held = await acquireRegistryLock(dataDir, { purpose: 'publish X' });
    await expect(acquireRegistryLock(dataDir, { purpose: 'publish Y' })).rejects.toMatchObject({
      kind: 'CONFLICT',
      message: expect.stringContaining(`pid ${process.pid} on ${os.hostname()} (publish X)`),
    });
    held.release();
    expect(fs.existsSync(lockPath(dataDir))).toBe(false);
    (await acquireRegistryLock(dataDir)).release();
  });

  it('serialises two contenders that wait: their critical sections never overlap', async () => {
    const log: string[] = [];
    const work = (name: string) =>
      withRegistryLock(dataDir, { waitMs: 5000 }, async () => {
        log.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 150));
        log.push(`${name} out`);
      });
    await Promise.all([work('a'), work('b')]);
    expect([log.slice(0, 2), log.slice(2)].every(([i, o]) => i.split(' ')[0] === o.split(' ')[0])).toBe(true);
    expect(log.map((l) => l.split(' ')[1])).toEqual(['in', 'out', 'in', 'out']);
  });

  it('releases when the work throws', async () => {
    await expect(
      withRegistryLock(dataDir, {}, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(fs.existsSync(lockPath(dataDir))).toBe(false);
  });

  it('breaks a lock left by a dead process on this host', async () => {
    fs.mkdirSync(path.dirname(lockPath(dataDir)), { recursive: true });
    // A pid far above pid_max is never alive.
    const dead = {
      pid: 2 ** 30,
      host: os.hostname(),
      token: 'x',
      acquiredAt: '2026-01-01T00:00:00Z',
      purpose: 'publish',
    };
    fs.writeFileSync(lockPath(dataDir), JSON.stringify(dead));
    const held = await acquireRegistryLock(dataDir);
    expect(JSON.parse(fs.readFileSync(lockPath(dataDir), 'utf8')).token).toBe(held.info.token);
    held.release();
    expect(fs.readdirSync(path.dirname(lockPath(dataDir)))).toEqual([]);
  });

  it('judges staleness by the holder being dead here, or by age elsewhere', () => {
    const info = { pid: 1234, host: 'h1', token: 't', acquiredAt: '', purpose: '' };
    const alive = () => true;
    const dead = () => false;
    expect(staleReason({ info, mtimeMs: 1000 }, 2000, 60_000, 'h1', dead)).toBe(
      'its holder (pid 1234) is no longer running',
    );
    expect(staleReason({ info, mtimeMs: 1000 }, 2000, 60_000, 'h1', alive)).toBeNull();
    // Another host: the pid means nothing here, only the heartbeat counts.
    expect(staleReason({ info, mtimeMs: 1000 }, 2000, 60_000, 'h2', dead)).toBeNull();
    expect(staleReason({ info, mtimeMs: 0 }, 61_000, 60_000, 'h2', dead)).toBe(
      'it has not been refreshed for 61 s',
    );
    expect(staleReason({ info: null, mtimeMs: 0 }, 61_000, 60_000, 'h1', alive)).toBe(
      'it has not been refreshed for 61 s',
    );
  });

  it('keeps a live lock fresh with its heartbeat', async () => {
    const held = await acquireRegistryLock(dataDir, { heartbeatMs: 50 });
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(lockPath(dataDir), old, old);
    await new Promise((r) => setTimeout(r, 200));
    expect(Date.now() - fs.statSync(lockPath(dataDir)).mtimeMs).toBeLessThan(10_000);
    held.release();
  });
});
