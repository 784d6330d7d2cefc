// Rotating the encryption key under live traffic (issue #16, item 1): a new
// primary joins the ring, `keys reseal` re-seals every signing secret and key
// under it while deliveries keep being signed and verified, the worker running
// the reseal is restarted mid-run, and the old key then leaves the ring. A
// value still sealed under the removed key fails its delivery with an error
// naming the key id. Real Temporal, real PostgreSQL, a real receiver.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { portalTokenKeys } from '../../src/auth/portal-tokens.js';
import { runReseal } from '../../src/cli/reseal-command.js';
import { parseKeyring, singleKeyring } from '../../src/crypto/keyring.js';
import { createSecretBox, generateEncryptionKey, type SecretBox } from '../../src/crypto/secret-box.js';
import { startHookflowWorker, type HookflowWorker } from '../../src/runtime/worker.js';
import type { ResealProgress } from '../../workflows/reseal-progress.js';
import { RESEAL_WORKFLOW_ID } from '../../workflows/reseal-workflow.js';
import { historiesAsText } from '../support/histories.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';
import { v1aVerifies } from '../support/v1a-verifier.js';
import { v1Verifies } from '../support/v1-verifier.js';

let stack: TestStack;
let receiver: Receiver;
/** The worker now running: replaced at each step of the rotation. */
let worker: HookflowWorker;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1, 0.1, 0.1] });
  receiver = await startReceiver();
  worker = stack.worker;
});

afterAll(async () => {
  await worker?.shutdown();
  await receiver?.close();
  await stack?.close();
});

/** A new worker with this secret box, then the one before stopped: a rolling restart with a new keyring. */
async function restartWorkerWith(secretBox: SecretBox, identity: string): Promise<void> {
  const next = await startHookflowWorker({ ...stack.workerOptions, identity, activities: { ...stack.workerOptions.activities, secretBox } });
  await worker.shutdown();
  worker = next;
}

type Verifier = (request: ReceivedRequest) => boolean;

function hmacVerifier(secret: string): Verifier {
  return (request) => v1Verifies(secret, request);
}

