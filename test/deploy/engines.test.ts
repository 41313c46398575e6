// The README says Node 20, and the image runs node:20. A locked package whose `engines.node` leaves Node 20 out
// makes `npm install` warn EBADENGINE: each one must be a decision written down in the README (why it is safe),
// not a surprise for the next newcomer.
import { createRequire } from 'node:module';
import { readRepoFile } from './repo';

const semver = createRequire(__filename)('semver') as {
  satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
};

// The newest Node 20 release, whatever its patch number: what nodejs.org or nvm installs for "Node 20".
const NODE_20 = '20.999.999';

interface LockEntry {
  version?: string;
  engines?: { node?: string };
}

const lock = JSON.parse(readRepoFile('package-lock.json')) as { packages: Record<string, LockEntry> };
const refusingNode20 = Object.entries(lock.packages)
  .filter(([, p]) => typeof p.engines?.node === 'string' && !semver.satisfies(NODE_20, p.engines.node))
  .map(([where, p]) => `${where.replace(/^.*node_modules\//, '')}@${p.version}`);

describe('Node 20 and the locked packages', () => {
  it('targets Node 20 in the image', () => {
    expect(readRepoFile('Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:20-/m);
  });

  it('names in the README every package that npm warns wants a newer Node', () => {
    const readme = readRepoFile('README.md');
    expect(readme).toContain('EBADENGINE');
    expect(refusingNode20.filter((p) => !readme.includes(`\`${p}\``))).toEqual([]);
  });
});
