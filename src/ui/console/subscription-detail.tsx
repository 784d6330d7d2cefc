// One subscription in the console: its settings, what can be done to it (each
// action a small form, a refusal shown beside it), its health and, for a fifo
// subscription, its stream. A secret is shown only in the answer to the form
// that asked for it (create, reveal, rotate), never on a page loaded by GET.
import type { Child } from 'hono/jsx';
import type { ProblemBody } from '../../api/problem.js';
import type { EndpointHealthView, OrderedStreamView, Subscription } from '../../schemas/subscription.js';
import type { TestSendResult } from '../../schemas/test-send.js';
import { CsrfField, formatTime, ProblemSummary, StatusBadge, TableWrap } from '../components.js';
import { errorsFor, TextArea, TextInput } from '../form-fields.js';

/** What the page shows once, in answer to a form: a key, a test's answer, a refusal beside the form that drew it. */
export interface DetailExtras {
  shownKey?: { title: string; secret?: string | undefined; publicKey?: string | undefined; note: string };
  testResult?: TestSendResult;
  refusal?: { action: SubscriptionAction; problem: ProblemBody };
  /** What was typed in the test form, kept when it was refused. */
  testInput?: { eventType: string; payload: string };
}

export type SubscriptionAction = 'status' | 'disable' | 'rotate' | 'test' | 'delete';

