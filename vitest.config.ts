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
      {
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          pool: 'forks',
          // After the other projects, alone: it runs a dozen processes of its own on the machine's two cores.
          sequence: { groupOrder: 1 },
          testTimeout: 300_000,
          // The first run builds the Temporal server and its tools with go install (minutes).
          hookTimeout: 1_200_000,
        },
      },
    ],
  },
});
