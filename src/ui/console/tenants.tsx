// Tenants in the console (/console/tenants), the platform's alone: the list
// and a new tenant; a tenant's page with its name, metadata, quotas and
// retention, its usage, portal links and their revocation, and its deletion.
// Everything goes through /v1 as the signed-in key, which refuses a key
// limited to a tenant; the pages say so first, in words.
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import type { ProblemBody } from '../../api/problem.js';
import type { PortalToken, Tenant } from '../../schemas/tenant.js';
import { addDays, type TenantUsage } from '../../schemas/usage.js';
import { CsrfField, Field, NextPageLink, ProblemSummary, TableWrap, formatTime } from '../components.js';
import { redirectWithFlash } from '../flash.js';
import { readListPage } from '../list-page.js';
import { TextArea, formProblem } from '../form-fields.js';
import { jsonField, optionalWholeNumber, prettyJson, textFields, type FormFields } from '../json-form.js';
import type { UiEnv } from '../session.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import { consolePage } from './render.js';

type Ctx = Context<UiEnv>;
const BASE = '/console/tenants';
const tenantPath = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

/** How long an issued portal link works (POST /v1/tenants/:id/portal-token allows up to 24 hours). */
const LINK_LIFETIMES = [
  { seconds: 3600, label: '1 hour' },
  { seconds: 8 * 3600, label: '8 hours' },
  { seconds: 24 * 3600, label: '24 hours' },
];

function TenantForm(props: { csrf: string; values: FormFields; problem?: ProblemBody | undefined }) {
  return (
    <form class="stacked" method="post" action={BASE}>
      <ProblemSummary problem={props.problem} />
      <CsrfField token={props.csrf} />
      <Field label="Name" name="name" value={props.values['name']} required />
      <Field label="Id (optional)" name="id" value={props.values['id']} hint="Your own id for this customer; generated when left blank." />
      <TextArea
        label="Metadata (JSON object, optional)"
        name="metadata"
        value={props.values['metadata'] ?? ''}
        rows={4}
        hint='For example {"plan": "pro"}.'
      />
      <div class="actions">
        <button type="submit">Create tenant</button>
      </div>
    </form>
  );
}

