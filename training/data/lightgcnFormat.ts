// Reader for the LightGCN benchmark format: `DIR/train.txt`, `DIR/test.txt` and, where the split has one,
// `DIR/valid.txt`, one line per user, `user_id item_id item_id ...` with integer ids. Parsed straight into typed arrays: a 1M-interaction file
// becomes a few Int32Arrays, never a million JS objects.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { notFound, validationError } from '../../core';
import { csrFromTriples, sortRows, type Csr } from './csr';
import type { Dataset } from './dataset';

interface RawLines {
  /** Per entry: external user id, external item id, and the line it came from. */
  users: Int32Array;
  items: Int32Array;
  lines: Int32Array;
  count: number;
  /** External user ids of lines that had no items. */
  emptyUsers: Array<{ user: number; line: number }>;
}

function parseFile(file: string): RawLines {
  const text = fs.readFileSync(file, 'latin1');
  let cap = 1 << 16;
  let users = new Int32Array(cap);
  let items = new Int32Array(cap);
  let lines = new Int32Array(cap);
  let count = 0;
  const emptyUsers: RawLines['emptyUsers'] = [];
  let line = 0;
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    line++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    let user = -1;
    let k = 0;
    let i = pos;
    while (i < end) {
      let c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13) {
        i++;
        continue;
      }
      let v = 0;
      const start = i;
      while (i < end && (c = text.charCodeAt(i)) >= 48 && c <= 57) {
        v = v * 10 + (c - 48);
        i++;
      }
      if (i === start || (i < end && c !== 32 && c !== 9 && c !== 13) || v > 0x7fffffff) {
        const tok = text.slice(start, end).split(/\s/)[0];
        throw validationError(`ids must be non-negative integers, but got: ${JSON.stringify(tok)}`, {
          file,
          line,
        });
      }
      if (k++ === 0) {
        user = v;
        continue;
      }
      if (count === cap) {
        cap *= 2;
        const grow = (a: Int32Array) => {
          const b = new Int32Array(cap);
          b.set(a);
          return b;
        };
        users = grow(users);
        items = grow(items);
        lines = grow(lines);
      }
      users[count] = user;
      items[count] = v;
      lines[count] = line;
      count++;
    }
    if (k === 1) emptyUsers.push({ user, line });
    pos = end + 1;
  }
  return { users, items, lines, count, emptyUsers };
}

