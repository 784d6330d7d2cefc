import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createSubscriptionSchema, rotateSecretSchema, subscriptionStatusSchema, updateSubscriptionSchema } from '../../src/schemas/subscription.js';

const minimal = { url: 'https://example.com/hooks', eventTypes: ['order.created'] };

const full = {
  url: 'https://user.example.com:8443/hooks/orders?tenant=1',
  eventTypes: ['order.created', 'order.updated', 'invoice_paid', 'a-b.c_d.E9', '*'],
  description: 'Orders for the billing service',
  headers: { 'X-Tenant': 'acme', Authorization: 'Bearer abc', 'X-Tab': 'a\tb' },
  retrySchedule: [1, 10, 60],
  timeoutMs: 5_000,
  permanentStatusCodes: [400, 404, 422],
};

function issuesOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error!.issues;
}

/** Parses `{...minimal, ...patch}` and returns the paths of its issues. */
function rejectionPaths(patch: Record<string, unknown>) {
  return issuesOf(createSubscriptionSchema, { ...minimal, ...patch }).map((issue) => issue.path);
}

function accepts(patch: Record<string, unknown>) {
  const result = createSubscriptionSchema.safeParse({ ...minimal, ...patch });
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return result.data;
}

const headersOf = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-Custom-${i}`, 'v']));

describe('createSubscriptionSchema', () => {
  describe('accepts', () => {
    it('a minimal input, leaving optional fields out', () => {
      const data = accepts({});
      expect(data).toEqual(minimal);
      expect('headers' in data).toBe(false);
      expect('retrySchedule' in data).toBe(false);
    });

    it('a full valid input unchanged', () => {
      expect(createSubscriptionSchema.parse(full)).toEqual(full);
    });

    it('nulls for description, retrySchedule and timeoutMs', () => {
      expect(accepts({ description: null, retrySchedule: null, timeoutMs: null })).toEqual({
        ...minimal,
        description: null,
        retrySchedule: null,
        timeoutMs: null,
      });
    });

    it.each(['http://example.com', 'https://example.com', 'http://localhost:8080/x', 'https://10.0.0.1/hook', 'HTTPS://EXAMPLE.COM/'])(
      'URL %s',
      (url) => {
        expect(accepts({ url }).url).toBe(url);
      },
    );

    it('the wildcard "*" as an event type', () => {
      expect(accepts({ eventTypes: ['*'] }).eventTypes).toEqual(['*']);
    });

    it('prefix patterns next to names', () => {
      expect(accepts({ eventTypes: ['order.*', 'a.b.*', 'invoice.paid'] }).eventTypes).toEqual(['order.*', 'a.b.*', 'invoice.paid']);
    });

    it('a payload filter, and null for none', () => {
      const filter = { amount: { $gte: 100 }, 'customer.country': { $in: ['NL', 'BE'] } };
      expect(accepts({ filter }).filter).toEqual(filter);
      expect(accepts({ filter: null }).filter).toBeNull();
    });

    it.each(['a', 'order.created', 'a.b.c.d', 'A_B-c.9', 'x'.repeat(128)])('event type %j', (eventType) => {
      expect(accepts({ eventTypes: [eventType] }).eventTypes).toEqual([eventType]);
    });

    it('exactly 100 event types', () => {
      const eventTypes = Array.from({ length: 100 }, (_, i) => `type.n${i}`);
      expect(accepts({ eventTypes }).eventTypes).toHaveLength(100);
    });

    it('exactly 20 custom headers and an empty header set', () => {
      expect(Object.keys(accepts({ headers: headersOf(20) }).headers!)).toHaveLength(20);
      expect(accepts({ headers: {} }).headers).toEqual({});
    });

    it('header names with all tchar punctuation and a 128-char name, and an empty value', () => {
      const weird = "!#$%&'*+.^_`|~-Az09";
      expect(accepts({ headers: { [weird]: 'x', ['X'.repeat(128)]: '', 'X-Latin1': 'caf\u00e9' } }).headers).toEqual({
        [weird]: 'x',
        ['X'.repeat(128)]: '',
        'X-Latin1': 'caf\u00e9',
      });
    });

    it('a 2048-character header value', () => {
      expect(accepts({ headers: { 'X-Long': 'v'.repeat(2048) } }).headers!['X-Long']).toHaveLength(2048);
    });

    it('retrySchedule boundaries: empty, 0, 20 entries, an entry of 7 days, exactly 14 days total', () => {
      expect(accepts({ retrySchedule: [] }).retrySchedule).toEqual([]);
      expect(accepts({ retrySchedule: [0] }).retrySchedule).toEqual([0]);
      expect(accepts({ retrySchedule: new Array(20).fill(1) }).retrySchedule).toHaveLength(20);
      expect(accepts({ retrySchedule: [7 * 86_400] }).retrySchedule).toEqual([604_800]);
      expect(accepts({ retrySchedule: [7 * 86_400, 7 * 86_400] }).retrySchedule).toEqual([604_800, 604_800]);
      expect(accepts({ retrySchedule: [0.5, 2.5] }).retrySchedule).toEqual([0.5, 2.5]);
    });

    it('timeoutMs boundaries 100 and 60000', () => {
      expect(accepts({ timeoutMs: 100 }).timeoutMs).toBe(100);
      expect(accepts({ timeoutMs: 60_000 }).timeoutMs).toBe(60_000);
    });

    it('permanentStatusCodes boundaries 300 and 599, and an empty list', () => {
      expect(accepts({ permanentStatusCodes: [300, 599] }).permanentStatusCodes).toEqual([300, 599]);
      expect(accepts({ permanentStatusCodes: [] }).permanentStatusCodes).toEqual([]);
    });

    it('a 1000-character description', () => {
      expect(accepts({ description: 'd'.repeat(1000) }).description).toHaveLength(1000);
    });
  });

  describe('rejects', () => {
    it('a missing url or eventTypes', () => {
      expect(issuesOf(createSubscriptionSchema, { eventTypes: ['a'] }).map((i) => i.path)).toEqual([['url']]);
      expect(issuesOf(createSubscriptionSchema, { url: 'https://example.com' }).map((i) => i.path)).toEqual([['eventTypes']]);
    });

    it.each(['not a url', 'example.com/hook', '/relative', '', 'https://', 'https:/example.com', 'http//example.com'])(
      'non-URL %j at path ["url"]',
      (url) => {
        expect(rejectionPaths({ url })).toEqual([['url']]);
      },
    );

    it.each(['ftp://example.com/file', 'ws://example.com/socket', 'file:///etc/passwd', 'javascript:alert(1)', 'mailto:a@b.c'])(
      'non-http(s) URL %j with the documented message',
      (url) => {
        const issues = issuesOf(createSubscriptionSchema, { ...minimal, url });
        expect(issues.map((i) => i.path)).toEqual([['url']]);
        expect(issues[0]!.message).toBe('must be an absolute http(s) URL');
      },
    );

    it('a URL longer than 2048 characters', () => {
      const url = `https://example.com/${'a'.repeat(2048)}`;
      expect(rejectionPaths({ url })).toEqual([['url']]);
    });

    it('a non-string url', () => {
      expect(rejectionPaths({ url: 42 })).toEqual([['url']]);
    });

    it('empty eventTypes', () => {
      expect(rejectionPaths({ eventTypes: [] })).toEqual([['eventTypes']]);
    });

    it('more than 100 eventTypes', () => {
      const eventTypes = Array.from({ length: 101 }, (_, i) => `type.n${i}`);
      expect(rejectionPaths({ eventTypes })).toEqual([['eventTypes']]);
    });

    it.each(['a..b', 'has space', '', '.a', 'a.', '*.a', '**', 'a.*.b', 'a*', '.*', 'order/created', 'ü', 'x'.repeat(129)])(
      'bad event type syntax %j at path ["eventTypes", index]',
      (bad) => {
        const paths = rejectionPaths({ eventTypes: ['good.one', bad] });
        expect(paths.length).toBeGreaterThan(0);
        for (const path of paths) expect(path).toEqual(['eventTypes', 1]);
      },
    );

    it.each([
      [{ amount: { $gte: true } }, ['filter', 'amount', '$gte']],
      [{ $or: [{ a: 1 }, { b: { $foo: 1 } }] }, ['filter', '$or', 1, 'b', '$foo']],
      [{ customer: { country: 'NL' } }, ['filter', 'customer', 'country']],
      [[{ a: 1 }], ['filter']],
      ['amount > 100', ['filter']],
    ])('a bad filter %j at its exact path', (filter, path) => {
      expect(rejectionPaths({ filter })).toEqual([path]);
    });

    it('eventTypes that is not an array', () => {
      expect(rejectionPaths({ eventTypes: 'order.created' })).toEqual([['eventTypes']]);
    });

    it.each([
      'webhook-signature',
      'Webhook-Signature',
      'WEBHOOK-SIGNATURE',
      'wEbHoOk-SiGnAtUrE',
      'webhook-id',
      'Webhook-Timestamp',
      'content-type',
      'Content-Type',
      'Content-Length',
      'host',
      'Host',
      'connection',
      'Connection',
      'User-Agent',
      'Keep-Alive',
      'Proxy-Connection',
      'Transfer-Encoding',
      'TE',
      'Trailer',
      'Upgrade',
    ])('reserved header %j at path ["headers", name]', (name) => {
      expect(rejectionPaths({ headers: { [name]: 'x' } })).toEqual([['headers', name]]);
    });

    it('a reserved header alongside allowed ones, pointing only at the reserved one', () => {
      expect(rejectionPaths({ headers: { 'X-Ok': '1', Host: 'evil.example.com', 'X-Also-Ok': '2' } })).toEqual([['headers', 'Host']]);
    });

    it.each(['X Custom', ' X-Lead', 'X-Trail ', 'X:Colon', 'X(paren)', 'X"quote', 'X/slash', 'X\u00e9', ''])('invalid header name %j', (name) => {
      expect(rejectionPaths({ headers: { [name]: 'x' } })).toEqual([['headers', name]]);
    });

    it('a header name longer than 128 characters', () => {
      const name = 'X'.repeat(129);
      expect(rejectionPaths({ headers: { [name]: 'x' } })).toEqual([['headers', name]]);
    });

    it.each(['a\r\nInjected: yes', 'a\nb', 'a\rb', 'nul\u0000', 'del\u007f', 'bell\u0007', 'euro\u20ac'])(
      'header value %j with control (or non-Latin-1) characters at path ["headers", name]',
      (value) => {
        expect(rejectionPaths({ headers: { 'X-Value': value } })).toEqual([['headers', 'X-Value']]);
      },
    );

    it('a header value longer than 2048 characters', () => {
      expect(rejectionPaths({ headers: { 'X-Long': 'v'.repeat(2049) } })).toEqual([['headers', 'X-Long']]);
    });

    it('a non-string header value', () => {
      expect(rejectionPaths({ headers: { 'X-Num': 1 } })).toEqual([['headers', 'X-Num']]);
    });

    it('more than 20 custom headers, at path ["headers"] with the documented message', () => {
      const issues = issuesOf(createSubscriptionSchema, { ...minimal, headers: headersOf(21) });
      expect(issues.map((i) => i.path)).toEqual([['headers']]);
      expect(issues[0]!.message).toBe('at most 20 custom headers');
    });

    it('a negative retry wait at path ["retrySchedule", index]', () => {
      expect(rejectionPaths({ retrySchedule: [5, -1] })).toEqual([['retrySchedule', 1]]);
    });

    it('a single retry wait longer than 7 days', () => {
      expect(rejectionPaths({ retrySchedule: [7 * 86_400 + 1] })).toEqual([['retrySchedule', 0]]);
    });

    it('non-numeric or non-finite retry waits', () => {
      expect(rejectionPaths({ retrySchedule: ['5'] })).toEqual([['retrySchedule', 0]]);
      expect(rejectionPaths({ retrySchedule: [Number.NaN] })).toEqual([['retrySchedule', 0]]);
      expect(rejectionPaths({ retrySchedule: [Number.POSITIVE_INFINITY] }).length).toBeGreaterThan(0);
    });

    it('more than 20 retry waits', () => {
      expect(rejectionPaths({ retrySchedule: new Array(21).fill(1) })).toEqual([['retrySchedule']]);
    });

    it('a schedule spanning more than 14 days in total, with the documented message', () => {
      const issues = issuesOf(createSubscriptionSchema, { ...minimal, retrySchedule: [7 * 86_400, 7 * 86_400, 1] });
      expect(issues.map((i) => i.path)).toEqual([['retrySchedule']]);
      expect(issues[0]!.message).toBe('the schedule may span at most 14 days');
    });

    it.each([99, 0, -1, 60_001, 1_000_000, 150.5])('timeoutMs %d', (timeoutMs) => {
      expect(rejectionPaths({ timeoutMs })).toEqual([['timeoutMs']]);
    });

    it.each([0, 200, 299, 600, 1000, -410, 404.5])('permanentStatusCodes containing %d', (code) => {
      expect(rejectionPaths({ permanentStatusCodes: [410, code] })).toEqual([['permanentStatusCodes', 1]]);
    });

    it('more than 50 permanentStatusCodes', () => {
      const codes = Array.from({ length: 51 }, (_, i) => 400 + i);
      expect(rejectionPaths({ permanentStatusCodes: codes })).toEqual([['permanentStatusCodes']]);
    });

    it('a description longer than 1000 characters', () => {
      expect(rejectionPaths({ description: 'd'.repeat(1001) })).toEqual([['description']]);
    });

    it.each([
      ['status', 'active'],
      ['id', 'sub_1'],
      ['secret', 'whsec_x'],
      ['extra', 1],
    ])('unknown or create-only-forbidden field %j (strict)', (key, value) => {
      const issues = issuesOf(createSubscriptionSchema, { ...minimal, [key]: value });
      expect(issues).toHaveLength(1);
      expect(issues[0]!.code).toBe('unrecognized_keys');
      expect(issues[0]!.path).toEqual([]);
      expect((issues[0] as { keys: string[] }).keys).toEqual([key]);
    });

    it('non-objects', () => {
      for (const input of [null, undefined, 'x', 1, [], true]) {
        expect(createSubscriptionSchema.safeParse(input).success).toBe(false);
      }
    });

    it('reports every problem at its own path', () => {
      const paths = issuesOf(createSubscriptionSchema, {
        url: 'ftp://x',
        eventTypes: ['a..b'],
        headers: { 'Content-Type': 'x' },
        timeoutMs: 1,
      }).map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining([['url'], ['eventTypes', 0], ['headers', 'Content-Type'], ['timeoutMs']]));
      expect(paths).toHaveLength(4);
    });
  });
});

