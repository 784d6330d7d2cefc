// The embedded stack's outside services: a Temporal dev server and a
// PostgreSQL, each started only when no external one is configured.
import path from 'node:path';
import { startEmbeddedPostgres } from '../dev/embedded-postgres.js';
import { isPortInUse } from '../dev/ports.js';
import type { Progress } from '../dev/progress.js';
import { ensureTemporalCli } from '../dev/temporal-cli.js';
import { startTemporalDevServer } from '../dev/temporal-dev-server.js';

export interface Infrastructure {
  temporalAddress: string;
  databaseUrl: string;
  temporalUiUrl: string | undefined;
  /** The embedded servers' process ids (undefined for external ones): for measurements. */
  pids: { temporal: number | undefined; postgres: number | undefined };
  stop(): Promise<void>;
}

export async function startInfrastructure(options: {
  dataDir: string;
  toolsDir: string;
  temporalAddress: string | undefined;
  temporalCli: string | undefined;
  temporalNamespace: string;
  temporalPort: number;
  /** Undefined: no Web UI (headless), as in tests. */
  temporalUiPort: number | undefined;
  databaseUrl: string | undefined;
  postgresPort: number;
  progress: Progress;
  /** The dev server's fairness between tenants (on by default; the fairness benchmark turns it off to compare). */
  temporalFairness?: boolean;
  /** More dynamic config for the dev server (see startTemporalDevServer). */
  temporalDynamicConfig?: Readonly<Record<string, string | number | boolean>>;
}): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    let temporalAddress = options.temporalAddress;
    let temporalUiUrl: string | undefined;
    const pids: Infrastructure['pids'] = { temporal: undefined, postgres: undefined };
    if (temporalAddress === undefined) {
      await requireFreePort(options.temporalPort, 'the Temporal dev server', 'TEMPORAL_PORT', 'TEMPORAL_ADDRESS');
      const cli = await ensureTemporalCli({ configured: options.temporalCli, toolsDir: options.toolsDir, progress: options.progress });
      const server = await startTemporalDevServer({
        cli,
        dataDir: path.join(options.dataDir, 'temporal'),
        port: options.temporalPort,
        uiPort: options.temporalUiPort,
        namespace: options.temporalNamespace,
        progress: options.progress,
        ...(options.temporalFairness === undefined ? {} : { fairness: options.temporalFairness }),
        ...(options.temporalDynamicConfig === undefined ? {} : { dynamicConfig: options.temporalDynamicConfig }),
      });
      stops.push(() => server.stop());
      temporalAddress = server.address;
      temporalUiUrl = server.uiUrl;
      pids.temporal = server.pid;
    } else {
      options.progress(`using Temporal at ${temporalAddress}`);
    }

    let databaseUrl = options.databaseUrl;
    if (databaseUrl === undefined) {
      await requireFreePort(options.postgresPort, 'PostgreSQL', 'HOOKFLOW_POSTGRES_PORT', 'DATABASE_URL');
      const database = await startEmbeddedPostgres({ dataDir: options.dataDir, port: options.postgresPort, progress: options.progress });
      stops.push(() => database.stop());
      databaseUrl = database.url;
      pids.postgres = database.pid;
    } else {
      options.progress('using PostgreSQL from DATABASE_URL');
    }
    return { temporalAddress, databaseUrl, temporalUiUrl, pids, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Fails clearly instead of attaching to whatever already holds the port (an earlier run, say). */
async function requireFreePort(port: number, what: string, portVariable: string, externalVariable: string): Promise<void> {
  if (await isPortInUse(port)) {
    throw new Error(
      `port ${port} for ${what} is already in use (is another hookflow or server running?). ` +
        `Stop it, choose another port with ${portVariable}, or use an external server with ${externalVariable}.`,
    );
  }
}
