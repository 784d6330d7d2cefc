import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // One real Temporal dev server and one real PostgreSQL for the run;
          // each test file gets its own database and task queue.
          globalSetup: ['test/support/global-setup.ts'],
          // Temporal's native worker is happiest in child processes, not threads.
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
