// The console's overview (/console): the figures of GET /v1/stats, which
// counts what /metrics counts for the whole system, as charts (uPlot, drawn
// by assets/overview.js from /console/overview.json) and as a plain table.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Stats } from '../../schemas/stats.js';
import { assetUrl } from '../assets.js';
import { Field, StatusBadge, TableWrap, formatTime } from '../components.js';
import type { UiEnv } from '../session.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import { consolePage } from './render.js';

const WINDOWS = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
] as const;

/** The page's own query (window, tenantId) as /v1/stats takes it: anything else is dropped. */
function statsQuery(window: string | undefined, tenantId: string | undefined): URLSearchParams {
  const params = new URLSearchParams({ window: window ?? '1h' });
  if (tenantId) params.set('tenantId', tenantId);
  return params;
}

function percent(rate: number | null): string {
  return rate === null ? 'none settled' : `${(rate * 100).toFixed(1)} %`;
}

/** Each figure beside the Prometheus series it is counted as. */
function figureRows(stats: Stats): Array<[figure: string, metric: string, value: string]> {
  const { totals } = stats;
  return [
    ['Events accepted', 'hookflow_events_accepted_total{replayed="false"}', String(totals.events)],
    ['Deliveries succeeded', 'hookflow_deliveries_total{outcome="succeeded"}', String(totals.deliveries.succeeded)],
    ['Deliveries dead-lettered', 'hookflow_deliveries_total{outcome="dead"}', String(totals.deliveries.dead)],
    ['Success rate', 'succeeded / (succeeded + dead)', percent(totals.successRate)],
    ...(['2xx', '3xx', '4xx', '5xx', 'network'] as const).map((statusClass): [string, string, string] => [
      `Attempts ${statusClass === 'network' ? 'with a network error' : statusClass}`,
      `hookflow_attempts_total{status_class="${statusClass}"}`,
      String(totals.attempts[statusClass]),
    ]),
    ['Dead letters now', 'hookflow_dead_letters', String(stats.deadLetters)],
    ['Open breakers now', 'hookflow_breakers{state="open"}', String(stats.breakers.open)],
    ['Half-open breakers now', 'hookflow_breakers{state="half_open"}', String(stats.breakers.half_open)],
  ];
}

function Chart(props: { id: string; title: string }) {
  return (
    <figure class="chart-figure">
      <figcaption id={`${props.id}-caption`}>{props.title}</figcaption>
      <div class="chart" id={props.id} role="img" aria-labelledby={`${props.id}-caption`} aria-describedby="figures-note"></div>
    </figure>
  );
}

function OverviewBody(props: { stats: Stats; window: string; tenantId: string | undefined; platform: boolean }) {
  const { stats } = props;
  const per = stats.bucketSeconds === 60 ? 'per minute' : `per ${stats.bucketSeconds / 60} minutes`;
  const windowLabel = WINDOWS.find((w) => w.value === stats.window)!.label.toLowerCase();
  return (
    <>
      <nav class="window-choice" aria-label="Time window">
        <ul>
          {WINDOWS.map((w) => (
            <li>
              <a href={`/console?${statsQuery(w.value, props.tenantId)}`} aria-current={w.value === stats.window ? 'page' : undefined}>
                {w.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {props.platform ? (
        <form class="filters" method="get" action="/console">
          <input type="hidden" name="window" value={stats.window} />
          <Field label="Tenant id" name="tenantId" value={props.tenantId} hint="Blank: every tenant." />
          <button type="submit" class="secondary">
            Show
          </button>
        </form>
      ) : null}
      <p>
        {stats.tenantId ? (
          <>
            Tenant <code>{stats.tenantId}</code>
          </>
        ) : (
          'Every tenant'
        )}
        , from {formatTime(stats.since)} to {formatTime(stats.until)}.
      </p>
      <div class="charts" id="overview-charts" data-source={`/console/overview.json?${statsQuery(props.window, props.tenantId)}`}>
        <Chart id="chart-flow" title={`Events and settled deliveries ${per}`} />
        <Chart id="chart-attempts" title={`Attempts by status class ${per}`} />
        <Chart id="chart-success" title={`Delivery success rate ${per}`} />
      </div>
      <p class="hint" id="figures-note" role="status">
        The charts draw the figures below, {per}.
      </p>
      <h2 id="figures">Figures for the {windowLabel}</h2>
      <TableWrap label="Figures">
        <table id="figures-table">
          <thead>
            <tr>
              <th scope="col">Figure</th>
              <th scope="col">Value</th>
              <th scope="col">As in /metrics</th>
            </tr>
          </thead>
          <tbody>
            {figureRows(stats).map(([figure, metric, value]) => (
              <tr>
                <th scope="row">{figure}</th>
                <td class="number">{value}</td>
                <td>
                  <code>{metric}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <h2>Breakers not closed</h2>
      {stats.openBreakers.length === 0 ? (
        <p>Every breaker is closed.</p>
      ) : (
        <TableWrap label="Breakers not closed">
          <table>
            <thead>
              <tr>
                <th scope="col">Subscription</th>
                <th scope="col">Tenant</th>
                <th scope="col">State</th>
                <th scope="col">Open until</th>
              </tr>
            </thead>
            <tbody>
              {stats.openBreakers.map((breaker) => (
                <tr>
                  <td>
                    <a href={`/console/subscriptions/${encodeURIComponent(breaker.subscriptionId)}`}>
                      <code>{breaker.subscriptionId}</code>
                    </a>
                  </td>
                  <td>{breaker.tenantId}</td>
                  <td>
                    <StatusBadge status={breaker.state.replace('_', '-')} />
                  </td>
                  <td>{formatTime(breaker.openUntil)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}

export function consoleOverview(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();
  const read = (c: Context<UiEnv>) => {
    const params = statsQuery(c.req.query('window'), c.req.query('tenantId'));
    return v1For(c, deps).get<Stats>(`/v1/stats?${params}`);
  };

  app.get('/', async (c) => {
    const stats = await read(c);
    return consolePage(c, {
      title: 'Overview',
      scripts: [assetUrl('uplot.js'), assetUrl('overview.js')],
      styles: [assetUrl('uplot.css')],
      children: (
        <OverviewBody
          stats={stats}
          window={stats.window}
          tenantId={c.req.query('tenantId') || undefined}
          platform={c.get('session').tenantId === null}
        />
      ),
    });
  });

  // What the charts are drawn from: the same /v1 answer, as the signed-in caller.
  app.get('/overview.json', async (c) => c.json(await read(c)));

  return app;
}
