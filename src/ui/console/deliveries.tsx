// One delivery in the console: every attempt (status, duration, error, the
// response's first KiB, the request headers sent, credentials redacted by the
// worker before they were stored), links to its workflows in the Temporal Web
// UI, and a Redeliver button that asks /v1 and shows its refusal if any.
import { Hono, type Context } from 'hono';
import type { ProblemBody } from '../../api/problem.js';
import type { Attempt, DeliveryWithAttempts } from '../../schemas/delivery.js';
import type { Subscription } from '../../schemas/subscription.js';
import { CsrfField, ProblemSummary, StatusBadge, TableWrap, formatTime } from '../components.js';
import { redirectWithFlash } from '../flash.js';
import type { UiEnv } from '../session.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import { V1Problem } from '../v1-client.js';
import { deliveryWorkflows } from './delivery-workflows.js';
import { deliveryHref, eventHref } from './ops-parts.js';
import { consolePage } from './render.js';

export function consoleDeliveries(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();

  app.get('/:id', (c) => deliveryPage(c, deps, c.req.param('id')));

  app.post('/:id/redeliver', async (c) => {
    const id = c.req.param('id');
    const answer = await v1For(c, deps).send('POST', `/v1/deliveries/${encodeURIComponent(id)}/redeliver`);
    if (!answer.ok) return deliveryPage(c, deps, id, answer.problem);
    return redirectWithFlash(c, 'console', deliveryHref(id), `Redelivery of ${id} requested`);
  });

  return app;
}

async function deliveryPage(c: Context<UiEnv>, deps: UiDeps, id: string, refusal?: ProblemBody) {
  const v1 = v1For(c, deps);
  const delivery = await v1.get<DeliveryWithAttempts>(`/v1/deliveries/${encodeURIComponent(id)}`);
  const ordering = await v1
    .get<Subscription>(`/v1/subscriptions/${encodeURIComponent(delivery.subscriptionId)}`)
    .then((subscription) => subscription.ordering)
    .catch((error: unknown) => {
      // A deleted subscription: its deliveries stay readable.
      if (error instanceof V1Problem && error.status === 404) return undefined;
      throw error;
    });
  const { temporalUiUrl, temporalNamespace } = deps.options;
  const workflows = temporalUiUrl ? deliveryWorkflows(delivery, ordering, { url: temporalUiUrl, namespace: temporalNamespace }) : [];
  return consolePage(c, {
    title: `Delivery ${delivery.id}`,
    status: refusal?.status ?? 200,
    children: (
      <>
        <ProblemSummary problem={refusal} />
        <dl class="facts">
          <dt>Status</dt>
          <dd>
            <StatusBadge status={delivery.status} />
          </dd>
          <dt>Event</dt>
          <dd>
            <a href={eventHref(delivery.eventId)}>
              <code>{delivery.eventId}</code>
            </a>{' '}
            {delivery.eventType}
          </dd>
          <dt>Subscription</dt>
          <dd>
            <code>{delivery.subscriptionId}</code>
            {ordering === undefined ? ' (deleted)' : null}
          </dd>
          <dt>Tenant</dt>
          <dd>{delivery.tenantId}</dd>
          <dt>Attempts</dt>
          <dd>{delivery.attemptCount}</dd>
          <dt>Last error</dt>
          <dd>{delivery.lastError ?? 'none'}</dd>
          <dt>Created</dt>
          <dd>{formatTime(delivery.createdAt)}</dd>
          <dt>Updated</dt>
          <dd>{formatTime(delivery.updatedAt)}</dd>
        </dl>
        <form class="actions" method="post" action={`${deliveryHref(delivery.id)}/redeliver`}>
          <CsrfField token={c.get('session').csrfToken} />
          <button type="submit">Redeliver</button>
        </form>
        {workflows.length > 0 ? (
          <>
            <h2>In Temporal</h2>
            <ul class="workflow-links">
              {workflows.map((workflow) => (
                <li>
                  <a href={workflow.url} rel="noreferrer">
                    <code>{workflow.workflowId}</code>
                  </a>
                  : {workflow.role}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <h2>Attempts</h2>
        {delivery.attempts.length === 0 ? <p>No attempt yet.</p> : null}
        {[...delivery.attempts].reverse().map((attempt) => (
          <AttemptSection attempt={attempt} />
        ))}
      </>
    ),
  });
}

function AttemptSection(props: { attempt: Attempt }) {
  const { attempt } = props;
  const outcome = attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300 ? 'succeeded' : 'failed';
  const headingId = `attempt-${attempt.number}`;
  return (
    <section class="attempt" aria-labelledby={headingId}>
      <h3 id={headingId}>
        Attempt {attempt.number} <StatusBadge status={outcome} />
      </h3>
      <dl class="facts">
        <dt>Started</dt>
        <dd>{formatTime(attempt.startedAt)}</dd>
        <dt>Duration</dt>
        <dd>{attempt.durationMs} ms</dd>
        <dt>HTTP status</dt>
        <dd>{attempt.statusCode ?? 'no answer'}</dd>
        {attempt.error ? (
          <>
            <dt>Error</dt>
            <dd class="error-text">{attempt.error}</dd>
          </>
        ) : null}
      </dl>
      <h4>Request headers</h4>
      {attempt.requestHeaders ? (
        <TableWrap label={`Request headers of attempt ${attempt.number}`}>
          <table class="headers">
            <thead>
              <tr>
                <th scope="col">Header</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(attempt.requestHeaders).map(([name, value]) => (
                <tr>
                  <th scope="row">
                    <code>{name}</code>
                  </th>
                  <td>
                    <code>{value}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p>Not recorded (an attempt from before hookflow kept them).</p>
      )}
      <h4>Response (first KiB)</h4>
      {attempt.responseBody ? <pre>{attempt.responseBody}</pre> : <p>{attempt.statusCode === null ? 'No answer.' : 'Empty.'}</p>}
    </section>
  );
}
