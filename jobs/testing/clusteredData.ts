// A tiny LightGCN-format data set for refresh tests: 240 users in 6 clusters of 20 items (items 0..119), each
// user with 9 train and 3 test items of their own cluster, so any real model learns it in seconds.
import fs from 'node:fs';
import path from 'node:path';

export function writeClusteredData(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const train: string[] = [];
  const test: string[] = [];
  for (let u = 0; u < 240; u++) {
    const c = u % 6;
    const items = Array.from({ length: 20 }, (_, k) => c + 6 * k);
    const rot = (u * 7) % 20;
    const mine = [...items.slice(rot), ...items.slice(0, rot)].slice(0, 12);
    train.push([u, ...mine.slice(0, 9)].join(' '));
    test.push([u, ...mine.slice(9)].join(' '));
  }
  fs.writeFileSync(path.join(dir, 'train.txt'), `${train.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'test.txt'), `${test.join('\n')}\n`);
}
