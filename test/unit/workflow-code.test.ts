// Workflow code runs in Temporal's deterministic sandbox: it may import only
// @temporalio/workflow, @temporalio/common (the SDK's own deterministic part,
// which @temporalio/workflow is built on and which holds error classes it does
// not re-export, such as WorkflowExecutionAlreadyStartedError), its own
// folder, and types. This fence checks the
// imports with the TypeScript parser, and the bundler proves the rest.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../src/runtime/worker.js';
import { WORKFLOW_TRACING_MODULE } from '../../src/telemetry/temporal-tracing.js';

const WORKFLOWS_DIR = path.dirname(WORKFLOWS_PATH);

interface ImportInfo {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function importsOf(file: string, text = readFileSync(file, 'utf8')): ImportInfo[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: ImportInfo[] = [];
  for (const statement of source.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier) {
      const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
      const typeOnly = ts.isImportDeclaration(statement)
        ? Boolean(statement.importClause?.isTypeOnly)
        : statement.isTypeOnly;
      found.push({ file: path.basename(file), specifier, typeOnly });
    }
  }
  return found;
}

const SANDBOX_SAFE_PACKAGES = new Set(['@temporalio/workflow', '@temporalio/common']);

function forbidden(imports: ImportInfo[]): ImportInfo[] {
  return imports
    .filter((i) => !i.typeOnly)
    .filter((i) => !SANDBOX_SAFE_PACKAGES.has(i.specifier) && !/^\.\/[\w-]+\.js$/.test(i.specifier));
}

describe('workflow code', () => {
  const files = readdirSync(WORKFLOWS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(WORKFLOWS_DIR, f));

  it('imports at runtime only @temporalio/workflow, @temporalio/common and its own folder', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.flatMap((file) => forbidden(importsOf(file)))).toEqual([]);
  });

  it('the fence flags Node, npm and I/O-side imports, and lets types through', () => {
    const probe = [
      "import { readFile } from 'node:fs/promises';",
      "import pg from 'pg';",
      "import { recordEvent } from '../src/db/events.js';",
      "import type { Activities } from '../activities/index.js';",
      "import { proxyActivities } from '@temporalio/workflow';",
      "import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';",
      "import { Connection } from '@temporalio/client';",
      "export { deliveryWorkflow } from './delivery-workflow.js';",
    ].join('\n');
    expect(forbidden(importsOf('probe.ts', probe)).map((i) => i.specifier)).toEqual([
      'node:fs/promises',
      'pg',
      '../src/db/events.js',
      '@temporalio/client',
    ]);
  });

  it('bundles for the Temporal sandbox', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silentLogger });
    expect(code).toContain('eventWorkflow');
    expect(code).toContain('deliveryWorkflow');
    // Nothing from Node or from the I/O side of hookflow made it in.
    expect(code).not.toMatch(/require\(["']node:|from ["']pg["']|undici/);
  }, 60_000);

  // With tracing on, the worker adds @temporalio/interceptors-opentelemetry's
  // own workflow interceptor module to the bundle. It is not in our folder, so
  // the import fence above does not read it: the bundler and this check do.
  it('bundles for the Temporal sandbox with the tracing interceptors too', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
      logger: silentLogger,
    });
    expect(code).toContain('eventWorkflow');
    expect(code).toContain('OpenTelemetryInboundInterceptor');
    expect(code).not.toMatch(/require\(["']node:|from ["']pg["']|undici/);
  }, 60_000);
});

const silentLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};
