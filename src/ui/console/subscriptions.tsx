// Subscriptions in the console: the list with its filters, a new one, one
// subscription with its actions and health, and its edit form. Every read and
// change goes through /v1 as the signed-in caller; a refusal is shown beside
// the form that drew it, with what was typed.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ProblemBody } from '../../api/problem.js';
import type { Page as ApiPage } from '../../schemas/common.js';
import type { EventType } from '../../schemas/event-type.js';
import type {
  EndpointHealthView,
  OrderedStreamView,
  RotatedKey,
  Subscription,
  SubscriptionWithSecret,
  VerificationKey,
} from '../../schemas/subscription.js';
import type { Tenant } from '../../schemas/tenant.js';
import type { TestSendResult } from '../../schemas/test-send.js';
import { formatTime } from '../components.js';
import { redirectWithFlash } from '../flash.js';
import { formProblem, Select } from '../form-fields.js';
import type { UiEnv } from '../session.js';
import { SubscriptionTable } from '../subscription-table.js';
import { createBody, EMPTY_FORM, formValues, patchBody, valuesOf, type SubscriptionFormValues } from '../subscription-form-input.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import type { V1Client } from '../v1-client.js';
import { consolePage } from './render.js';
import { SubscriptionDetail, type DetailExtras } from './subscription-detail.js';
import { SubscriptionForm, type TenantChoice } from './subscription-form.js';

type Ctx = Context<UiEnv>;

const STATUSES = ['active', 'paused', 'disabled'] as const;
const STATUS_WORDS: Record<string, string> = { active: 'Resumed', paused: 'Paused', disabled: 'Disabled' };

/** The catalog's names (its first 100: further types can be typed as patterns). */
async function catalogNames(api: V1Client): Promise<string[]> {
  const page = await api.get<ApiPage<EventType>>('/v1/event-types?limit=100');
  return page.data.map((type) => type.name);
}

/** The tenants a caller may pick: a list when one page holds them all, a text field otherwise. */
async function tenantChoice(api: V1Client): Promise<TenantChoice> {
  const page = await api.get<ApiPage<Tenant>>('/v1/tenants?limit=100');
  return page.nextCursor === null ? { kind: 'select', tenants: page.data } : { kind: 'text' };
}

function subscriptionPath(id: string): string {
  return `/console/subscriptions/${encodeURIComponent(id)}`;
}

