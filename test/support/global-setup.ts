// Starts the real services the integration tests run against: a Temporal dev
// server (the same CLI `npm start` uses) and an embedded PostgreSQL, both in a
// throw-away directory, on free ports.
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { printProgress } from '../../src/dev/progress.js';
import { freePort } from '../../src/dev/ports.js';
import { startInfrastructure } from '../../src/runtime/infrastructure.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hookflow-test-'));
  await chmod(dataDir, 0o755); // embedded Postgres runs as the `postgres` user when we are root
  const infrastructure = await startInfrastructure({
    dataDir,
    toolsDir: path.resolve('.tools'),
    temporalAddress: process.env.TEST_TEMPORAL_ADDRESS,
    temporalCli: process.env.TEMPORAL_CLI,
    temporalNamespace: 'default',
    temporalPort: await freePort(),
    temporalUiPort: undefined,
    databaseUrl: process.env.TEST_DATABASE_URL,
    postgresPort: await freePort(),
    progress: printProgress,
  });
  project.provide('temporalAddress', infrastructure.temporalAddress);
  project.provide('databaseUrl', infrastructure.databaseUrl);
  return async () => {
    await infrastructure.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
