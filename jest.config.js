// Two projects: `unit` (pure logic, no services) and `integration` (real Neo4j and Redis,
// started or reused by test/globalSetup.ts). `npm test` runs both.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };
const ignore = ['/node_modules/', '/dist/', '/.data/'];

module.exports = {
  // The machine gives one core of throughput: parallel workers buy nothing, and integration tests share one
  // Neo4j and one Redis, so files run one after another.
  maxWorkers: 1,
  testTimeout: 120000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: [...ignore, '\\.int\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.test.ts'],
      testPathIgnorePatterns: ignore,
      globalSetup: '<rootDir>/test/globalSetup.ts',
      globalTeardown: '<rootDir>/test/globalTeardown.ts',
    },
  ],
};
