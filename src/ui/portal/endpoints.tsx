// The customer's endpoints (their tenant's subscriptions: /v1 scopes the portal
// token to its tenant, so nothing else can be listed or reached): the list,
// adding (the secret shown once), editing, pausing, deleting, the signing
// secret and test sends.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ProblemBody } from '../../api/problem.js';
import type { Page as ApiPage } from '../../schemas/common.js';
import type { RotatedKey, Subscription, SubscriptionWithSecret, VerificationKey } from '../../schemas/subscription.js';
import type { TestSendResult } from '../../schemas/test-send.js';
import { CsrfField } from '../components.js';
import { redirectWithFlash } from '../flash.js';
import type { UiEnv } from '../session.js';
import { SubscriptionTable } from '../subscription-table.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import { V1Problem } from '../v1-client.js';
import { readCatalog } from './catalog.js';
import { endpointDetailPage, endpointPath, ShownKeyBox, v1EndpointPath } from './endpoint-detail.js';
import { EMPTY_ENDPOINT, EndpointForm } from './endpoint-form.js';
import { createEndpointBody, endpointFormValues, updateEndpointBody, valuesOfEndpoint, type EndpointFormValues } from './endpoint-input.js';
import { portalPage } from './render.js';

export function portalEndpoints(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();
  const theme = deps.options.portal;

  async function formPage(
    c: Context<UiEnv>,
    form: { title: string; action: string; submitLabel: string; cancelHref: string; values: EndpointFormValues; problem?: ProblemBody },
  ) {
    const catalog = await readCatalog(v1For(c, deps));
    return portalPage(c, theme, {
      title: form.title,
      status: form.problem?.status ?? 200,
      children: <EndpointForm {...form} catalog={catalog} csrfToken={c.get('session').csrfToken} />,
    });
  }

  app.get('/', async (c) => {
    const cursor = c.req.query('cursor');
    const params = new URLSearchParams({ limit: '50' });
    if (cursor) params.set('cursor', cursor);
    const page = await v1For(c, deps).get<ApiPage<Subscription>>(`/v1/subscriptions?${params}`);
    return portalPage(c, theme, {
      title: 'Endpoints',
      children: (
        <>
          <p class="actions">
            <a class="button" href="/portal/endpoints/new">
              Add an endpoint
            </a>
          </p>
          <SubscriptionTable label="Endpoints" page={page} detailBase="/portal/endpoints" query={{ cursor }} showTenant={false} linkText="url" />
        </>
      ),
    });
  });

  const newForm = { title: 'Add an endpoint', action: '/portal/endpoints', submitLabel: 'Add endpoint', cancelHref: '/portal/endpoints' };
  app.get('/new', (c) => formPage(c, { ...newForm, values: EMPTY_ENDPOINT }));

  // The one answer that shows the new endpoint's secret: rendered here, never redirected (no secret in a flash or URL).
  app.post('/', async (c) => {
    const values = endpointFormValues(await c.req.parseBody({ all: true }));
    const created = await v1For(c, deps).send<SubscriptionWithSecret>('POST', '/v1/subscriptions', createEndpointBody(values));
    if (!created.ok) return formPage(c, { ...newForm, values, problem: created.problem });
    const endpoint = created.data;
    return portalPage(c, theme, {
      title: 'Endpoint added',
      children: (
        <>
          <p>
            Webhooks for {endpoint.eventTypes.join(', ')} now go to <code>{endpoint.url}</code>.
          </p>
          <ShownKeyBox shown={endpoint.secret ? { secret: endpoint.secret } : { publicKey: endpoint.publicKey ?? '' }} />
          <p>
            <a href={endpointPath(endpoint.id)}>Go to the endpoint</a>
          </p>
        </>
      ),
    });
  });

  app.get('/:id', (c) => endpointDetailPage(c, deps, c.req.param('id')));

  app.get('/:id/edit', async (c) => {
    const id = c.req.param('id');
    const api = v1For(c, deps);
    const endpoint = await api.get<Subscription>(v1EndpointPath(id));
    const catalogNames = new Set((await readCatalog(api)).map((type) => type.name));
    return formPage(c, { ...editForm(id), values: valuesOfEndpoint(endpoint, catalogNames) });
  });

  app.post('/:id/edit', async (c) => {
    const id = c.req.param('id');
    const values = endpointFormValues(await c.req.parseBody({ all: true }));
    const saved = await v1For(c, deps).send<Subscription>('PATCH', v1EndpointPath(id), updateEndpointBody(values));
    if (!saved.ok) return refusedUnlessInvalid(saved.problem, () => formPage(c, { ...editForm(id), values, problem: saved.problem }));
    return redirectWithFlash(c, 'portal', endpointPath(id), 'Endpoint saved');
  });

  app.post('/:id/status', async (c) => {
    const id = c.req.param('id');
    const status = (await c.req.parseBody())['status'];
    const saved = await v1For(c, deps).send<Subscription>('PATCH', v1EndpointPath(id), { status });
    if (!saved.ok) throw new V1Problem(saved.problem);
    return redirectWithFlash(c, 'portal', endpointPath(id), saved.data.status === 'paused' ? 'Endpoint paused' : 'Endpoint resumed');
  });

  app.get('/:id/delete', async (c) => {
    const id = c.req.param('id');
    const endpoint = await v1For(c, deps).get<Subscription>(v1EndpointPath(id));
    return portalPage(c, theme, {
      title: 'Delete this endpoint?',
      children: (
        <>
          <p>
            <code>{endpoint.url}</code> will receive no more webhooks, and its deliveries can no longer be resent. This cannot be undone.
          </p>
          <form method="post" action={endpointPath(id, '/delete')} class="actions">
            <CsrfField token={c.get('session').csrfToken} />
            <button type="submit" class="danger">
              Delete endpoint
            </button>
            <a href={endpointPath(id)}>Cancel</a>
          </form>
        </>
      ),
    });
  });

  app.post('/:id/delete', async (c) => {
    const deleted = await v1For(c, deps).send('DELETE', v1EndpointPath(c.req.param('id')));
    if (!deleted.ok) throw new V1Problem(deleted.problem);
    return redirectWithFlash(c, 'portal', '/portal/endpoints', 'Endpoint deleted');
  });

  // Reveal and rotate are POSTs (a confirmed action, audited by /v1), and their answer is the only place the key appears.
  app.post('/:id/secret', async (c) => {
    const id = c.req.param('id');
    const key = await v1For(c, deps).get<VerificationKey>(v1EndpointPath(id, '/secret'));
    return endpointDetailPage(c, deps, id, { key });
  });

  app.post('/:id/secret/rotate', async (c) => {
    const id = c.req.param('id');
    const rotated = await v1For(c, deps).send<RotatedKey>('POST', v1EndpointPath(id, '/secret/rotate'), {});
    if (!rotated.ok) throw new V1Problem(rotated.problem);
    return endpointDetailPage(c, deps, id, { key: rotated.data });
  });

  app.post('/:id/test', async (c) => {
    const id = c.req.param('id');
    const eventType = (await c.req.parseBody())['eventType'];
    const body = typeof eventType === 'string' && eventType !== '' ? { eventType } : {};
    const sent = await v1For(c, deps).send<TestSendResult>('POST', v1EndpointPath(id, '/test'), body);
    if (!sent.ok) return refusedUnlessInvalid(sent.problem, () => endpointDetailPage(c, deps, id, { testProblem: sent.problem }));
    return endpointDetailPage(c, deps, id, { test: sent.data });
  });

  return app;
}

function editForm(id: string) {
  return { title: 'Edit endpoint', action: endpointPath(id, '/edit'), submitLabel: 'Save', cancelHref: endpointPath(id) };
}

/** A 422 is shown beside the form; anything else (404: not this tenant's, 403, 409) is the page's answer. */
function refusedUnlessInvalid(problem: ProblemBody, beside: () => Promise<Response> | Response): Promise<Response> | Response {
  if (problem.status !== 422) throw new V1Problem(problem);
  return beside();
}
