// The event catalog against a real PostgreSQL and Temporal: types with
// versioned schemas, publishing checked against them (a refused event starts
// nothing), HOOKFLOW_REQUIRE_EVENT_TYPES, changes seen by publishing, the
// in-memory copy carrying on while PostgreSQL is unreachable, and the catalog
// as an AsyncAPI 3.0 document the AsyncAPI parser accepts.
import { Parser, type SchemaParser } from '@asyncapi/parser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { createEventCatalog, type EventCatalogOptions } from '../../src/catalog/event-catalog.js';
import { JSON_SCHEMA_2020_12_FORMAT } from '../../src/catalog/asyncapi.js';
import { compilePayloadSchema, SchemaInvalidError } from '../../src/catalog/payload-schema.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { createAnnouncer } from '../../src/services/events.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

let stack: TestStack;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

/** A fresh type name per test: the catalog is global, tests must not meet. */
const typeName = (what: string) => `${uniqueName(what).replace(/_/g, '-')}.created`;

const ORDER_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['orderId', 'amount', 'customer'],
  additionalProperties: false,
  properties: {
    orderId: { type: 'integer' },
    amount: { type: 'number', minimum: 0 },
    note: { type: 'string' },
    customer: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
  },
};
const GOOD_ORDER = { orderId: 1001, amount: 12.5, customer: { email: 'ada@example.com' } };

async function createOrderType(name: string) {
  const created = await stack.api('POST', '/v1/event-types', {
    name,
    description: 'An order was placed.',
    schema: ORDER_SCHEMA,
    examples: [GOOD_ORDER],
  });
  expect(created.status).toBe(201);
  return created.body;
}

