import { parseStat, peakMb, sessionTree } from './procTree';

describe('parseStat', () => {
  it('reads pid, ppid and session past a command name holding spaces and parentheses', () => {
    const text = '4242 (node (tsx) x) S 4200 4242 4242 0 -1 4194560 1000 0 0 0 12 3 0 0 20 0 11 0 500 1 2 3';
    expect(parseStat(text)).toEqual({ pid: 4242, ppid: 4200, session: 4242 });
    expect(parseStat('garbage')).toBeNull();
  });
});

describe('sessionTree', () => {
  it("takes the child's descendants in its session and cuts off a detached server with its own children", () => {
    const procs = [
      { pid: 1, ppid: 0, session: 1 },
      { pid: 10, ppid: 1, session: 10 }, // the stage's child (its own session)
      { pid: 11, ppid: 10, session: 10 }, // e.g. neo4j-admin import
      { pid: 12, ppid: 11, session: 10 },
      { pid: 20, ppid: 10, session: 20 }, // a Neo4j server it started detached
      { pid: 21, ppid: 20, session: 20 },
      { pid: 30, ppid: 1, session: 30 }, // someone else
    ];
    expect(sessionTree(procs, 10).sort((a, b) => a - b)).toEqual([10, 11, 12]);
    expect(sessionTree(procs, 20).sort((a, b) => a - b)).toEqual([20, 21]);
    expect(sessionTree(procs, 99)).toEqual([]);
  });
});

describe('peakMb', () => {
  it('takes the largest sample, over a window when given', () => {
    const samples = [
      { at: 0, treeKb: 1024, serverKb: 0 },
      { at: 10, treeKb: 4096, serverKb: 2048 },
      { at: 20, treeKb: 2048, serverKb: 3072 },
    ];
    expect(peakMb(samples)).toEqual({ treeMb: 4, serverMb: 3 });
    expect(peakMb(samples, 15, 25)).toEqual({ treeMb: 2, serverMb: 3 });
  });
});