describe('updateSubscriptionSchema', () => {
  it('accepts an empty object: an empty merge patch changes nothing', () => {
    expect(updateSubscriptionSchema.parse({})).toEqual({});
  });

  it.each(['active', 'paused', 'disabled'])('accepts status %j alone', (status) => {
    expect(updateSubscriptionSchema.parse({ status })).toEqual({ status });
  });

  it.each(['deleted', 'ACTIVE', '', 'Paused', 1, null])('rejects status %j at path ["status"]', (status) => {
    expect(issuesOf(updateSubscriptionSchema, { status }).map((i) => i.path)).toEqual([['status']]);
  });

  it('subscriptionStatusSchema lists exactly active, paused and disabled', () => {
    expect(subscriptionStatusSchema.options).toEqual(['active', 'paused', 'disabled']);
  });

  it('accepts any single field alone', () => {
    const patches: Array<Record<string, unknown>> = [
      { url: 'https://example.com/new' },
      { eventTypes: ['*'] },
      { eventTypes: ['order.*'] },
      { filter: null },
      { filter: { 'items.0.sku': 'A-1' } },
      { description: null },
      { description: 'new' },
      { headers: {} },
      { retrySchedule: null },
      { retrySchedule: [1, 2] },
      { timeoutMs: null },
      { timeoutMs: 1_000 },
      { permanentStatusCodes: [404] },
    ];
    for (const patch of patches) expect(updateSubscriptionSchema.parse(patch)).toEqual(patch);
  });

  it('applies the same field rules as create', () => {
    expect(issuesOf(updateSubscriptionSchema, { url: 'ftp://example.com' }).map((i) => i.path)).toEqual([['url']]);
    expect(issuesOf(updateSubscriptionSchema, { eventTypes: [] }).map((i) => i.path)).toEqual([['eventTypes']]);
    expect(issuesOf(updateSubscriptionSchema, { eventTypes: ['order*'] }).map((i) => i.path)).toEqual([['eventTypes', 0]]);
    expect(issuesOf(updateSubscriptionSchema, { filter: { amount: { $in: [] } } }).map((i) => i.path)).toEqual([['filter', 'amount', '$in']]);
    expect(issuesOf(updateSubscriptionSchema, { headers: { 'webhook-signature': 'x' } }).map((i) => i.path)).toEqual([
      ['headers', 'webhook-signature'],
    ]);
    expect(issuesOf(updateSubscriptionSchema, { timeoutMs: 99 }).map((i) => i.path)).toEqual([['timeoutMs']]);
    expect(issuesOf(updateSubscriptionSchema, { permanentStatusCodes: [200] }).map((i) => i.path)).toEqual([['permanentStatusCodes', 0]]);
    expect(issuesOf(updateSubscriptionSchema, { retrySchedule: new Array(21).fill(1) }).map((i) => i.path)).toEqual([['retrySchedule']]);
  });

  it('rejects unknown fields (strict)', () => {
    const issues = issuesOf(updateSubscriptionSchema, { status: 'paused', secret: 'whsec_x' });
    expect(issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });

  it('accepts a full patch', () => {
    const patch = { ...full, status: 'paused' as const };
    expect(updateSubscriptionSchema.parse(patch)).toEqual(patch);
  });
});

describe('signature schemes', () => {
  it('createSubscriptionSchema takes v1 or v1a, and leaves it out by default', () => {
    expect(accepts({ signatureScheme: 'v1' }).signatureScheme).toBe('v1');
    expect(accepts({ signatureScheme: 'v1a' }).signatureScheme).toBe('v1a');
    expect(accepts({}).signatureScheme).toBeUndefined();
  });

  it('createSubscriptionSchema refuses any other scheme at path ["signatureScheme"]', () => {
    for (const scheme of ['v2', 'V1A', '', null, 1]) expect(rejectionPaths({ signatureScheme: scheme })).toEqual([['signatureScheme']]);
  });

  it('updateSubscriptionSchema does not change the scheme (a rotation does)', () => {
    expect(issuesOf(updateSubscriptionSchema, { signatureScheme: 'v1a' })[0]!.code).toBe('unrecognized_keys');
  });

  it('rotateSecretSchema takes an optional scheme to switch to', () => {
    expect(rotateSecretSchema.parse({})).toEqual({});
    expect(rotateSecretSchema.parse({ signatureScheme: 'v1a', overlapSeconds: 0 })).toEqual({ signatureScheme: 'v1a', overlapSeconds: 0 });
    expect(issuesOf(rotateSecretSchema, { signatureScheme: 'hmac' })[0]!.path).toEqual(['signatureScheme']);
  });

  it('the test marker header is reserved like the signature headers', () => {
    expect(rejectionPaths({ headers: { 'Webhook-Test': 'false' } })).toEqual([['headers', 'Webhook-Test']]);
  });
});