/** Read `DIR/train.txt`, `DIR/test.txt` (and `DIR/valid.txt` if present) into a Dataset. */
export function readLightgcnDir(dir: string): Dataset {
  const trainFile = path.join(dir, 'train.txt');
  const testFile = path.join(dir, 'test.txt');
  const validFile = path.join(dir, 'valid.txt');
  for (const f of [trainFile, testFile]) {
    if (!fs.existsSync(f))
      throw notFound(`the lightgcn data directory must contain ${path.basename(f)}`, { file: f });
  }
  const tr = parseFile(trainFile);
  const te = parseFile(testFile);
  const va = fs.existsSync(validFile) ? parseFile(validFile) : undefined;
  if (tr.count === 0)
    throw validationError('the training graph is empty: train.txt has no interactions', { file: trainFile });
  if (tr.emptyUsers.length > 0) {
    const { user, line } = tr.emptyUsers[0];
    throw validationError(`every user line needs at least one train item, but user ${user} has none`, {
      file: trainFile,
      line,
    });
  }

  // Rows: users in order of first appearance in train; items in train order, then items seen only in test
  // (they are ranked like every other item, as in the paper's protocol, but have no edges).
  const userRow = new Map<number, number>();
  const itemRow = new Map<number, number>();
  const userIds: number[] = [];
  const itemIds: number[] = [];
  const rowOf = (map: Map<number, number>, ids: number[], id: number) => {
    let r = map.get(id);
    if (r === undefined) {
      r = ids.length;
      map.set(id, r);
      ids.push(id);
    }
    return r;
  };
  const trU = new Int32Array(tr.count);
  const trI = new Int32Array(tr.count);
  for (let e = 0; e < tr.count; e++) {
    trU[e] = rowOf(userRow, userIds, tr.users[e]);
    trI[e] = rowOf(itemRow, itemIds, tr.items[e]);
  }
  const heldOut = (raw: RawLines, file: string) => {
    const u = new Int32Array(raw.count);
    const i = new Int32Array(raw.count);
    for (let e = 0; e < raw.count; e++) {
      const r = userRow.get(raw.users[e]);
      if (r === undefined) {
        throw validationError(
          `${path.basename(file, '.txt')} user ${raw.users[e]} has no train items, so it cannot be ranked`,
          { file, line: raw.lines[e] },
        );
      }
      u[e] = r;
      i[e] = rowOf(itemRow, itemIds, raw.items[e]);
    }
    return { u, i };
  };
  const teRows = heldOut(te, testFile);
  const vaRows = va ? heldOut(va, validFile) : undefined;
  if (va && va.count === 0)
    throw validationError('valid.txt has no interactions: remove it to carve validation out of train', {
      file: validFile,
    });
  if (te.count === 0)
    throw validationError('the split has no test users: test.txt has no interactions', { file: testFile });
  const nUsers = userIds.length;
  const nItems = itemIds.length;
  const train = dedupe(sortRows(csrFromTriples(nUsers, nItems, trU, trI)));
  const test = dedupe(sortRows(csrFromTriples(nUsers, nItems, teRows.u, teRows.i)));
  const valid = vaRows ? dedupe(sortRows(csrFromTriples(nUsers, nItems, vaRows.u, vaRows.i))) : undefined;
  if (valid && va) {
    // A validation item that is also a test item would let tuning see test; one in train tunes on nothing.
    checkDisjoint(valid, test, va, validFile, 'test.txt', userIds);
    checkDisjoint(valid, train, va, validFile, 'train.txt', userIds);
  }
  const files = valid ? [trainFile, validFile, testFile] : [trainFile, testFile];
  const hash = createHash('sha256');
  for (const f of files) hash.update(fs.readFileSync(f));
  return {
    name: path.basename(path.resolve(dir)),
    nUsers,
    nItems,
    userIds: Int32Array.from(userIds),
    itemIds: Int32Array.from(itemIds),
    train,
    test,
    ...(valid ? { valid } : {}),
    dataHash: hash.digest('hex'),
    files,
  };
}

/** Fail on the first (user, item) of `a` that `b` also holds, naming the line of `a`'s file it came from. */
function checkDisjoint(a: Csr, b: Csr, raw: RawLines, file: string, other: string, userIds: number[]): void {
  for (let u = 0; u < a.nRows; u++) {
    let q = b.ptr[u];
    const qEnd = b.ptr[u + 1];
    for (let e = a.ptr[u]; e < a.ptr[u + 1]; e++) {
      const item = a.idx[e];
      while (q < qEnd && b.idx[q] < item) q++;
      if (q < qEnd && b.idx[q] === item) {
        let line = 0;
        for (let k = 0; k < raw.count; k++) if (raw.users[k] === userIds[u]) line = raw.lines[k];
        throw validationError(
          `user ${userIds[u]} has an item in both ${path.basename(file)} and ${other}; a held-out item must appear in one file only`,
          { file, line },
        );
      }
    }
  }
}

/** Drop repeated items within a row (rows must be sorted). */
function dedupe(m: ReturnType<typeof csrFromTriples>) {
  let w = 0;
  const ptr = new Int32Array(m.nRows + 1);
  for (let r = 0; r < m.nRows; r++) {
    for (let e = m.ptr[r]; e < m.ptr[r + 1]; e++) {
      if (e > m.ptr[r] && m.idx[e] === m.idx[e - 1]) continue;
      m.idx[w++] = m.idx[e];
    }
    ptr[r + 1] = w;
  }
  return { nRows: m.nRows, nCols: m.nCols, ptr, idx: m.idx.slice(0, w) };
}
