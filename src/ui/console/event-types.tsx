// The event catalog in the console (/console/event-types): every type with
// its description and whether it is deprecated; a type's page with its
// current schema, every earlier version, and its examples as readable JSON.
// The platform (a key not limited to a tenant) adds types, schema versions
// and examples, and deprecates; /v1 refuses anyone else, so a tenant's
// console only reads.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ProblemBody } from '../../api/problem.js';
import type { EventType, EventTypeSchemaVersion } from '../../schemas/event-type.js';
import { CsrfField, Field, NextPageLink, ProblemSummary, StatusBadge, TableWrap, formatTime } from '../components.js';
import { redirectWithFlash } from '../flash.js';
import { readListPage } from '../list-page.js';
import { TextArea, formProblem } from '../form-fields.js';
import { jsonField, prettyJson, textFields, type FormFields } from '../json-form.js';
import type { UiEnv } from '../session.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import { consolePage } from './render.js';

type Ctx = Context<UiEnv>;
type FieldErrors = Array<{ path: string; message: string }>;
const BASE = '/console/event-types';
const typePath = (name: string) => `${BASE}/${encodeURIComponent(name)}`;
const v1Path = (name: string) => `/v1/event-types/${encodeURIComponent(name)}`;
const isPlatform = (c: Ctx) => c.get('session').tenantId === null;

function JsonBlock(props: { label: string; value: unknown }) {
  return (
    <pre aria-label={props.label} tabindex={0}>
      <code>{prettyJson(props.value)}</code>
    </pre>
  );
}

function NewTypeForm(props: { csrf: string; values: FormFields; problem?: ProblemBody | undefined }) {
  return (
    <form class="stacked" method="post" action={BASE}>
      <ProblemSummary problem={props.problem} />
      <CsrfField token={props.csrf} />
      <Field label="Name" name="name" value={props.values['name']} required placeholder="order.created" />
      <Field label="Description" name="description" value={props.values['description']} />
      <TextArea
        label="Schema (JSON Schema 2020-12, optional)"
        name="schema"
        value={props.values['schema'] ?? ''}
        hint="Without one, any payload is accepted."
      />
      <TextArea
        label="Examples (a JSON array, optional)"
        name="examples"
        value={props.values['examples'] ?? ''}
        rows={4}
        hint="Each must match the schema."
      />
      <div class="actions">
        <button type="submit">Add event type</button>
      </div>
    </form>
  );
}