/** Terms and their values, as a description list. */
function FactList(props: { facts: ReadonlyArray<readonly [string, Child]> }) {
  return (
    <dl class="facts">
      {props.facts.map(([term, value]) => (
        <>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}

function Facts(props: { subscription: Subscription }) {
  const s = props.subscription;
  const facts: Array<[string, string]> = [
    ['Tenant', s.tenantId],
    ['URL', s.url],
    ['Event types', s.eventTypes.join(', ')],
    ['Description', s.description ?? '—'],
    [
      'Custom headers',
      Object.keys(s.headers).length > 0
        ? Object.entries(s.headers)
            .map(([name, value]) => `${name}: ${value}`)
            .join('; ')
        : '—',
    ],
    ['Retry schedule', s.retrySchedule ? `${s.retrySchedule.join(', ')} s` : "hookflow's default"],
    ['Timeout', s.timeoutMs === null ? "hookflow's default" : `${s.timeoutMs} ms`],
    ['Rate limit', s.rateLimitPerSecond === null ? 'none' : `${s.rateLimitPerSecond} per second`],
    ['Ordering', s.ordering === 'fifo' ? `fifo (a dead letter: ${s.onDeadLetter ?? 'block'})` : 'none'],
    ['Signature scheme', s.signatureScheme],
    ['Created', formatTime(s.createdAt)],
    ['Updated', formatTime(s.updatedAt)],
  ];
  if (s.publicKey) facts.splice(10, 0, ['Public key', s.publicKey]);
  if (s.disabledReason) facts.splice(1, 0, ['Disabled because', s.disabledReason]);
  return <FactList facts={facts} />;
}

/** A key shown once, in answer to the form that asked for it. */
function ShownKey(props: { shown: NonNullable<DetailExtras['shownKey']> }) {
  const { shown } = props;
  return (
    <section class="shown-secret" aria-labelledby="shown-secret-heading">
      <h2 id="shown-secret-heading">{shown.title}</h2>
      <p>
        <strong>{shown.note}</strong>
      </p>
      {shown.secret ? (
        <p>
          Signing secret: <code class="secret">{shown.secret}</code>
        </p>
      ) : null}
      {shown.publicKey ? (
        <p>
          Public key: <code class="secret">{shown.publicKey}</code>
        </p>
      ) : null}
    </section>
  );
}

function Refusal(props: { extras: DetailExtras; action: SubscriptionAction }) {
  const refusal = props.extras.refusal;
  return refusal && refusal.action === props.action ? <ProblemSummary problem={refusal.problem} /> : null;
}

function Actions(props: { subscription: Subscription; csrfToken: string; extras: DetailExtras }) {
  const { subscription, csrfToken, extras } = props;
  const base = `/console/subscriptions/${encodeURIComponent(subscription.id)}`;
  const refused = (action: SubscriptionAction) => (extras.refusal?.action === action ? extras.refusal.problem : undefined);
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      <Refusal extras={extras} action="status" />
      <div class="actions">
        <a class="button secondary" href={`${base}/edit`}>
          Edit
        </a>
        {subscription.status === 'active' ? (
          <form method="post" action={`${base}/status`}>
            <CsrfField token={csrfToken} />
            <input type="hidden" name="status" value="paused" />
            <button type="submit" class="secondary">
              Pause
            </button>
          </form>
        ) : (
          <form method="post" action={`${base}/status`}>
            <CsrfField token={csrfToken} />
            <input type="hidden" name="status" value="active" />
            <button type="submit" class="secondary">
              {subscription.status === 'paused' ? 'Resume' : 'Enable'}
            </button>
          </form>
        )}
        {subscription.signatureScheme === 'v1' ? (
          <form method="post" action={`${base}/secret`}>
            <CsrfField token={csrfToken} />
            <button type="submit" class="secondary">
              Reveal secret
            </button>
          </form>
        ) : null}
      </div>

      <h3>Send a test event</h3>
      <Refusal extras={extras} action="test" />
      <form class="stacked" method="post" action={`${base}/test`}>
        <CsrfField token={csrfToken} />
        <TextInput
          label="Test event type"
          name="eventType"
          value={extras.testInput?.eventType ?? ''}
          hint="Blank: the subscription's first exact event type."
          errors={errorsFor(refused('test'), 'eventType')}
        />
        <TextArea
          label="Test payload (JSON)"
          name="payload"
          value={extras.testInput?.payload ?? ''}
          rows={3}
          hint="Blank: the event catalog's example."
          errors={errorsFor(refused('test'), 'payload')}
        />
        <div class="actions">
          <button type="submit">Send test event</button>
        </div>
      </form>
      {extras.testResult ? <TestResultView result={extras.testResult} /> : null}

      <h3>Rotate the signing key</h3>
      <Refusal extras={extras} action="rotate" />
      <form class="stacked" method="post" action={`${base}/rotate`}>
        <CsrfField token={csrfToken} />
        <TextInput
          label="Overlap (seconds)"
          name="overlapSeconds"
          value=""
          inputmode="numeric"
          hint="How long the previous key keeps signing beside the new one; blank for hookflow's default, 0 to end it now."
          errors={errorsFor(refused('rotate'), 'overlapSeconds')}
        />
        <div class="actions">
          <button type="submit">Rotate secret</button>
        </div>
      </form>

      {subscription.status !== 'disabled' ? (
        <>
          <h3>Disable</h3>
          <Refusal extras={extras} action="disable" />
          <ConfirmedForm
            action={`${base}/status`}
            csrfToken={csrfToken}
            hidden={{ status: 'disabled' }}
            confirm="Yes, disable it: no more deliveries until it is enabled again"
            button="Disable subscription"
          />
        </>
      ) : null}

      <h3>Delete</h3>
      <Refusal extras={extras} action="delete" />
      <ConfirmedForm
        action={`${base}/delete`}
        csrfToken={csrfToken}
        hidden={{}}
        confirm="Yes, delete it for good (its deliveries' history is kept)"
        button="Delete subscription"
      />
    </section>
  );
}

/** A destructive action: the box must be ticked (the server checks it too, so it holds without script). */
function ConfirmedForm(props: { action: string; csrfToken: string; hidden: Record<string, string>; confirm: string; button: string }) {
  const id = `confirm-${props.action.split('/').pop()}`;
  return (
    <form class="confirm" method="post" action={props.action}>
      <CsrfField token={props.csrfToken} />
      {Object.entries(props.hidden).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <label class="checkbox" for={id}>
        <input type="checkbox" id={id} name="confirm" value="yes" required />
        {props.confirm}
      </label>
      <div class="actions">
        <button type="submit" class="danger">
          {props.button}
        </button>
      </div>
    </form>
  );
}

function TestResultView(props: { result: TestSendResult }) {
  const { result } = props;
  return (
    <section class="test-result" aria-labelledby="test-result-heading">
      <h4 id="test-result-heading">Test result</h4>
      <FactList
        facts={[
          ["Receiver's status", result.statusCode === null ? 'no answer' : String(result.statusCode)],
          ['Event type', result.eventType],
          ['Duration', `${result.durationMs} ms`],
          ['Webhook id', <code>{result.webhookId}</code>],
          ...(result.error ? [['Error', result.error] as const] : []),
        ]}
      />
      {result.responseBody ? <pre>{result.responseBody}</pre> : null}
    </section>
  );
}

function HealthView(props: { health: EndpointHealthView }) {
  const { health } = props;
  return (
    <section aria-labelledby="health-heading">
      <h2 id="health-heading">Health</h2>
      <FactList
        facts={[
          ['Breaker', <StatusBadge status={health.state} />],
          ['Consecutive failures', health.consecutiveFailures],
          ['Trips', health.trips],
          ['Open until', formatTime(health.openUntil) || '—'],
          ['Last success', formatTime(health.lastSuccessAt) || '—'],
          ['Failing since', formatTime(health.failingSince) || '—'],
        ]}
      />
      <h3>Breaker transitions</h3>
      {health.transitions.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <TableWrap label="Breaker transitions">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {health.transitions.map((transition) => (
                <tr>
                  <td>{formatTime(transition.at)}</td>
                  <td>{transition.from}</td>
                  <td>{transition.to}</td>
                  <td>{transition.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

function StreamView(props: { stream: OrderedStreamView }) {
  const { stream } = props;
  return (
    <section aria-labelledby="stream-heading">
      <h2 id="stream-heading">Ordered stream</h2>
      <FactList
        facts={[
          ['Waiting deliveries', stream.pending],
          ['Blocked on', stream.blockedOn ? <code>{stream.blockedOn}</code> : 'nothing: flowing'],
          ['Order violations', stream.orderViolations],
        ]}
      />
    </section>
  );
}

export function SubscriptionDetail(props: {
  subscription: Subscription;
  health: EndpointHealthView;
  stream: OrderedStreamView | undefined;
  csrfToken: string;
  extras: DetailExtras;
}) {
  const { subscription } = props;
  return (
    <>
      {props.extras.shownKey ? <ShownKey shown={props.extras.shownKey} /> : null}
      <p>
        Status: <StatusBadge status={subscription.status} />
      </p>
      <Facts subscription={subscription} />
      <p>
        <a href={`/console/dead-letters?subscriptionId=${encodeURIComponent(subscription.id)}`}>Its dead letters</a> (and recovering them since a
        time)
      </p>
      <HealthView health={props.health} />
      {props.stream ? <StreamView stream={props.stream} /> : null}
      <Actions subscription={subscription} csrfToken={props.csrfToken} extras={props.extras} />
    </>
  );
}