describe('rotating the encryption key', () => {
  const oldKey = () => stack.encryptionKey;
  const newKey = generateEncryptionKey();
  const type = `${uniqueName('rotation')}.event`;
  /** By the receiver path each subscription delivers to. */
  const verifiers = new Map<string, Verifier>();
  const published: string[] = [];
  /** Every signing secret shown: none may reach a Temporal history. */
  const secrets: string[] = [];
  let traffic: Promise<void> | undefined;
  let stopTraffic = false;

  it('signs every delivery while a new key joins the ring, the reseal runs (through a worker restart), and the old key leaves', async () => {
    // Subscriptions under the single key of before (HOOKFLOW_ENCRYPTION_KEY): HMAC ones, an ed25519 one, and one
    // mid-way through a signing-secret rotation (its previous secret is sealed too).
    for (let i = 0; i < 4; i++) {
      const scheme = i === 3 ? 'v1a' : 'v1';
      const url = `${receiver.url}/s${i}`;
      const { status, body } = await stack.api('POST', '/v1/subscriptions', { url, eventTypes: [type], signatureScheme: scheme });
      expect(status).toBe(201);
      if (body.secret) secrets.push(body.secret);
      verifiers.set(new URL(url).pathname, scheme === 'v1a' ? (r) => v1aVerifies(body.publicKey, r) : hmacVerifier(body.secret));
      if (i === 0) {
        const { body: rotated } = await stack.api('POST', `/v1/subscriptions/${body.id}/secret/rotate`, { overlapSeconds: 3600 });
        const path = new URL(url).pathname;
        const before = verifiers.get(path)!;
        const after = hmacVerifier(rotated.secret);
        secrets.push(rotated.secret);
        // During the overlap each delivery carries both signatures: both must verify.
        verifiers.set(path, (r) => before(r) && after(r));
      }
    }
    // Rows that get no traffic, so the reseal has pages enough to be stopped in the middle of.
    for (let i = 0; i < 16; i++) {
      expect((await stack.api('POST', '/v1/subscriptions', { url: `${receiver.url}/idle`, eventTypes: [`${type}.idle`] })).status).toBe(201);
    }
    const { rows: sealedBefore } = await stack.pool.query<{ sealed_secret: string }>('SELECT sealed_secret FROM subscriptions');
    const legacyId = singleKeyring(oldKey()).primary.id;
    expect(sealedBefore.every((r) => r.sealed_secret.startsWith(`v2.${legacyId}.`))).toBe(true);

    // Live traffic from here to the end: an event every 150 ms, to the four subscriptions.
    traffic = (async () => {
      for (let n = 0; !stopTraffic; n++) {
        const { status, body } = await stack.api('POST', '/v1/events', { type, payload: { n } });
        expect(status).toBe(202);
        published.push(body.id);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    await waitFor('traffic', async () => (receiver.requests.length >= 8 ? true : undefined));

    // 1. The new key joins the ring, first; the old one stays, named by its fingerprint as it was.
    const during = createSecretBox(parseKeyring(`k2:${newKey},${oldKey()}`));
    await restartWorkerWith(during, 'ring-k2-k0');
    stack.apiDeps.secretBox = during;

    // 2. The reseal, in pages of one row, two pages a run (so it continues as new), the worker restarted mid-run.
    const lines: string[] = [];
    let restarted: Promise<void> | undefined;
    let progressAtRestart: string | undefined;
    const outcome = await runReseal(stack.temporal, {
      taskQueue: stack.taskQueue,
      input: { primaryKeyId: 'k2', batchSize: 1, batchesPerRun: 2 },
      pollMs: 20,
      onProgress: (line) => {
        lines.push(line);
        if (restarted === undefined && /: [3-9]\/20 rows/.test(line)) {
          progressAtRestart = line;
          restarted = restartWorkerWith(during, 'ring-k2-k0-restarted');
        }
      },
    });
    await restarted;
    expect(progressAtRestart).toMatch(/^running: /);
    expect(outcome).toMatchObject({ primaryKeyId: 'k2', total: 20, scanned: 20, resealed: 20, skipped: 0, unopenable: 0, done: true });
    expect(lines.at(-1)).toBe('done: 20/20 rows looked at: 20 re-sealed under k2, 0 already were, 0 would not open');
    expect(lines.length).toBeGreaterThan(2);
    // It continued as new, more than once, and the Web UI sees the progress in the memo.
    const description = await stack.temporal.workflow.getHandle(RESEAL_WORKFLOW_ID).describe();
    expect(description.memo?.resealProgress).toBe(lines.at(-1));
    // 20 rows and the empty page after them, two pages a run: 11 runs.
    await waitFor('the reseal runs to be listed', async () => {
      let runs = 0;
      for await (const run of stack.temporal.workflow.list({ query: `WorkflowId = '${RESEAL_WORKFLOW_ID}'` }))
        runs += run.taskQueue === stack.taskQueue ? 1 : 0;
      return runs === 11 ? true : undefined;
    });
    const { rows: sealedAfter } = await stack.pool.query<{ sealed_secret: string; previous_sealed_secret: string | null }>(
      'SELECT sealed_secret, previous_sealed_secret FROM subscriptions',
    );
    for (const row of sealedAfter) {
      expect(row.sealed_secret).toMatch(/^v2\.k2\./);
      if (row.previous_sealed_secret !== null) expect(row.previous_sealed_secret).toMatch(/^v2\.k2\./);
    }
    expect(sealedAfter.filter((r) => r.previous_sealed_secret !== null)).toHaveLength(1);

    // 3. Run again: nothing left to do, every row skipped.
    const again = await runReseal(stack.temporal, {
      taskQueue: stack.taskQueue,
      input: { primaryKeyId: 'k2', batchSize: 7, batchesPerRun: 50 },
      onProgress: () => {},
    });
    expect(again).toMatchObject({ scanned: 20, resealed: 0, skipped: 20, unopenable: 0, done: true });

    // 4. The old key leaves the ring; traffic goes on a while longer.
    const after = createSecretBox(parseKeyring(`k2:${newKey}`));
    await restartWorkerWith(after, 'ring-k2');
    stack.apiDeps.secretBox = after;
    const receivedSoFar = receiver.requests.length;
    await waitFor('traffic after the old key left', async () => (receiver.requests.length >= receivedSoFar + 12 ? true : undefined));
    stopTraffic = true;
    await traffic;

    // Every event reached every subscription, once, signed so its receiver verifies it; nothing failed.
    await waitFor('every delivery to settle', async () => {
      const { rows } = await stack.pool.query<{ status: string }>(
        `SELECT d.status FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.type = $1 AND d.status <> 'succeeded'`,
        [type],
      );
      return rows.length === 0 ? true : undefined;
    });
    const { rows: attempts } = await stack.pool.query<{ failed: string; total: string }>(
      `SELECT count(*) FILTER (WHERE a.status_code IS NULL OR a.status_code >= 300) AS failed, count(*) AS total
         FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN events e ON e.id = d.event_id WHERE e.type = $1`,
      [type],
    );
    expect(Number(attempts[0]!.failed)).toBe(0);
    expect(Number(attempts[0]!.total)).toBe(published.length * 4);
    const delivered = receiver.requests.filter((r) => verifiers.has(r.path));
    expect(delivered).toHaveLength(published.length * 4);
    const unverified = delivered.filter((r) => !verifiers.get(r.path)!(r)).map((r) => r.path);
    expect(unverified).toEqual([]);
    expect(published.length).toBeGreaterThan(10);

    // The reseal's inputs, results, memo and details name key ids and counts: no key, no secret.
    const histories = (await historiesAsText(stack)).join('\n');
    expect(histories).toContain('re-sealed under k2');
    for (const secret of [oldKey(), newKey, ...secrets]) expect(histories).not.toContain(secret);
  });

  it('fails a delivery whose key is sealed under a key no longer in the ring, naming the key id and no secret', async () => {
    const legacyId = singleKeyring(oldKey()).primary.id;
    const { body: created } = await stack.api('POST', '/v1/subscriptions', { url: `${receiver.url}/stale`, eventTypes: [`${type}.stale`] });
    // As if the reseal had missed it: its secret sealed under the old key, which the ring no longer holds.
    await stack.pool.query('UPDATE subscriptions SET sealed_secret = $2 WHERE id = $1', [
      created.id,
      createSecretBox(oldKey()).seal(created.secret, created.id),
    ]);
    const { body: event } = await stack.api('POST', '/v1/events', { type: `${type}.stale`, payload: {} });
    const dead = await waitFor('the delivery to be dead-lettered', async () => {
      const { body } = await stack.api('GET', `/v1/events/${event.id}`);
      return body.deliveries?.[0]?.status === 'dead' ? body.deliveries[0] : undefined;
    });
    const { body: delivery } = await stack.api('GET', `/v1/deliveries/${dead.id}`);
    expect(delivery.lastError).toContain(`encryption key "${legacyId}", which is not in the keyring`);
    expect(delivery.lastError).toContain(created.id);
    for (const secret of [oldKey(), newKey, created.secret]) expect(delivery.lastError).not.toContain(secret);
    expect(receiver.requests.some((r) => r.path.endsWith('/stale'))).toBe(false);
    // Showing the secret says the same, as a problem, rather than a bare internal error.
    const shown = await stack.api('GET', `/v1/subscriptions/${created.id}/secret`);
    expect(shown.status).toBe(500);
    expect(shown.body).toMatchObject({ status: 500, detail: expect.stringContaining(`encryption key "${legacyId}", which is not in the keyring`) });
    expect(JSON.stringify(shown.body)).not.toContain(created.secret);

    // The reseal reports it rather than stopping, so the operator knows which row and which key.
    const report: ResealProgress = await runReseal(stack.temporal, {
      taskQueue: stack.taskQueue,
      input: { primaryKeyId: 'k2', batchSize: 50, batchesPerRun: 50 },
      onProgress: () => {},
    });
    expect(report).toMatchObject({ scanned: 21, resealed: 0, skipped: 20, unopenable: 1 });
    expect(report.unopenableSamples).toEqual([{ subscriptionId: created.id, reason: expect.stringContaining(`"${legacyId}"`) }]);
  });

  it('hookflow keys reseal prints the progress and the outcome, and exits 1 while a value would not open', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      HOOKFLOW_TASK_QUEUE: stack.taskQueue,
      HOOKFLOW_ENCRYPTION_KEYS: `k2:${newKey}`,
      LOG_LEVEL: 'warn',
    };
    delete env.HOOKFLOW_ENCRYPTION_KEY;
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['bin/hookflow.mjs', 'keys', 'reseal', '--batch-size', '10'], { env }, (error, out, err) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: out, stderr: err }),
      );
    });
    expect(stderr).toContain('done: 21/21 rows looked at: 0 re-sealed under k2, 20 already were, 1 would not open');
    expect(JSON.parse(stdout)).toMatchObject({ primaryKeyId: 'k2', scanned: 21, unopenable: 1, done: true });
    expect(code).toBe(1);
    expect(stdout + stderr).not.toContain(newKey);
  });

  it('keeps portal tokens good across API processes through a rotation, until the key that signed one leaves the ring', async () => {
    // Three API processes' apps on the one database, as a rolling restart leaves them: the old ring, the new, the final.
    const apiWith = (spec: string) => {
      const keys = portalTokenKeys(parseKeyring(spec));
      return createApp({ ...stack.apiDeps, portalTokenKey: keys[0]!, portalTokenVerifyKeys: keys });
    };
    const old = apiWith(oldKey());
    const during = apiWith(`k2:${newKey},${oldKey()}`);
    const final = apiWith(`k2:${newKey}`);
    const issue = async (app: ReturnType<typeof createApp>) => {
      const response = await app.request('/v1/tenants/default/portal-token', {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { token: string }).token;
    };
    const statusWith = async (app: ReturnType<typeof createApp>, token: string) =>
      (await app.request('/v1/subscriptions', { headers: { authorization: `Bearer ${token}` } })).status;
    const oldToken = await issue(old);
    const newToken = await issue(during);
    expect([await statusWith(old, oldToken), await statusWith(during, oldToken), await statusWith(during, newToken)]).toEqual([200, 200, 200]);
    expect(await statusWith(final, newToken)).toBe(200);
    expect(await statusWith(final, oldToken)).toBe(401);
  });
});
