// Peak memory of a stage, by polling /proc: every few hundred milliseconds the resident set sizes (VmRSS) of the
// stage's process tree are summed. The tree is the stage's child and its descendants in the child's session:
// the child is spawned in a session of its own, and a server it starts detached (the Neo4j a bulk load restarts
// runs in its own session) is left out of the stage and reported as the server's. Polling misses a spike
// shorter than the interval; /usr/bin/time would give only the largest single process, not the tree's sum.
import fs from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  session: number;
}

/** pid, ppid and session from the text of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parseStat(text: string): ProcInfo | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number.parseInt(text, 10);
  const rest = text.slice(close + 2).split(' ');
  // After the name: state, ppid, pgrp, session.
  const ppid = Number(rest[1]);
  const session = Number(rest[3]);
  return Number.isInteger(pid) && Number.isInteger(ppid) && Number.isInteger(session)
    ? { pid, ppid, session }
    : null;
}

/** `root` and its descendants that share its session; a process in another session is cut off with its subtree. */
export function sessionTree(procs: ProcInfo[], root: number): number[] {
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const top = byPid.get(root);
  if (!top) return [];
  const children = new Map<number, ProcInfo[]>();
  for (const p of procs) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const tree: number[] = [];
  const todo = [top];
  while (todo.length > 0) {
    const p = todo.pop()!;
    tree.push(p.pid);
    for (const c of children.get(p.pid) ?? []) if (c.session === top.session) todo.push(c);
  }
  return tree;
}

function listProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const p = parseStat(fs.readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (p) out.push(p);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
}

function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export interface RssSample {
  /** Milliseconds since the epoch. */
  at: number;
  /** The stage's tree. */
  treeKb: number;
  /** The scratch Neo4j server's session (0 when it is not running). */
  serverKb: number;
}

/**
 * Samples the trees of the stage's children `roots()` (summed) and the session of the server pid `serverPid()`
 * returns (both read again at every tick: a stage may start a second child, a bulk load restarts the server)
 * until stop() is called.
 */
export function watchRss(roots: () => number[], serverPid: () => number | undefined, everyMs = 250) {
  const samples: RssSample[] = [];
  const tick = () => {
    const procs = listProcs();
    const sum = (pids: number[]) => pids.reduce((s, pid) => s + rssKb(pid), 0);
    const server = serverPid();
    samples.push({
      at: Date.now(),
      treeKb: roots().reduce((s, root) => s + sum(sessionTree(procs, root)), 0),
      serverKb: server === undefined ? 0 : sum(sessionTree(procs, server)),
    });
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    samples,
    stop(): RssSample[] {
      clearInterval(timer);
      tick();
      return samples;
    },
  };
}

/** The largest tree and server RSS (MB) among the samples taken in [from, to] (all of them by default). */
export function peakMb(samples: RssSample[], from = -Infinity, to = Infinity) {
  let tree = 0;
  let server = 0;
  for (const s of samples)
    if (s.at >= from && s.at <= to) {
      tree = Math.max(tree, s.treeKb);
      server = Math.max(server, s.serverKb);
    }
  return { treeMb: Math.round(tree / 1024), serverMb: Math.round(server / 1024) };
}
