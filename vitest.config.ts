import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Workspace packages resolve to their TypeScript sources in tests (see each package's exports).
    conditions: ['leakproof-source'],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here: the SARIF multitool and the local servers get room.
    maxWorkers: 2,
    reporters: ['default', './test/helpers/plain-summary-reporter.ts'],
  },
});
