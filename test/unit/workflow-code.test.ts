// Workflow code runs in Temporal's deterministic sandbox: it may import only
// @temporalio/workflow, @temporalio/common (its deterministic base), its own
// folder, and types. The fence is an ESLint rule
// (workflowFence in eslint.config.js, run by `npm run lint`); these tests run
// it here too, show what it flags, and let the bundler prove the rest.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../src/runtime/worker.js';
import { WORKFLOW_TRACING_MODULE } from '../../src/telemetry/temporal-tracing.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKFLOWS_DIR = path.dirname(WORKFLOWS_PATH);

// The fence's rules, and the one it relies on: under verbatimModuleSyntax
// `import { type A } from 'x'` still loads 'x', `import type { A }` does not.
const FENCE_RULES = new Set(['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax', '@typescript-eslint/no-import-type-side-effects']);

// The project's own configuration, reduced to the fence: no type information
// (the fence needs none, and a TypeScript program would cost seconds).
const fence = new ESLint({
  cwd: ROOT,
  ruleFilter: ({ ruleId }) => FENCE_RULES.has(ruleId),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

/** What the fence (or the parser) says about each file. */
const findings = (results: ESLint.LintResult[]): Array<{ file: string; line: number; message: string }> =>
  results.flatMap((result) =>
    result.messages
      .filter((m: Linter.LintMessage) => m.fatal === true || FENCE_RULES.has(m.ruleId ?? ''))
      .map((m) => ({ file: path.relative(ROOT, result.filePath), line: m.line, message: m.message })),
  );

describe('workflow code', () => {
  it('imports at runtime only @temporalio/workflow, @temporalio/common and its own folder', async () => {
    const results = await fence.lintFiles([WORKFLOWS_DIR]);
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(findings(results)).toEqual([]);
  }, 60_000); // the first lint loads the configuration, typescript-eslint and TypeScript

  it('the fence flags Node, npm and I/O-side imports, however written, and lets types through', async () => {
    const probe = [
      "import { readFile } from 'node:fs/promises';",
      "import pg from 'pg';",
      "import { recordEvent } from '../src/db/events.js';",
      "import type { Activities } from '../activities/index.js';",
      "import { type DeliveryStatus } from '../src/schemas/delivery.js';",
      "import { proxyActivities } from '@temporalio/workflow';",
      "import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';",
      "import { Connection } from '@temporalio/client';",
      "import { deliveryWorkflow } from './delivery-workflow.js';",
      "export { eventWorkflow } from './event-workflow.js';",
      "export type { AcceptedEvent } from '../src/schemas/event.js';",
      "export * from '../src/ids.js';",
      "import { LocalActivityDoneError } from '@temporalio/workflow/lib/errors.js';",
      "export const later = () => import('node:crypto');",
      "export const required = () => require('undici');",
    ];
    const results = await fence.lintText(probe.join('\n'), { filePath: path.join(WORKFLOWS_DIR, 'probe.ts') });
    const flagged = [...new Set(findings(results).map((f) => probe[f.line - 1]))];
    expect(flagged).toEqual([probe[0], probe[1], probe[2], probe[4], probe[7], probe[11], probe[12], probe[13], probe[14]]);
  });

  it('the fence holds only in workflows/', async () => {
    const results = await fence.lintText("import pg from 'pg';\nexport const later = () => import('node:crypto');", {
      filePath: path.join(ROOT, 'activities', 'probe.ts'),
    });
    expect(findings(results)).toEqual([]);
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
