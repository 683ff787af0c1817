import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (the `leakproof-source` export
// condition), so tests never run against a stale build. Node tests resolve through `ssr`.
const conditions = ['leakproof-source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here: the SARIF multitool and the local servers get room.
    maxWorkers: 2,
    reporters: ['default', './test/helpers/plain-summary-reporter.ts'],
  },
});
