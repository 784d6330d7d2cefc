// The Temporal parts of the production shape, built once with go install and
// cached by version under .tools/: the server, its SQL schema tool, the
// PostgreSQL schemas that ship in the server's module, and the standalone
// Web UI server. A later run needs neither Go nor the network.
import { access, cp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { isExecutable } from '../dev/executables.js';
import { goInstall, goModuleDir } from '../dev/go-install.js';
import type { Progress } from '../dev/progress.js';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from './versions.js';

export interface TemporalTools {
  server: string;
  sqlTool: string;
  uiServer: string;
  /** schema/postgresql/v12 of the server's module: `temporal/` and `visibility/`, each with `versioned/`. */
  postgresSchemaDir: string;
}

const NO_GO = 'build the binaries elsewhere and copy them under .tools/ (see the README, "Running in production")';

export async function ensureTemporalTools(toolsDir: string, progress: Progress): Promise<TemporalTools> {
  const serverDir = path.resolve(toolsDir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const uiDir = path.resolve(toolsDir, `temporal-ui-server-${TEMPORAL_UI_VERSION}`);
  const tools: TemporalTools = {
    server: path.join(serverDir, 'temporal-server'),
    sqlTool: path.join(serverDir, 'temporal-sql-tool'),
    uiServer: path.join(uiDir, 'temporal-ui-server'),
    postgresSchemaDir: path.join(serverDir, 'schema', 'postgresql', 'v12'),
  };
  if (!(await isExecutable(tools.server)) || !(await isExecutable(tools.sqlTool))) {
    // Both commands are named after their folder (`server`, `sql`): build aside, then name them.
    await buildInto(serverDir, `Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL tool`, progress, [
      [`go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`, 'server', tools.server],
      [`go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`, 'sql', tools.sqlTool],
    ]);
  }
  const schemaCopied = await access(path.join(tools.postgresSchemaDir, 'visibility', 'versioned')).then(
    () => true,
    () => false,
  );
  if (!schemaCopied) {
    const moduleDir = goModuleDir(`go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`, 'the Temporal schemas', NO_GO);
    progress(`copying Temporal's PostgreSQL schemas from ${moduleDir}`);
    await cp(path.join(moduleDir, 'schema', 'postgresql', 'v12'), tools.postgresSchemaDir, { recursive: true });
  }
  if (!(await isExecutable(tools.uiServer))) {
    await buildInto(uiDir, `Temporal Web UI server ${TEMPORAL_UI_VERSION}`, progress, [
      [`github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION}`, 'server', tools.uiServer],
    ]);
  }
  return tools;
}

async function buildInto(
  dir: string,
  what: string,
  progress: Progress,
  builds: Array<[module: string, builtName: string, finalPath: string]>,
): Promise<void> {
  const buildDir = path.join(dir, 'build');
  await rm(buildDir, { recursive: true, force: true });
  await goInstall({ modules: builds.map(([module]) => module), binDir: buildDir, what, alternatives: NO_GO, progress });
  for (const [, builtName, finalPath] of builds) await rename(path.join(buildDir, builtName), finalPath);
  await rm(buildDir, { recursive: true, force: true });
}
