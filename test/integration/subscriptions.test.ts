// Subscription management through the HTTP API, against a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
});

afterAll(async () => {
  await stack?.close();
});

describe('subscriptions', () => {
  it('creates, reads, updates and deletes a subscription; the secret is shown only on request', async () => {
    const created = await stack.api('POST', '/v1/subscriptions', {
      url: 'https://receiver.example/hooks?token=abc',
      eventTypes: ['order.created', 'order.paid', 'order.created'],
      description: 'orders to the ERP',
      headers: { 'X-Team': 'billing' },
      retrySchedule: [1, 10],
      timeoutMs: 5000,
      permanentStatusCodes: [404],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: 'https://receiver.example/hooks?token=abc',
      eventTypes: ['order.created', 'order.paid'],
      description: 'orders to the ERP',
      headers: { 'X-Team': 'billing' },
      status: 'active',
      retrySchedule: [1, 10],
      timeoutMs: 5000,
      permanentStatusCodes: [404],
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const { id, secret } = created.body;

    const read = await stack.api('GET', `/v1/subscriptions/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.body.id).toBe(id);

    const revealed = await stack.api('GET', `/v1/subscriptions/${id}/secret`);
    expect(revealed.body).toEqual({ secret });
    expect(revealed.headers.get('cache-control')).toBe('no-store');

    const patched = await stack.api('PATCH', `/v1/subscriptions/${id}`, {
      status: 'paused',
      eventTypes: ['*'],
      description: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, status: 'paused', eventTypes: ['*'], description: null, timeoutMs: 5000 });
    expect(Date.parse(patched.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
    expect(patched.body).not.toHaveProperty('secret');

    expect((await stack.api('DELETE', `/v1/subscriptions/${id}`)).status).toBe(204);
    expect((await stack.api('GET', `/v1/subscriptions/${id}`)).status).toBe(404);
    expect((await stack.api('GET', `/v1/subscriptions/${id}/secret`)).status).toBe(404);
    expect((await stack.api('DELETE', `/v1/subscriptions/${id}`)).status).toBe(404);
  });

  it('lists subscriptions page by page with an opaque cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { body } = await stack.api('POST', '/v1/subscriptions', { url: `https://r${i}.example/`, eventTypes: ['a.b'] });
      ids.push(body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const { status, body } = await stack.api('GET', `/v1/subscriptions${query}`);
      expect(status).toBe(200);
      expect(body.data.length).toBeLessThanOrEqual(2);
      for (const s of body.data) expect(s).not.toHaveProperty('secret');
      seen.push(...body.data.map((s: { id: string }) => s.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor !== null);
    // The lookahead row means no empty trailing page.
    expect(pages).toBe(Math.ceil(seen.length / 2));
    for (const id of ids) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('lists only the subscriptions of a status when asked, page by page, and refuses an unknown status naming it', async () => {
    const made: Record<string, string[]> = { active: [], paused: [], disabled: [] };
    for (const status of ['active', 'paused', 'paused', 'disabled', 'paused'] as const) {
      const { body } = await stack.api('POST', '/v1/subscriptions', { url: 'https://status.example/', eventTypes: ['a.b'] });
      if (status !== 'active') expect((await stack.api('PATCH', `/v1/subscriptions/${body.id}`, { status })).status).toBe(200);
      made[status]!.push(body.id);
    }
    const paused: Array<{ id: string; status: string }> = [];
    let cursor: string | null = null;
    do {
      const query: string = `?status=paused&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { status, body } = await stack.api('GET', `/v1/subscriptions${query}`);
      expect(status).toBe(200);
      paused.push(...body.data);
      cursor = body.nextCursor;
    } while (cursor !== null);
    expect(paused.map((s) => s.id).sort()).toEqual([...made.paused!].sort());
    const disabled = await stack.api('GET', '/v1/subscriptions?status=disabled&limit=100');
    expect(disabled.body.data.map((s: { id: string }) => s.id)).toEqual(made.disabled);

    const unknown = await stack.api('GET', '/v1/subscriptions?status=sleeping');
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.status']);
  });
});