export function consoleSubscriptions(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();

  app.get('/', async (c) => {
    const query = { tenantId: c.req.query('tenantId'), status: c.req.query('status'), cursor: c.req.query('cursor') };
    const params = new URLSearchParams({ limit: '50' });
    for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
    const api = v1For(c, deps);
    const [page, tenants] = await Promise.all([api.get<ApiPage<Subscription>>(`/v1/subscriptions?${params}`), tenantChoice(api)]);
    return consolePage(c, {
      title: 'Subscriptions',
      children: (
        <>
          <p>
            <a class="button" href="/console/subscriptions/new">
              New subscription
            </a>
          </p>
          <form class="filters" method="get" action="/console/subscriptions" role="search" aria-label="Filter subscriptions">
            {tenants.kind === 'select' ? (
              <Select
                label="Tenant"
                name="tenantId"
                value={query.tenantId ?? ''}
                options={[{ value: '', label: 'All tenants' }, ...tenants.tenants.map((tenant) => ({ value: tenant.id, label: tenant.name }))]}
              />
            ) : (
              <div class="field">
                <label for="tenantId">Tenant</label>
                <input id="tenantId" name="tenantId" value={query.tenantId ?? ''} />
              </div>
            )}
            <Select
              label="Status"
              name="status"
              value={query.status ?? ''}
              options={[{ value: '', label: 'Any status' }, ...STATUSES.map((status) => ({ value: status, label: status }))]}
            />
            <div class="actions">
              <button type="submit" class="secondary">
                Filter
              </button>
            </div>
          </form>
          <SubscriptionTable label="Subscriptions" page={page} detailBase="/console/subscriptions" query={query} showTenant linkText="id" />
        </>
      ),
    });
  });

  async function newPage(c: Ctx, values: SubscriptionFormValues, problem?: ProblemBody) {
    const api = v1For(c, deps);
    const [catalog, tenants] = await Promise.all([catalogNames(api), tenantChoice(api)]);
    return consolePage(c, {
      title: 'New subscription',
      status: problem ? problem.status : 200,
      children: (
        <SubscriptionForm
          mode="create"
          action="/console/subscriptions/new"
          csrfToken={c.get('session').csrfToken}
          values={{ ...values, tenantId: values.tenantId || (c.get('session').tenantId ?? 'default') }}
          problem={problem}
          catalog={catalog}
          tenants={tenants}
        />
      ),
    });
  }

  app.get('/new', (c) => newPage(c, EMPTY_FORM));

  app.post('/new', async (c) => {
    const values = formValues(await c.req.parseBody({ all: true }));
    const body = createBody(values);
    if (!body.ok) return newPage(c, values, formProblem(body.errors));
    const created = await v1For(c, deps).send<SubscriptionWithSecret>('POST', '/v1/subscriptions', body.body);
    if (!created.ok) return newPage(c, values, created.problem);
    // Shown here, in the answer to this form, and nowhere else: never in a flash cookie or a later page.
    return detailPage(c, created.data.id, {
      shownKey: {
        title: 'Subscription created',
        secret: created.data.secret,
        publicKey: created.data.secret ? undefined : (created.data.publicKey ?? undefined),
        note: created.data.secret
          ? 'Copy the signing secret now: it is not shown again on this page (an admin can reveal it later).'
          : 'Receivers verify signatures with this public key; it is also listed in the settings below.',
      },
    });
  });

  async function detailPage(c: Ctx, id: string, extras: DetailExtras = {}) {
    const api = v1For(c, deps);
    const subscription = await api.get<Subscription>(`/v1/subscriptions/${encodeURIComponent(id)}`);
    const [health, stream] = await Promise.all([
      api.get<EndpointHealthView>(`/v1/subscriptions/${encodeURIComponent(id)}/health`),
      subscription.ordering === 'fifo' ? api.get<OrderedStreamView>(`/v1/subscriptions/${encodeURIComponent(id)}/stream`) : undefined,
    ]);
    return consolePage(c, {
      title: `Subscription ${subscription.id}`,
      status: extras.refusal ? extras.refusal.problem.status : 200,
      children: (
        <SubscriptionDetail subscription={subscription} health={health} stream={stream} csrfToken={c.get('session').csrfToken} extras={extras} />
      ),
    });
  }

  app.get('/:id', (c) => detailPage(c, c.req.param('id')));

  async function editPage(c: Ctx, id: string, values?: SubscriptionFormValues, problem?: ProblemBody) {
    const api = v1For(c, deps);
    const [subscription, catalog] = await Promise.all([api.get<Subscription>(`/v1/subscriptions/${encodeURIComponent(id)}`), catalogNames(api)]);
    return consolePage(c, {
      title: `Edit ${subscription.id}`,
      status: problem ? problem.status : 200,
      children: (
        <>
          <p>
            <a href={subscriptionPath(subscription.id)}>Back to the subscription</a>
          </p>
          <SubscriptionForm
            mode="edit"
            action={`${subscriptionPath(subscription.id)}/edit`}
            csrfToken={c.get('session').csrfToken}
            values={values ?? valuesOf(subscription, catalog)}
            problem={problem}
            catalog={catalog}
          />
        </>
      ),
    });
  }

  app.get('/:id/edit', (c) => editPage(c, c.req.param('id')));

  app.post('/:id/edit', async (c) => {
    const id = c.req.param('id');
    const values = formValues(await c.req.parseBody({ all: true }));
    const body = patchBody(values);
    if (!body.ok) return editPage(c, id, values, formProblem(body.errors));
    const updated = await v1For(c, deps).send<Subscription>('PATCH', `/v1/subscriptions/${encodeURIComponent(id)}`, body.body);
    if (!updated.ok) return editPage(c, id, values, updated.problem);
    return redirectWithFlash(c, 'console', subscriptionPath(id), 'Subscription saved');
  });

  app.post('/:id/status', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const status = typeof form['status'] === 'string' ? form['status'] : '';
    const action = status === 'disabled' ? 'disable' : 'status';
    if (status === 'disabled' && form['confirm'] !== 'yes') {
      return detailPage(c, id, { refusal: { action, problem: formProblem([{ path: 'confirm', message: 'tick the box to confirm disabling it' }]) } });
    }
    const changed = await v1For(c, deps).send<Subscription>('PATCH', `/v1/subscriptions/${encodeURIComponent(id)}`, { status });
    if (!changed.ok) return detailPage(c, id, { refusal: { action, problem: changed.problem } });
    return redirectWithFlash(
      c,
      'console',
      subscriptionPath(id),
      `${STATUS_WORDS[changed.data.status] ?? 'Changed'}: the subscription is ${changed.data.status}`,
    );
  });

  app.post('/:id/secret', async (c) => {
    const id = c.req.param('id');
    const key = await v1For(c, deps).get<VerificationKey>(`/v1/subscriptions/${encodeURIComponent(id)}/secret`);
    return detailPage(c, id, {
      shownKey: { title: 'Signing secret', ...key, note: 'Shown for this page only; the reveal is recorded in the audit trail.' },
    });
  });

  app.post('/:id/rotate', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const overlap = typeof form['overlapSeconds'] === 'string' ? form['overlapSeconds'].trim() : '';
    const overlapSeconds = overlap === '' ? undefined : Number(overlap);
    if (overlapSeconds !== undefined && !Number.isFinite(overlapSeconds)) {
      return detailPage(c, id, {
        refusal: { action: 'rotate', problem: formProblem([{ path: 'overlapSeconds', message: `"${overlap}" is not a number` }]) },
      });
    }
    const rotated = await v1For(c, deps).send<RotatedKey>(
      'POST',
      `/v1/subscriptions/${encodeURIComponent(id)}/secret/rotate`,
      overlapSeconds === undefined ? {} : { overlapSeconds },
    );
    if (!rotated.ok) return detailPage(c, id, { refusal: { action: 'rotate', problem: rotated.problem } });
    const { previousSecretExpiresAt, ...key } = rotated.data;
    return detailPage(c, id, {
      shownKey: {
        title: 'New signing secret',
        ...key,
        note: `Copy it now: it is not shown again on this page. The previous key keeps signing until ${formatTime(previousSecretExpiresAt)}.`,
      },
    });
  });

  app.post('/:id/test', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const testInput = {
      eventType: typeof form['eventType'] === 'string' ? form['eventType'].trim() : '',
      payload: typeof form['payload'] === 'string' ? form['payload'] : '',
    };
    const body: Record<string, unknown> = {};
    if (testInput.eventType !== '') body['eventType'] = testInput.eventType;
    if (testInput.payload.trim() !== '') {
      try {
        body['payload'] = JSON.parse(testInput.payload);
      } catch {
        return detailPage(c, id, { testInput, refusal: { action: 'test', problem: formProblem([{ path: 'payload', message: 'not valid JSON' }]) } });
      }
    }
    const sent = await v1For(c, deps).send<TestSendResult>('POST', `/v1/subscriptions/${encodeURIComponent(id)}/test`, body);
    if (!sent.ok) return detailPage(c, id, { testInput, refusal: { action: 'test', problem: sent.problem } });
    return detailPage(c, id, { testInput, testResult: sent.data });
  });

  app.post('/:id/delete', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    if (form['confirm'] !== 'yes') {
      return detailPage(c, id, {
        refusal: { action: 'delete', problem: formProblem([{ path: 'confirm', message: 'tick the box to confirm deleting it' }]) },
      });
    }
    const deleted = await v1For(c, deps).send('DELETE', `/v1/subscriptions/${encodeURIComponent(id)}`);
    if (!deleted.ok) return detailPage(c, id, { refusal: { action: 'delete', problem: deleted.problem } });
    return redirectWithFlash(c, 'console', '/console/subscriptions', `Subscription ${id} deleted`);
  });

  return app;
}
