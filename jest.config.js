/**
 * Jest in native ESM mode (Nest 12 is ESM-only) with @swc/jest; decorator metadata on.
 * Two projects: `unit` (pure logic beside the code) and `e2e` (the real app on real PostgreSQL).
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

/**
 * ESM-only packages that CommonJS dependencies `require()` (content-disposition 3, required by
 * @fastify/static; cookie 2, required by light-my-request for Fastify inject): Node 20.19 runs that natively, Jest's runtime only on Node 24.9+, so Jest
 * gets them compiled to CommonJS.
 */
const REQUIRED_ESM = ['content-disposition', 'cookie'];
const swcToCommonJs = ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc,
    [`/node_modules/(${REQUIRED_ESM.join('|')})/.+\\.js$`]: swcToCommonJs,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${REQUIRED_ESM.join('|')})/)`],
  moduleNameMapper: {
    '^@/(.*)\\.js$': '<rootDir>/src/$1',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      // test/support: the response validator the e2e client uses (contract.ts).
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/support/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
  ],
  // Global, not per project: jest-circus reads only the global testTimeout (a project's is ignored).
  // Hooks included: an app start that takes 2 s alone took more than 30 s in a CI run on a shared,
  // overloaded 2-core machine. A hung test still fails, later.
  testTimeout: 90_000,
  maxWorkers: 2,
  // Each test file re-imports the app into the worker (ESM in vm contexts), and not all of it is
  // ever collected: a worker grew past 4 GB over a full run, and every later file paid for it in
  // garbage collection. A worker above this after a file is replaced by a fresh one.
  workerIdleMemoryLimit: '1500MB',
};
