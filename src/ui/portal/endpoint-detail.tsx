// One endpoint: what it is, its actions (edit, pause or resume, delete), its
// signing secret (revealed or rotated on a confirmed POST, shown on that one
// answer only) and a test send with the receiver's answer.
import type { Context } from 'hono';
import type { ProblemBody } from '../../api/problem.js';
import type { EventType } from '../../schemas/event-type.js';
import type { Subscription } from '../../schemas/subscription.js';
import type { TestSendResult } from '../../schemas/test-send.js';
import { CsrfField, formatTime, ProblemSummary, StatusBadge } from '../components.js';
import type { UiEnv } from '../session.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import { AnswerFacts } from './answer.js';
import { readCatalog } from './catalog.js';
import { portalPage } from './render.js';

/** A key shown once: after adding, revealing or rotating. Never in a flash, a URL or a log. */
export interface ShownKey {
  secret?: string;
  publicKey?: string;
  /** After a rotation: until when the previous key keeps signing too. */
  previousSecretExpiresAt?: string;
}

export interface EndpointPanels {
  key?: ShownKey;
  test?: TestSendResult;
  /** A test send refused as invalid (no example for the type), shown in its section. */
  testProblem?: ProblemBody;
}

export function endpointPath(id: string, action = ''): string {
  return `/portal/endpoints/${encodeURIComponent(id)}${action}`;
}

/** The same endpoint in /v1. */
export function v1EndpointPath(id: string, action = ''): string {
  return `/v1/subscriptions/${encodeURIComponent(id)}${action}`;
}

export function ShownKeyBox(props: { shown: ShownKey }) {
  const { shown } = props;
  return (
    <div class="shown-key" role="status">
      {shown.secret ? (
        <p>
          Signing secret: <code class="secret">{shown.secret}</code>
        </p>
      ) : null}
      {shown.publicKey ? (
        <p>
          Public key (ed25519): <code class="secret">{shown.publicKey}</code>
        </p>
      ) : null}
      {shown.previousSecretExpiresAt ? (
        <p>
          The previous key keeps signing next to this one until{' '}
          <time datetime={shown.previousSecretExpiresAt}>{formatTime(shown.previousSecretExpiresAt)}</time>: switch your receiver before then.
        </p>
      ) : null}
      <p class="hint">Copy it now: it is not shown again unless you reveal it.</p>
    </div>
  );
}

/** Event types a test can be sent as: the endpoint's exact types, else (patterns only) the catalog's. */
function testableTypes(endpoint: Subscription, catalog: readonly EventType[]): string[] {
  const exact = endpoint.eventTypes.filter((type) => !type.includes('*'));
  return exact.length > 0 ? exact : catalog.map((type) => type.name);
}

function PostButton(props: { action: string; csrfToken: string; label: string; name?: string; value?: string; class?: string }) {
  return (
    <form method="post" action={props.action} class="post-button">
      <CsrfField token={props.csrfToken} />
      <button type="submit" class={props.class} name={props.name} value={props.value}>
        {props.label}
      </button>
    </form>
  );
}

export async function endpointDetailPage(c: Context<UiEnv>, deps: UiDeps, id: string, panels: EndpointPanels = {}) {
  const api = v1For(c, deps);
  const endpoint = await api.get<Subscription>(v1EndpointPath(id));
  const csrfToken = c.get('session').csrfToken;
  const types = testableTypes(endpoint, endpoint.eventTypes.some((type) => type.includes('*')) ? await readCatalog(api) : []);
  const paused = endpoint.status !== 'active';
  return portalPage(c, deps.options.portal, {
    title: 'Endpoint',
    children: (
      <>
        <dl class="facts">
          <dt>URL</dt>
          <dd>
            <code>{endpoint.url}</code>
          </dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={endpoint.status} />
            {endpoint.disabledReason ? ` (${endpoint.disabledReason})` : null}
          </dd>
          <dt>Event types</dt>
          <dd>{endpoint.eventTypes.join(', ')}</dd>
          <dt>Description</dt>
          <dd>{endpoint.description ?? ''}</dd>
          <dt>Signature</dt>
          <dd>{endpoint.signatureScheme === 'v1' ? 'v1 (HMAC-SHA256, shared secret)' : 'v1a (ed25519, public key)'}</dd>
          <dt>Added</dt>
          <dd>{formatTime(endpoint.createdAt)}</dd>
        </dl>
        <div class="actions">
          <a class="button secondary" href={endpointPath(id, '/edit')}>
            Edit
          </a>
          <PostButton
            action={endpointPath(id, '/status')}
            csrfToken={csrfToken}
            name="status"
            value={paused ? 'active' : 'paused'}
            label={paused ? 'Resume' : 'Pause'}
            class="secondary"
          />
          <a class="button secondary" href={`/portal/deliveries?subscriptionId=${encodeURIComponent(id)}`}>
            Deliveries
          </a>
          <a class="button danger" href={endpointPath(id, '/delete')}>
            Delete…
          </a>
        </div>

        <h2>Signing secret</h2>
        <p>Your receiver checks each request's signature with this key (Standard Webhooks). It is hidden until you ask for it.</p>
        {panels.key ? <ShownKeyBox shown={panels.key} /> : null}
        <div class="actions">
          <PostButton action={endpointPath(id, '/secret')} csrfToken={csrfToken} label="Reveal secret" class="secondary" />
          <PostButton action={endpointPath(id, '/secret/rotate')} csrfToken={csrfToken} label="Rotate secret" class="secondary" />
        </div>

        <h2>Send a test event</h2>
        <p>
          Sends one signed request to the endpoint now, marked as a test, with the event type's example from the catalog as its payload, and shows
          what it answered.
        </p>
        <ProblemSummary problem={panels.testProblem} />
        <form class="stacked" method="post" action={endpointPath(id, '/test')}>
          <CsrfField token={csrfToken} />
          <div class="field">
            <label for="test-event-type">Event type</label>
            <select id="test-event-type" name="eventType">
              {types.map((type) => (
                <option value={type} selected={panels.test?.eventType === type}>
                  {type}
                </option>
              ))}
            </select>
          </div>
          <div class="actions">
            <button type="submit">Send test event</button>
          </div>
        </form>
        {panels.test ? <AnswerFacts answer={panels.test} label="Test result" /> : null}
      </>
    ),
  });
}
