// A private, throwaway redis-server for tests whose answers depend on what Redis holds as a whole (the
// experiments the API reads at start-up, rate-limit counters, cached answers): on a free port, without
// persistence, so nothing the dev stack or another test stored can reach it. It starts in well under a second.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import Redis from 'ioredis';
import { freePort } from './scratchNeo4j';

export interface ScratchRedis {
  url: string;
  /** A new client of this server (the caller quits it). */
  client(): Redis;
  stop(): Promise<void>;
}

const REDIS_SERVER = '/usr/bin/redis-server';

export async function startScratchRedis(): Promise<ScratchRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const proc: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await waitForPing(port, proc);
  return {
    url,
    client: () => new Redis(url, { maxRetriesPerRequest: 1 }),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Ready when it answers PING (not after a fixed sleep); a server that exits first is an error. */
async function waitForPing(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await pings(port))) {
    if (proc.exitCode !== null) throw new Error(`${REDIS_SERVER} exited with ${proc.exitCode} at start-up`);
    if (Date.now() > deadline)
      throw new Error(`${REDIS_SERVER} did not answer PING on port ${port} within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One inline PING over a plain socket: no client library, so a refused attempt leaves no timer behind. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}