function publishTo(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, key = stack.adminKey) {
  return async (body: object) => {
    const response = await app.request('/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };
}

/** An app of its own, with its own copy of the catalog (another API process, or another setting). */
function appWithCatalog(options: { pool?: Pool } & Partial<Pick<EventCatalogOptions, 'requireEventTypes' | 'refreshAfterMs'>> = {}) {
  const pool = options.pool ?? stack.pool;
  const catalog = createEventCatalog({ requireEventTypes: false, ...options, pool, logger: stack.apiDeps.logger });
  return { catalog, app: createApp({ ...stack.apiDeps, pool, catalog }) };
}

describe('event types', () => {
  it('creates, reads, lists and changes a type; a new schema is a new version, the history is kept', async () => {
    const name = typeName('order');
    const created = await createOrderType(name);
    expect(created).toMatchObject({
      name,
      description: 'An order was placed.',
      schema: ORDER_SCHEMA,
      schemaVersion: 1,
      examples: [GOOD_ORDER],
      deprecated: false,
      deprecatedAt: null,
    });

    expect((await stack.api('GET', `/v1/event-types/${name}`)).body).toEqual(created);
    expect((await stack.api('POST', '/v1/event-types', { name })).status).toBe(409);

    // Fields alone, or the same schema with its keys in another order: no new version.
    const reordered = Object.fromEntries(Object.entries(ORDER_SCHEMA).reverse());
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(ORDER_SCHEMA));
    const described = await stack.api('PATCH', `/v1/event-types/${name}`, { description: 'Placed.', schema: reordered });
    expect(described.status).toBe(200);
    expect(described.body).toMatchObject({ description: 'Placed.', schemaVersion: 1 });

    // A compatible change (one more optional field) is version 2.
    const v2Schema = { ...ORDER_SCHEMA, properties: { ...ORDER_SCHEMA.properties, coupon: { type: 'string' } } };
    const changed = await stack.api('PATCH', `/v1/event-types/${name}`, { schema: v2Schema });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ schemaVersion: 2, schema: v2Schema });

    const history = await stack.api('GET', `/v1/event-types/${name}/schemas`);
    expect(history.status).toBe(200);
    expect(history.body.data.map((v: any) => [v.version, v.schema])).toEqual([
      [2, v2Schema],
      [1, ORDER_SCHEMA],
    ]);

    const deprecated = await stack.api('PATCH', `/v1/event-types/${name}`, { deprecated: true });
    expect(deprecated.body.deprecated).toBe(true);
    expect(Date.parse(deprecated.body.deprecatedAt)).toBeGreaterThan(0);
    const again = await stack.api('PATCH', `/v1/event-types/${name}`, { deprecated: true });
    expect(again.body.deprecatedAt).toBe(deprecated.body.deprecatedAt);
    expect((await stack.api('PATCH', `/v1/event-types/${name}`, { deprecated: false })).body).toMatchObject({
      deprecated: false,
      deprecatedAt: null,
    });

    // Listed with the others, paged, and with the built-in types seeded by the migration.
    const names: string[] = [];
    for (let cursor: string | null | undefined, pages = 0; cursor !== null && pages < 50; pages++) {
      const page = await stack.api('GET', `/v1/event-types?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      names.push(...page.body.data.map((t: any) => t.name));
      cursor = page.body.nextCursor;
    }
    expect(names).toContain(name);
    expect(names).toContain('subscription.disabled');
    expect(new Set(names).size).toBe(names.length);

    expect((await stack.api('GET', '/v1/event-types/no.such.type')).status).toBe(404);
    expect((await stack.api('PATCH', '/v1/event-types/no.such.type', { description: 'x' })).status).toBe(404);
    expect((await stack.api('GET', '/v1/event-types/no.such.type/schemas')).status).toBe(404);
  });

  it('refuses a schema that does not compile, and an example the schema refuses, naming each; nothing is stored', async () => {
    const name = typeName('bad');
    const badSchema = await stack.api('POST', '/v1/event-types', { name, schema: { type: 'object', properties: { amount: { type: 'money' } } } });
    expect(badSchema.status).toBe(422);
    expect(badSchema.body.errors).toContainEqual({ path: 'schema/properties/amount/type', message: 'must be equal to one of the allowed values' });

    const typo = await stack.api('POST', '/v1/event-types', { name, schema: { type: 'object', requried: ['a'] } });
    expect(typo.status).toBe(422);
    expect(typo.body.errors).toEqual([{ path: 'schema', message: 'strict mode: unknown keyword: "requried"' }]);

    const badExample = await stack.api('POST', '/v1/event-types', {
      name,
      schema: ORDER_SCHEMA,
      examples: [GOOD_ORDER, { ...GOOD_ORDER, amount: 'lots' }],
    });
    expect(badExample.status).toBe(422);
    expect(badExample.body.errors).toEqual([{ path: 'examples/1/amount', message: 'must be number' }]);

    const badName = await stack.api('POST', '/v1/event-types', { name: 'has spaces', schema: {} });
    expect(badName.status).toBe(422);
    expect(badName.body.errors[0].path).toBe('name');

    expect((await stack.api('GET', `/v1/event-types/${name}`)).status).toBe(404);
  });

  it('refuses a new version that breaks the stored examples (a breaking change is a new name), and bad examples; nothing changes', async () => {
    const name = typeName('guarded');
    const created = await createOrderType(name);
    const breaking = await stack.api('PATCH', `/v1/event-types/${name}`, {
      description: 'not applied either',
      schema: { ...ORDER_SCHEMA, required: [...ORDER_SCHEMA.required, 'currency'] },
    });
    expect(breaking.status).toBe(422);
    expect(breaking.body.errors).toEqual([
      { path: 'schema', message: expect.stringContaining('refuses the stored example 0 (examples/0/currency: is required)') },
    ]);
    expect(breaking.body.errors[0].message).toContain(`"${name}.v2"`);

    const badExamples = await stack.api('PATCH', `/v1/event-types/${name}`, {
      examples: [{ orderId: 'x', amount: 1, customer: { email: 'a@example.com' } }],
    });
    expect(badExamples.status).toBe(422);
    expect(badExamples.body.errors).toEqual([{ path: 'examples/0/orderId', message: 'must be integer' }]);

    const badSchema = await stack.api('PATCH', `/v1/event-types/${name}`, { schema: { type: 12 } });
    expect(badSchema.status).toBe(422);
    expect(badSchema.body.errors.map((e: any) => e.path)).toContain('schema/type');

    expect((await stack.api('GET', `/v1/event-types/${name}`)).body).toEqual(created);
    expect((await stack.api('GET', `/v1/event-types/${name}/schemas`)).body.data).toHaveLength(1);
  });
});

describe('publishing against the catalog', () => {
  it('accepts exactly what the schema accepts; a refused event names each failure and starts nothing', async () => {
    const name = typeName('checked');
    await createOrderType(name);
    await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [name] });
    const publish = publishTo(stack.app);

    const refusals: Array<[string, object, Array<{ path: string; message: string }>]> = [
      ['a missing required field', { orderId: 1, amount: 1 }, [{ path: 'payload/customer', message: 'is required' }]],
      ['a value of the wrong type', { ...GOOD_ORDER, amount: '12.50' }, [{ path: 'payload/amount', message: 'must be number' }]],
      [
        'a field additionalProperties forbids',
        { ...GOOD_ORDER, coupon: 'FREE' },
        [{ path: 'payload/coupon', message: 'is not allowed (additionalProperties is false)' }],
      ],
      ['a nested failure', { ...GOOD_ORDER, customer: {} }, [{ path: 'payload/customer/email', message: 'is required' }]],
      [
        'a format',
        { ...GOOD_ORDER, customer: { email: 'not an address' } },
        [{ path: 'payload/customer/email', message: 'must match format "email"' }],
      ],
      [
        'several at once',
        { orderId: 1.5, amount: -1, customer: { email: 'a@example.com' } },
        [
          { path: 'payload/orderId', message: 'must be integer' },
          { path: 'payload/amount', message: 'must be >= 0' },
        ],
      ],
      ['not an object at all', [GOOD_ORDER], [{ path: 'payload', message: 'must be object' }]],
    ];
    for (const [what, payload, errors] of refusals) {
      const id = `evt_${uniqueName('refused')}`;
      const answer = await publish({ type: name, payload, id });
      expect(answer.status, what).toBe(422);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body.errors, what).toEqual(errors);
      // Nothing accepted: no event workflow, so no event.
      expect((await stack.api('GET', `/v1/events/${id}`)).status, what).toBe(404);
    }

    const accepted = await publish({ type: name, payload: { ...GOOD_ORDER, note: 'ring twice' } });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('deprecation')).toBeNull();
    const delivered = await waitFor('the delivery', async () => receiver.requests.find((r) => r.headers['webhook-id'] === accepted.body.id));
    expect(JSON.parse(delivered.body).data).toEqual({ ...GOOD_ORDER, note: 'ring twice' });
  });

  it("gives a test send without a payload the type's first example", async () => {
    const name = typeName('tested');
    await createOrderType(name);
    const { body: subscription } = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [name] });
    const sent = await stack.api('POST', `/v1/subscriptions/${subscription.id}/test`, {});
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ eventType: name, statusCode: 200 });
    const received = receiver.requests.find((r) => r.headers['webhook-id'] === sent.body.webhookId);
    expect(JSON.parse(received!.body)).toMatchObject({ type: name, data: GOOD_ORDER });
  });

  it('accepts a deprecated type, saying so in a Deprecation header', async () => {
    const name = typeName('old');
    await createOrderType(name);
    const { body } = await stack.api('PATCH', `/v1/event-types/${name}`, { deprecated: true });
    const answer = await publishTo(stack.app)({ type: name, payload: GOOD_ORDER });
    expect(answer.status).toBe(202);
    expect(answer.headers.get('deprecation')).toBe(`@${Math.floor(Date.parse(body.deprecatedAt) / 1000)}`);
    expect(answer.headers.get('link')).toBe(`</v1/event-types/${name}>; rel="deprecation"`);
  });

  it('accepts types without a schema, and unknown types unless HOOKFLOW_REQUIRE_EVENT_TYPES is on', async () => {
    const known = typeName('schemaless');
    expect((await stack.api('POST', '/v1/event-types', { name: known })).status).toBe(201);
    const unknown = typeName('unknown');
    const lenient = publishTo(stack.app);
    expect((await lenient({ type: unknown, payload: { anything: [1, 'two'] } })).status).toBe(202);
    expect((await lenient({ type: known, payload: 'any JSON' })).status).toBe(202);

    const strict = publishTo(appWithCatalog({ requireEventTypes: true }).app);
    const refused = await strict({ type: unknown, payload: {} });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: 'type', message: expect.stringContaining(`"${unknown}" is not in the event catalog`) }]);
    expect((await strict({ type: known, payload: 'any JSON' })).status).toBe(202);
  });

  it("keeps hookflow's own announcements working with HOOKFLOW_REQUIRE_EVENT_TYPES, checked against their seeded schema", async () => {
    const { catalog } = appWithCatalog({ requireEventTypes: true });
    const announce = createAnnouncer({ pool: stack.pool, temporal: stack.temporal, taskQueue: stack.taskQueue, catalog });
    const failingSince = new Date().toISOString();
    await expect(
      announce({
        type: 'subscription.disabled',
        idempotencyKey: uniqueName('announce'),
        payload: { subscriptionId: 'sub_x', url: 'https://example.com/hooks', reason: 'failing', failingSince },
      }),
    ).resolves.toBeUndefined();
    // The seeded schema is real: a malformed announcement would be refused.
    await expect(
      announce({ type: 'subscription.disabled', idempotencyKey: uniqueName('announce'), payload: { subscriptionId: 'sub_x' } }),
    ).rejects.toThrow('payload/url: is required');
    // And its example, as the migration stored it, passes its schema.
    const seeded = await stack.api('GET', '/v1/event-types/subscription.disabled');
    expect(seeded.body.schemaVersion).toBe(1);
    expect(() => compilePayloadSchema(seeded.body.schema)).not.toThrow();
    expect(seeded.body.examples).toHaveLength(1);
  });

  it('sees a change made through this process at once, and one made through another process within the refresh time', async () => {
    const name = typeName('changing');
    expect((await stack.api('POST', '/v1/event-types', { name })).status).toBe(201);
    const here = publishTo(stack.app);
    const other = appWithCatalog({ refreshAfterMs: 300 });
    const there = publishTo(other.app);
    expect((await here({ type: name, payload: { orderId: 'x' } })).status).toBe(202);
    expect((await there({ type: name, payload: { orderId: 'x' } })).status).toBe(202);

    const schema = { type: 'object', properties: { orderId: { type: 'integer' } } };
    expect((await stack.api('PATCH', `/v1/event-types/${name}`, { schema })).status).toBe(200);
    expect((await here({ type: name, payload: { orderId: 'x' } })).status).toBe(422);
    await expect.poll(async () => (await there({ type: name, payload: { orderId: 'x' } })).status, { timeout: 5_000, interval: 100 }).toBe(422);
    expect((await there({ type: name, payload: { orderId: 7 } })).status).toBe(202);
  });

  it('checks payloads from the last copy while PostgreSQL is unreachable, and answers 503 with no copy at all', async () => {
    const name = typeName('outage');
    await createOrderType(name);
    const { proxy, proxiedPool } = await proxiedDatabase();
    try {
      const { app } = appWithCatalog({ pool: proxiedPool, refreshAfterMs: 100 });
      const publish = publishTo(app);
      expect((await publish({ type: name, payload: GOOD_ORDER })).status).toBe(202);
      await proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 200));

      // Past the refresh time, with PostgreSQL gone: the copy still decides.
      const refused = await publish({ type: name, payload: { ...GOOD_ORDER, amount: 'lots' } });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([{ path: 'payload/amount', message: 'must be number' }]);
      expect((await publish({ type: name, payload: GOOD_ORDER })).status).toBe(202);
      const asyncapi = await app.request('/asyncapi.json');
      expect(asyncapi.status).toBe(200);
      expect(Object.keys((await asyncapi.json()).channels)).toContain(name);

      // A process that never loaded the catalog cannot check: unavailable, not accepted unchecked.
      const never = publishTo(appWithCatalog({ pool: proxiedPool }).app);
      const unavailable = await never({ type: name, payload: GOOD_ORDER });
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after')).toBe('5');

      await proxy.restore();
      expect((await never({ type: name, payload: GOOD_ORDER })).status).toBe(202);
    } finally {
      await proxiedPool.end();
      await proxy.close();
    }
  }, 30_000);

  it('goes on with the last copy when PostgreSQL hangs, after one bounded wait per refresh period', async () => {
    const name = typeName('hang');
    await createOrderType(name);
    const { proxy, proxiedPool } = await proxiedDatabase();
    try {
      // Only the catalog's queries hang: the API key is still checked against the real database.
      const catalog = createEventCatalog({
        pool: proxiedPool,
        logger: stack.apiDeps.logger,
        requireEventTypes: false,
        refreshAfterMs: 100,
        refreshWaitMs: 500,
      });
      const publish = publishTo(createApp({ ...stack.apiDeps, catalog }));
      const bad = { type: name, payload: { ...GOOD_ORDER, amount: 'lots' } };
      expect((await publish(bad)).status).toBe(422);
      proxy.stall();
      await new Promise((resolve) => setTimeout(resolve, 200));

      const timed = async () => {
        const started = performance.now();
        const answer = await publish(bad);
        return { status: answer.status, ms: performance.now() - started };
      };
      const first = await timed();
      expect(first.status).toBe(422);
      expect(first.ms).toBeGreaterThanOrEqual(450);
      expect(first.ms).toBeLessThan(5_000);
      // The refresh still hangs; the next publish does not wait for it again.
      const second = await timed();
      expect(second.status).toBe(422);
      expect(second.ms).toBeLessThan(450);
    } finally {
      await proxy.close(); // first: the hung queries fail, so the pool can end
      await proxiedPool.end();
    }
  }, 30_000);
});

/** A pool reaching this test's database through a proxy the test can cut or stall. */
async function proxiedDatabase() {
  const url = new URL(inject('databaseUrl'));
  const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
  const { rows } = await stack.pool.query<{ db: string }>('SELECT current_database() AS db');
  url.port = String(proxy.port);
  url.pathname = `/${rows[0]!.db}`;
  return { proxy, proxiedPool: createPool(url.toString()) };
}

/** JSON Schema 2020-12, as the catalog uses it, for the AsyncAPI parser: the schema must compile under Ajv's 2020-12 dialect. */
const jsonSchema2020Parser: SchemaParser = {
  getMimeTypes: () => [JSON_SCHEMA_2020_12_FORMAT],
  async validate(input) {
    try {
      compilePayloadSchema(input.data as Record<string, unknown>);
      return [];
    } catch (error) {
      if (!(error instanceof SchemaInvalidError)) throw error;
      return error.errors.map((e) => ({ message: `${e.path}: ${e.message}`, path: [...input.path] }));
    }
  },
  async parse(input) {
    return input.data as never;
  },
};

// DiagnosticSeverity.Error is 0. Read as a plain number: the parser and its
// Spectral core bring two copies of @stoplight/types, whose two enums never
// compare as the same type.
const isError = (diagnostic: { severity: number }) => diagnostic.severity === 0;

describe('/asyncapi.json', () => {
  it('is an AsyncAPI 3.0 document the AsyncAPI parser accepts, one channel per type of the catalog', async () => {
    const name = typeName('documented');
    const withDefs = {
      type: 'object',
      required: ['total'],
      properties: { total: { $ref: '#/$defs/money' } },
      $defs: { money: { type: 'string', pattern: '^[0-9]+\\.[0-9]{2}$' } },
    };
    expect(
      (await stack.api('POST', '/v1/event-types', { name, description: 'Documented.', schema: withDefs, examples: [{ total: '1.00' }] })).status,
    ).toBe(201);
    const response = await stack.app.request('/asyncapi.json');
    expect(response.status).toBe(200);
    const served = await response.json();

    const parser = new Parser();
    parser.registerSchemaParser(jsonSchema2020Parser);
    const { document, diagnostics } = await parser.parse(JSON.stringify(served));
    expect(diagnostics.filter(isError).map((d) => `${d.path.join('/')}: ${d.message}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');

    const { body: catalog } = await stack.api('GET', '/v1/event-types?limit=100');
    const channels = document!
      .channels()
      .all()
      .map((c) => c.id())
      .sort();
    expect(channels).toEqual(catalog.data.map((t: any) => t.name).sort());
    const message = document!.channels().get(name)!.messages().all()[0]!;
    expect(message.name()).toBe(name);
    expect(message.headers()!.required()).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    // The type's $ref resolved inside the document: the parser reached its $defs.
    const total = message.payload()!.properties()!.data!.properties()!.total!;
    expect(total.pattern()).toBe('^[0-9]+\\.[0-9]{2}$');

    // A change to the catalog is in the next document.
    const added = typeName('added');
    expect((await stack.api('POST', '/v1/event-types', { name: added })).status).toBe(201);
    const again = await (await stack.app.request('/asyncapi.json')).json();
    expect(Object.keys(again.channels).sort()).toEqual([...Object.keys(served.channels), added].sort());

    // The parser does refuse a broken document.
    const broken = await parser.parse(JSON.stringify({ ...served, channels: { x: { messages: { y: { $ref: '#/nowhere' } } } } }));
    expect(broken.diagnostics.some(isError)).toBe(true);
  });
});
