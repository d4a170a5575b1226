import { defineConfig } from 'vitest/config';
import { PlainSummaryReporter } from './scripts/vitest-plain-summary.js';

export default defineConfig({
  resolve: {
    // Workspace packages export their TypeScript source under the "source" condition so tests
    // never run against a stale dist/.
    conditions: ['source'],
  },
  // Tests run in Vite's SSR environment, which takes its conditions from here, not from resolve.
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'scripts/**/*.test.ts',
      'e2e/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default', new PlainSummaryReporter()],
  },
});