async function listPage(c: Ctx, deps: UiDeps, form: { values: FormFields; problem?: ProblemBody } = { values: {} }) {
  const page = await readListPage<EventType>(c, deps, '/v1/event-types');
  return consolePage(c, {
    title: 'Event types',
    status: form.problem?.status ?? 200,
    children: (
      <>
        <TableWrap label="Event types">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Schema version</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((type) => (
                <tr>
                  <td>
                    <a href={typePath(type.name)}>
                      <code>{type.name}</code>
                    </a>
                  </td>
                  <td>{type.description}</td>
                  <td>{type.schemaVersion === null ? 'none' : `v${type.schemaVersion}`}</td>
                  <td>
                    <StatusBadge status={type.deprecated ? 'deprecated' : 'active'} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        {page.data.length === 0 ? <p>The catalog is empty.</p> : null}
        <NextPageLink path={BASE} query={{}} nextCursor={page.nextCursor} />
        {isPlatform(c) ? (
          <>
            <h2>New event type</h2>
            <NewTypeForm csrf={c.get('session').csrfToken} values={form.values} problem={form.problem} />
          </>
        ) : (
          <p>Only the platform changes the catalog.</p>
        )}
      </>
    ),
  });
}

/** Which of the type page's forms was posted, to show its problem and keep what was typed. */
type TypeForm = 'schema' | 'example' | 'description';

async function typePage(c: Ctx, deps: UiDeps, name: string, failed?: { form: TypeForm; values: FormFields; problem: ProblemBody }) {
  const api = v1For(c, deps);
  const type = await api.get<EventType>(v1Path(name));
  const { data: versions } = await api.get<{ data: EventTypeSchemaVersion[] }>(`${v1Path(name)}/schemas`);
  const csrf = c.get('session').csrfToken;
  const path = typePath(type.name);
  const problemOf = (form: TypeForm) => (failed?.form === form ? failed.problem : undefined);
  const valueOf = (form: TypeForm, field: string) => (failed?.form === form ? failed.values[field] : undefined);
  return consolePage(c, {
    title: `Event type ${type.name}`,
    status: failed?.problem.status ?? 200,
    children: (
      <>
        <dl class="facts">
          <dt>Description</dt>
          <dd>{type.description || '—'}</dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={type.deprecated ? 'deprecated' : 'active'} />
            {type.deprecatedAt ? ` since ${formatTime(type.deprecatedAt)}` : null}
          </dd>
          <dt>Schema version</dt>
          <dd>{type.schemaVersion === null ? 'none: any payload is accepted' : `v${type.schemaVersion}`}</dd>
          <dt>Created</dt>
          <dd>{formatTime(type.createdAt)}</dd>
        </dl>

        <h2>Schema versions</h2>
        {versions.length === 0 ? <p>No schema.</p> : null}
        {versions.map((version) => (
          <section class="schema-version" aria-labelledby={`schema-v${version.version}`}>
            <h3 id={`schema-v${version.version}`}>
              v{version.version}
              {version.version === type.schemaVersion ? ' (current)' : ''} · {formatTime(version.createdAt)}
            </h3>
            <JsonBlock label={`Schema v${version.version}`} value={version.schema} />
          </section>
        ))}

        <h2>Examples</h2>
        {type.examples.length === 0 ? <p>No examples.</p> : null}
        {type.examples.map((example, i) => (
          <JsonBlock label={`Example ${i + 1}`} value={example} />
        ))}

        {isPlatform(c) ? (
          <>
            <h2>Add a schema version</h2>
            <form class="stacked" method="post" action={`${path}/schema`}>
              <ProblemSummary problem={problemOf('schema')} />
              <CsrfField token={csrf} />
              <TextArea
                label="New schema (JSON Schema 2020-12)"
                name="schema"
                value={valueOf('schema', 'schema') ?? (type.schema ? prettyJson(type.schema) : '')}
                rows={10}
                hint="It becomes the next version, and must accept the examples; a breaking change is a new type name."
              />
              <div class="actions">
                <button type="submit">Add schema version</button>
              </div>
            </form>

            <h2>Add an example</h2>
            <form class="stacked" method="post" action={`${path}/example`}>
              <ProblemSummary problem={problemOf('example')} />
              <CsrfField token={csrf} />
              <TextArea label="Example payload (JSON)" name="example" value={valueOf('example', 'example') ?? ''} rows={5} />
              <div class="actions">
                <button type="submit">Add example</button>
              </div>
            </form>

            <h2>Description and status</h2>
            <form class="stacked" method="post" action={`${path}/description`}>
              <ProblemSummary problem={problemOf('description')} />
              <CsrfField token={csrf} />
              <Field label="Description" name="description" value={valueOf('description', 'description') ?? type.description} />
              <div class="actions">
                <button type="submit">Save description</button>
              </div>
            </form>
            <form class="actions" method="post" action={`${path}/deprecation`}>
              <CsrfField token={csrf} />
              <input type="hidden" name="deprecated" value={type.deprecated ? 'false' : 'true'} />
              <button type="submit" class="secondary">
                {type.deprecated ? 'Undeprecate' : 'Deprecate'}
              </button>
            </form>
          </>
        ) : null}
      </>
    ),
  });
}

export function consoleEventTypes(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();

  app.get('/', (c) => listPage(c, deps));

  app.post('/', async (c) => {
    const fields = textFields(await c.req.parseBody());
    const errors: FieldErrors = [];
    const schema = jsonField(fields, 'schema', 'schema', errors);
    const examples = jsonField(fields, 'examples', 'examples', errors);
    if (errors.length > 0) return listPage(c, deps, { values: fields, problem: formProblem(errors) });
    const body = {
      name: (fields['name'] ?? '').trim(),
      ...(fields['description'] ? { description: fields['description'] } : {}),
      ...(schema === undefined ? {} : { schema }),
      ...(examples === undefined ? {} : { examples }),
    };
    const created = await v1For(c, deps).send<EventType>('POST', '/v1/event-types', body);
    if (!created.ok) return listPage(c, deps, { values: fields, problem: created.problem });
    return redirectWithFlash(c, 'console', typePath(created.data.name), `Event type ${created.data.name} added`);
  });

  app.get('/:name', (c) => typePage(c, deps, c.req.param('name')));

  /** A change from one of the type page's forms: `patchOf` turns the form into a PATCH body, or adds to `errors`. */
  const change = (
    form: TypeForm,
    done: string,
    patchOf: (fields: FormFields, type: () => Promise<EventType>, errors: FieldErrors) => Promise<unknown>,
  ) =>
    app.post(`/:name/${form}`, async (c) => {
      const name = c.req.param('name');
      const fields = textFields(await c.req.parseBody());
      const errors: FieldErrors = [];
      const patch = await patchOf(fields, () => v1For(c, deps).get<EventType>(v1Path(name)), errors);
      if (errors.length > 0) return typePage(c, deps, name, { form, values: fields, problem: formProblem(errors) });
      const changed = await v1For(c, deps).send<EventType>('PATCH', v1Path(name), patch);
      if (!changed.ok) return typePage(c, deps, name, { form, values: fields, problem: changed.problem });
      return redirectWithFlash(c, 'console', typePath(name), done);
    });

  change('schema', 'Schema version added', async (fields, _type, errors) => {
    const schema = jsonField(fields, 'schema', 'schema', errors);
    if (schema === undefined && errors.length === 0) errors.push({ path: 'schema', message: 'enter a JSON Schema' });
    return { schema };
  });
  change('example', 'Example added', async (fields, type, errors) => {
    const example = jsonField(fields, 'example', 'examples', errors);
    if (example === undefined && errors.length === 0) errors.push({ path: 'examples', message: 'enter an example payload' });
    return errors.length > 0 ? {} : { examples: [...(await type()).examples, example] };
  });
  change('description', 'Description saved', async (fields) => ({ description: fields['description'] ?? '' }));
  app.post('/:name/deprecation', async (c) => {
    const name = c.req.param('name');
    const deprecated = (await c.req.parseBody())['deprecated'] === 'true';
    const changed = await v1For(c, deps).send<EventType>('PATCH', v1Path(name), { deprecated });
    if (!changed.ok) return typePage(c, deps, name, { form: 'description', values: {}, problem: changed.problem });
    return redirectWithFlash(c, 'console', typePath(name), deprecated ? 'Event type deprecated' : 'Event type no longer deprecated');
  });

  return app;
}
