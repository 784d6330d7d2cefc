// Both typed clients against the real stack: the HTTP one over a real API
// server on loopback, the Temporal one straight to the Temporal server.
import { execFile } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHookflowClient, createHookflowTemporalClient, HookflowApiError } from '../../src/index.js';
import { startApiServer, type ApiServer } from '../../src/runtime/api-server.js';
import { alwaysFail, alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let server: ApiServer;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  server = await startApiServer(stack.apiDeps, 0);
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await server?.close();
  await stack?.close();
});

async function receiver(behaviour = alwaysOk): Promise<Receiver> {
  const r = await startReceiver(behaviour);
  receivers.push(r);
  return r;
}

describe('HTTP client', () => {
  it('manages subscriptions, publishes, reads events and deliveries, and redelivers dead letters', async () => {
    const hookflow = createHookflowClient({ baseUrl: server.url, apiKey: stack.adminKey });
    const type = `${uniqueName('client')}.event`;
    const target = await receiver(alwaysFail);

    const subscription = await hookflow.subscriptions.create({ url: target.url, eventTypes: [type], description: 'via the client' });
    expect(subscription.secret).toMatch(/^whsec_/);
    expect(await hookflow.subscriptions.secret(subscription.id)).toBe(subscription.secret);
    expect(await hookflow.subscriptions.verificationKey(subscription.id)).toEqual({ secret: subscription.secret });
    // A test send to the (failing) endpoint answers the attempt, and leaves no delivery behind.
    expect(await hookflow.subscriptions.test(subscription.id, { payload: { hello: 'test' } })).toMatchObject({
      eventType: type,
      statusCode: 500,
      webhookId: expect.stringMatching(/^test_/),
    });
    expect((await hookflow.listDeliveries({ subscriptionId: subscription.id })).data).toEqual([]);
    expect((await hookflow.subscriptions.get(subscription.id)).description).toBe('via the client');
    expect((await hookflow.subscriptions.list({ limit: 100 })).data.map((s) => s.id)).toContain(subscription.id);

    const key = uniqueName('idem');
    const published = await hookflow.publish({ type, payload: { hello: 'world' } }, { idempotencyKey: key });
    expect(published.replayed).toBe(false);
    expect(await hookflow.publish({ type, payload: { hello: 'world' } }, { idempotencyKey: key })).toEqual({ ...published, replayed: true });

    const dead = await waitFor('the dead letter', async () => {
      const page = await hookflow.listDeadLetters({ subscriptionId: subscription.id });
      return page.data[0];
    });
    expect(dead.eventId).toBe(published.id);
    const event = await hookflow.getEvent(published.id);
    expect(event).toMatchObject({ id: published.id, type, payload: { hello: 'world' }, state: 'recorded' });
    expect((await hookflow.getDelivery(dead.id)).attempts).toHaveLength(2);
    expect((await hookflow.subscriptions.health(subscription.id)).consecutiveFailures).toBe(2);

    target.setBehaviour(alwaysOk);
    await hookflow.redeliver(dead.id);
    const delivered = await waitFor('the redelivery', async () => {
      const d = await hookflow.getDelivery(dead.id);
      return d.status === 'succeeded' ? d : undefined;
    });
    expect(delivered.attempts).toHaveLength(3);
    new Webhook(subscription.secret!).verify(target.requests.at(-1)!.body, target.requests.at(-1)!.headers as Record<string, string>);

    await hookflow.subscriptions.delete(subscription.id);
  });

  it("manages tenants, and a portal token's client works within its tenant only", async () => {
    const hookflow = createHookflowClient({ baseUrl: server.url, apiKey: stack.adminKey });
    const tenant = await hookflow.tenants.create({ name: 'Client Co', metadata: { crm: 'c-1' } });
    expect(await hookflow.tenants.get(tenant.id)).toEqual(tenant);
    expect((await hookflow.tenants.update(tenant.id, { name: 'Client Co.' })).name).toBe('Client Co.');
    expect((await hookflow.tenants.list({ limit: 100 })).data.map((t) => t.id)).toContain(tenant.id);

    const { token, scopes } = await hookflow.tenants.issuePortalToken(tenant.id, { expiresInSeconds: 300 });
    expect(scopes).toEqual(['admin']);
    const customer = createHookflowClient({ baseUrl: server.url, apiKey: token });
    const own = await customer.subscriptions.create({ url: 'https://customer.example/hooks', eventTypes: ['order.created'] });
    expect(own.tenantId).toBe(tenant.id);
    expect((await customer.subscriptions.list()).data.map((s) => s.id)).toEqual([own.id]);
    expect((await hookflow.subscriptions.list({ tenantId: tenant.id })).data.map((s) => s.id)).toEqual([own.id]);

    await hookflow.tenants.revokePortalTokens(tenant.id);
    await expect(customer.subscriptions.list()).rejects.toMatchObject({ status: 401 });
    await hookflow.tenants.delete(tenant.id);
    await expect(hookflow.tenants.get(tenant.id)).rejects.toMatchObject({ status: 404 });
    const trail = await hookflow.auditEvents.list({ resourceType: 'tenant', resourceId: tenant.id, limit: 100 });
    expect(trail.data.map((e) => e.action).sort()).toEqual([
      'tenant.create',
      'tenant.delete',
      'tenant.portal-token.issue',
      'tenant.portal-tokens.revoke',
      'tenant.update',
    ]);
  });

  it('turns problems into HookflowApiError, naming the fields', async () => {
    const hookflow = createHookflowClient({ baseUrl: server.url, apiKey: stack.adminKey });
    const error = await hookflow.subscriptions.create({ url: 'not a url', eventTypes: ['a.b'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HookflowApiError);
    expect((error as HookflowApiError).status).toBe(422);
    expect((error as HookflowApiError).problem.errors).toEqual([{ path: 'url', message: 'must be an absolute http(s) URL' }]);

    const stranger = createHookflowClient({ baseUrl: server.url, apiKey: 'hfk_wrong' });
    await expect(stranger.getEvent('evt_x')).rejects.toMatchObject({ status: 401 });
  });
});

describe('Temporal client', () => {
  it('publishes by starting the event workflow, idempotently, and redelivers a dead letter by signal', async () => {
    const hookflow = createHookflowTemporalClient({ client: stack.temporal, taskQueue: stack.taskQueue });
    const type = `${uniqueName('direct')}.event`;
    const target = await receiver(alwaysFail);
    const { body: subscription } = await stack.api('POST', '/v1/subscriptions', { url: target.url, eventTypes: [type] });

    const key = uniqueName('idem');
    const published = await hookflow.publish({ type, payload: { from: 'temporal' } }, { idempotencyKey: key });
    const again = await hookflow.publish({ type, payload: { from: 'temporal' } }, { idempotencyKey: key });
    expect(again).toEqual({ ...published, replayed: true });
    expect(await hookflow.getAcceptedEvent(published.id)).toMatchObject({ id: published.id, type, payload: { from: 'temporal' } });

    await waitFor('the dead letter', async () => {
      const { body } = await stack.api('GET', `/v1/events/${published.id}`);
      return body.deliveries?.[0]?.status === 'dead' ? true : undefined;
    });
    target.setBehaviour(alwaysOk);
    await hookflow.redeliver({ eventId: published.id, subscriptionId: subscription.id });
    await waitFor('the redelivery', async () =>
      target.requests.at(-1) && JSON.parse(target.requests.at(-1)!.body).data.from === 'temporal' && target.requests.length === 3 ? true : undefined,
    );
    const { body: event } = await stack.api('GET', `/v1/events/${published.id}`);
    await waitFor('succeeded', async () =>
      (await stack.api('GET', `/v1/deliveries/${event.deliveries[0].id}`)).body.status === 'succeeded' ? true : undefined,
    );
  });
});

describe('command line', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['bin/hookflow.mjs', ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('publishes and lists through the API, and its exit codes say what happened', async () => {
    const env = { HOOKFLOW_URL: server.url, HOOKFLOW_API_KEY: stack.adminKey };
    const type = `${uniqueName('cli')}.event`;
    const target = await receiver();
    await stack.api('POST', '/v1/subscriptions', { url: target.url, eventTypes: [type] });

    const published = await cli(['publish', type, '{"from":"cli"}', '--idempotency-key', uniqueName('k')], env);
    expect(published.code).toBe(0);
    const event = JSON.parse(published.stdout);
    expect(event).toMatchObject({ type, replayed: false });
    await waitFor('the delivery', async () => (target.requests.length === 1 ? true : undefined));

    const listed = await cli(['deliveries', 'list', '--event', event.id], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).data).toEqual([expect.objectContaining({ eventId: event.id })]);

    const general = await cli(['--help']);
    expect(general.code).toBe(0);
    expect(general.stdout).toContain('  deliveries list [options]');
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['publish', type, '{not json'], env)).code).toBe(2);
    const missing = await cli(['redeliver', 'dlv_missing'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('404 Delivery not found');
  }, 60_000);

  it("prints a command's help on stdout, and its usage on stderr for a bad command line", async () => {
    // An invalid environment must not stand between an operator and the help.
    const broken = { PORT: 'not a port' };
    for (const args of [
      ['deliveries', 'list', '--help'],
      ['deliveries', 'list', '-h'],
      ['help', 'deliveries', 'list'],
    ]) {
      const help = await cli(args, broken);
      expect(help.code).toBe(0);
      expect(help.stderr).toBe('');
      expect(help.stdout).toMatch(/^Usage: hookflow deliveries list \[options\]\n/);
      expect(help.stdout).toMatch(/^ {2}--dead +dead letters only$/m);
      expect(help.stdout).toMatch(/^ {2}--subscription <ID> +one subscription's deliveries$/m);
      expect(help.stdout).toMatch(/^ {2}HOOKFLOW_API_KEY +/m);
      expect(help.stdout).toContain('Examples:\n  hookflow deliveries list --dead --limit 20\n');
    }
    // A group's help lists its commands; each command's help its environment.
    const keys = await cli(['keys', '--help'], broken);
    expect([keys.code, keys.stdout]).toEqual([0, expect.stringMatching(/^ {2}keys create \[options\] +create an API key/m)]);
    expect(keys.stdout).toMatch(/^ {2}keys reseal \[options\] +re-seal every stored secret/m);
    expect((await cli(['keys', 'create', '--help'], broken)).stdout).toMatch(/^ {2}DATABASE_URL +PostgreSQL to use/m);

    const badOption = await cli(['deliveries', 'list', '--dead-letters'], { HOOKFLOW_URL: server.url, HOOKFLOW_API_KEY: stack.adminKey });
    expect(badOption.code).toBe(2);
    expect(badOption.stdout).toBe('');
    expect(badOption.stderr).toContain("[hookflow] unknown option '--dead-letters'");
    expect(badOption.stderr).toContain('usage: hookflow deliveries list [options]\n(hookflow deliveries list --help explains it)');

    const missingArgument = await cli(['redeliver']);
    expect(missingArgument.code).toBe(2);
    expect(missingArgument.stderr).toContain("[hookflow] missing required argument 'deliveryId'");
    expect(missingArgument.stderr).toContain('usage: hookflow redeliver [options] <deliveryId>');
  }, 60_000);
});