async function listPage(c: Ctx, deps: UiDeps, form: { values: FormFields; problem?: ProblemBody } = { values: {} }) {
  const page = await readListPage<Tenant>(c, deps, '/v1/tenants');
  return consolePage(c, {
    title: 'Tenants',
    status: form.problem?.status ?? 200,
    children: (
      <>
        <TableWrap label="Tenants">
          <table>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Name</th>
                <th scope="col">Events per day</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((tenant) => (
                <tr>
                  <td>
                    <a href={tenantPath(tenant.id)}>
                      <code>{tenant.id}</code>
                    </a>
                  </td>
                  <td>{tenant.name}</td>
                  <td>{tenant.quotas.eventsPerDay ?? 'no cap'}</td>
                  <td>{formatTime(tenant.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <NextPageLink path={BASE} query={{}} nextCursor={page.nextCursor} />
        <h2>New tenant</h2>
        <TenantForm csrf={c.get('session').csrfToken} values={form.values} problem={form.problem} />
      </>
    ),
  });
}

function UsageTable(props: { usage: TenantUsage }) {
  const columns = ['events', 'deliveries', 'attempts', 'failedAttempts', 'bytesDelivered'] as const;
  return (
    <TableWrap label="Usage per day">
      <table>
        <thead>
          <tr>
            <th scope="col">Day (UTC)</th>
            <th scope="col">Events</th>
            <th scope="col">Deliveries</th>
            <th scope="col">Attempts</th>
            <th scope="col">Failed attempts</th>
            <th scope="col">Bytes delivered</th>
          </tr>
        </thead>
        <tbody>
          {props.usage.days.map((day) => (
            <tr>
              <th scope="row">{day.day}</th>
              {columns.map((column) => (
                <td class="number">{day[column]}</td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            {columns.map((column) => (
              <td class="number">{props.usage.total[column]}</td>
            ))}
          </tr>
        </tfoot>
      </table>
    </TableWrap>
  );
}

function editValues(tenant: Tenant): FormFields {
  return {
    name: tenant.name,
    metadata: prettyJson(tenant.metadata),
    eventsPerDay: tenant.quotas.eventsPerDay === null ? '' : String(tenant.quotas.eventsPerDay),
    retentionDays: tenant.retentionDays === null ? '' : String(tenant.retentionDays),
  };
}

interface TenantView {
  values?: FormFields;
  problem?: ProblemBody | undefined;
  /** A portal link just issued: shown once, on this answer only (never in a flash cookie or a URL). */
  issued?: { link: string; expiresAt: string };
}

async function tenantPage(c: Ctx, deps: UiDeps, id: string, view: TenantView = {}) {
  const api = v1For(c, deps);
  const tenant = await api.get<Tenant>(`/v1/tenants/${encodeURIComponent(id)}`);
  const today = new Date().toISOString().slice(0, 10);
  const usage = await api.get<TenantUsage>(`/v1/tenants/${encodeURIComponent(id)}/usage?from=${addDays(today, -6)}&to=${today}`);
  const csrf = c.get('session').csrfToken;
  const values = view.values ?? editValues(tenant);
  const path = tenantPath(tenant.id);
  return consolePage(c, {
    title: `Tenant ${tenant.name}`,
    status: view.problem?.status ?? 200,
    children: (
      <>
        <dl class="facts">
          <dt>Id</dt>
          <dd>
            <code>{tenant.id}</code>
          </dd>
          <dt>Created</dt>
          <dd>{formatTime(tenant.createdAt)}</dd>
          <dt>Updated</dt>
          <dd>{formatTime(tenant.updatedAt)}</dd>
        </dl>
        <p>
          <a href={`/console/subscriptions?tenantId=${encodeURIComponent(tenant.id)}`}>Its subscriptions</a> ·{' '}
          <a href={`/console?tenantId=${encodeURIComponent(tenant.id)}`}>Its overview</a>
        </p>

        <h2>Portal</h2>
        {view.issued ? (
          <div class="issued-link" role="status">
            <div class="field">
              <label for="portal-link">Portal link</label>
              <input id="portal-link" type="text" readonly value={view.issued.link} aria-describedby="portal-link-hint" />
              <p class="hint" id="portal-link-hint">
                Expires at {formatTime(view.issued.expiresAt)}. Copy it now and hand it to the customer: it is not shown again.
              </p>
            </div>
          </div>
        ) : null}
        <form class="inline-form" method="post" action={`${path}/portal-link`}>
          <CsrfField token={csrf} />
          <div class="field">
            <label for="expiresInSeconds">Link valid for</label>
            <select id="expiresInSeconds" name="expiresInSeconds">
              {LINK_LIFETIMES.map((lifetime) => (
                <option value={String(lifetime.seconds)}>{lifetime.label}</option>
              ))}
            </select>
          </div>
          <button type="submit">Issue a portal link</button>
        </form>
        <form class="inline-form" method="post" action={`${path}/revoke-portal-tokens`}>
          <CsrfField token={csrf} />
          <button type="submit" class="secondary">
            Revoke all portal links
          </button>
        </form>

        <h2>Usage, last 7 days</h2>
        <UsageTable usage={usage} />

        <h2>Settings</h2>
        <form class="stacked" method="post" action={path}>
          <ProblemSummary problem={view.problem} />
          <CsrfField token={csrf} />
          <Field label="Name" name="name" value={values['name']} required />
          <TextArea label="Metadata (JSON object)" name="metadata" value={values['metadata'] ?? ''} rows={4} />
          <Field label="Events per day" name="eventsPerDay" type="number" value={values['eventsPerDay']} hint="Blank: no cap." />
          <Field
            label="Retention (days)"
            name="retentionDays"
            type="number"
            value={values['retentionDays']}
            hint="How long its events, deliveries and attempts are kept. Blank: the platform's default."
          />
          <div class="actions">
            <button type="submit">Save</button>
          </div>
        </form>

        <h2>Delete</h2>
        <p>
          <a class="button danger" href={`${path}/delete`}>
            Delete this tenant…
          </a>
        </p>
      </>
    ),
  });
}

/** The settings form as a PATCH /v1/tenants/:id body, or the fields that do not parse. */
function settingsPatch(fields: FormFields): { patch: Record<string, unknown> } | { problem: ProblemBody } {
  const errors: Array<{ path: string; message: string }> = [];
  const metadata = jsonField(fields, 'metadata', 'metadata', errors);
  const eventsPerDay = optionalWholeNumber(fields, 'eventsPerDay', 'quotas.eventsPerDay', errors);
  const retentionDays = optionalWholeNumber(fields, 'retentionDays', 'retentionDays', errors);
  if (errors.length > 0) return { problem: formProblem(errors) };
  return { patch: { name: fields['name'] ?? '', metadata: metadata ?? {}, quotas: { eventsPerDay }, retentionDays } };
}

function platformOnlyPage(c: Ctx) {
  return consolePage(c, {
    title: 'Tenants',
    status: 403,
    children: (
      <p class="problem" role="alert">
        Only the platform manages tenants: this console is signed in with a key limited to tenant <code>{c.get('session').tenantId}</code>. Sign in
        with a key that is not limited to a tenant to list, create and change tenants.
      </p>
    ),
  });
}

export function consoleTenants(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();

  const platformOnly: MiddlewareHandler<UiEnv> = async (c, next) => {
    if (c.get('session').tenantId !== null) return platformOnlyPage(c);
    await next();
  };
  app.use('*', platformOnly);

  app.get('/', (c) => listPage(c, deps));

  app.post('/', async (c) => {
    const fields = textFields(await c.req.parseBody());
    const errors: Array<{ path: string; message: string }> = [];
    const metadata = jsonField(fields, 'metadata', 'metadata', errors);
    if (errors.length > 0) return listPage(c, deps, { values: fields, problem: formProblem(errors) });
    const id = (fields['id'] ?? '').trim();
    const body = { name: fields['name'] ?? '', ...(id ? { id } : {}), ...(metadata === undefined ? {} : { metadata }) };
    const created = await v1For(c, deps).send<Tenant>('POST', '/v1/tenants', body);
    if (!created.ok) return listPage(c, deps, { values: fields, problem: created.problem });
    return redirectWithFlash(c, 'console', tenantPath(created.data.id), `Tenant ${created.data.name} created`);
  });

  app.get('/:id', (c) => tenantPage(c, deps, c.req.param('id')));

  app.post('/:id', async (c) => {
    const id = c.req.param('id');
    const fields = textFields(await c.req.parseBody());
    const parsed = settingsPatch(fields);
    if ('problem' in parsed) return tenantPage(c, deps, id, { values: fields, problem: parsed.problem });
    const saved = await v1For(c, deps).send<Tenant>('PATCH', `/v1/tenants/${encodeURIComponent(id)}`, parsed.patch);
    if (!saved.ok) return tenantPage(c, deps, id, { values: fields, problem: saved.problem });
    return redirectWithFlash(c, 'console', tenantPath(id), 'Tenant saved');
  });

  app.post('/:id/portal-link', async (c) => {
    const id = c.req.param('id');
    const fields = textFields(await c.req.parseBody());
    const expiresInSeconds = Number(fields['expiresInSeconds'] ?? LINK_LIFETIMES[0]!.seconds);
    const issued = await v1For(c, deps).send<PortalToken>('POST', `/v1/tenants/${encodeURIComponent(id)}/portal-token`, { expiresInSeconds });
    if (!issued.ok) return tenantPage(c, deps, id, { problem: issued.problem });
    const origin = deps.options.publicUrl ? new URL(deps.options.publicUrl).origin : new URL(c.req.url).origin;
    const link = `${origin}/portal/enter#token=${encodeURIComponent(issued.data.token)}`;
    return tenantPage(c, deps, id, { issued: { link, expiresAt: issued.data.expiresAt } });
  });

  app.post('/:id/revoke-portal-tokens', async (c) => {
    const id = c.req.param('id');
    const revoked = await v1For(c, deps).send('DELETE', `/v1/tenants/${encodeURIComponent(id)}/portal-tokens`);
    if (!revoked.ok) return tenantPage(c, deps, id, { problem: revoked.problem });
    return redirectWithFlash(c, 'console', tenantPath(id), 'Every portal link issued to this tenant until now is revoked');
  });

  app.get('/:id/delete', async (c) => {
    const tenant = await v1For(c, deps).get<Tenant>(`/v1/tenants/${encodeURIComponent(c.req.param('id'))}`);
    return deleteConfirmation(c, tenant);
  });

  app.post('/:id/delete', async (c) => {
    const id = c.req.param('id');
    const deleted = await v1For(c, deps).send('DELETE', `/v1/tenants/${encodeURIComponent(id)}`);
    if (!deleted.ok) {
      const tenant = await v1For(c, deps).get<Tenant>(`/v1/tenants/${encodeURIComponent(id)}`);
      return deleteConfirmation(c, tenant, deleted.problem);
    }
    return redirectWithFlash(c, 'console', BASE, `Tenant ${id} deleted`);
  });

  return app;
}

function deleteConfirmation(c: Ctx, tenant: Tenant, problem?: ProblemBody) {
  return consolePage(c, {
    title: `Delete tenant ${tenant.name}?`,
    status: problem?.status ?? 200,
    children: (
      <>
        <ProblemSummary problem={problem} />
        <p>
          Deleting <code>{tenant.id}</code> disables its subscriptions and refuses its API keys and portal links from now on. Its history is kept
          until retention removes it. It cannot be undone, and its id is not reused.
        </p>
        <form class="actions" method="post" action={`${tenantPath(tenant.id)}/delete`}>
          <CsrfField token={c.get('session').csrfToken} />
          <button type="submit" class="danger">
            Delete tenant {tenant.id}
          </button>
          <a href={tenantPath(tenant.id)}>Cancel</a>
        </form>
      </>
    ),
  });
}
