// One SVG per scenario: deliveries per second and publish-to-receipt lag over
// time, both worker shapes overlaid. Drawn with Vega-Lite, rendered headless.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { SHAPE_LABELS, SHAPES, type ScenarioResult } from './scenarios.js';

const COLORS = ['#e45756', '#4c78a8'];
const WIDTH = 640;

export function chartSpec(runs: readonly ScenarioResult[]): vl.TopLevelSpec {
  const first = runs[0]!;
  // Drawn as steps: each second's count holds until the next second, so the last one gets a closing point.
  const deliveries = runs.flatMap((r) => {
    const points = r.series.map((s) => ({ shape: SHAPE_LABELS[r.shape], t: s.t, deliveries: s.delivered }));
    const last = points.at(-1);
    return last ? [...points, { ...last, t: last.t + 1 }] : points;
  });
  const lags = runs.flatMap((r) =>
    r.series.flatMap((s) =>
      s.lagP99Ms === null || s.lagP50Ms === null
        ? []
        : [
            // In the middle of its second, under the step of the same second above.
            { shape: SHAPE_LABELS[r.shape], t: s.t + 0.5, measure: 'p99', lagMs: Math.max(1, s.lagP99Ms) },
            { shape: SHAPE_LABELS[r.shape], t: s.t + 0.5, measure: 'p50', lagMs: Math.max(1, s.lagP50Ms) },
          ],
    ),
  );
  const color = {
    field: 'shape',
    type: 'nominal',
    title: 'worker shape',
    scale: { domain: SHAPES.map((s) => SHAPE_LABELS[s]), range: COLORS },
  } as const;
  const x = { field: 't', type: 'quantitative', title: 'seconds since the first publish', axis: { format: 'd', tickMinStep: 1 } } as const;
  // One line per shape: without a canvas Vega over-estimates text widths, and a long line widens the image.
  const summary = runs.map(
    (r) =>
      `${SHAPE_LABELS[r.shape]}: ${r.deliveriesPerSecond} deliveries/s, ${r.cost.perDelivery.historyEventsPerDelivery} history events per delivery`,
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: first.title, subtitle: summary, anchor: 'start' },
    config: { font: 'sans-serif', view: { stroke: '#ddd' }, legend: { orient: 'bottom', direction: 'horizontal' } },
    vconcat: [
      {
        width: WIDTH,
        height: 180,
        title: { text: 'deliveries received per second', fontSize: 12, anchor: 'start' },
        layer: [
          {
            data: { values: deliveries },
            mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
            encoding: { x, y: { field: 'deliveries', type: 'quantitative', title: 'deliveries/s' }, color },
          },
          // Steady-rate scenarios: the publish rate the stack has to keep up with.
          ...(first.rate ? [referenceLine(first.rate, 'deliveries', `published: ${first.rate}/s`)] : []),
        ],
      },
      {
        width: WIDTH,
        height: 180,
        title: { text: 'publish-to-receipt lag of the deliveries received that second', fontSize: 12, anchor: 'start' },
        layer: [
          {
            data: { values: lags },
            mark: { type: 'line', strokeWidth: 1.5 },
            encoding: {
              x,
              y: { field: 'lagMs', type: 'quantitative', title: 'lag ms (log)', scale: { type: 'log' }, axis: { tickCount: 5, format: '~s' } },
              color,
              strokeDash: {
                field: 'measure',
                type: 'nominal',
                title: 'lag',
                scale: {
                  domain: ['p99', 'p50'],
                  range: [
                    [1, 0],
                    [4, 3],
                  ],
                },
              },
            },
          },
          // Steady-rate scenarios keep up while the p99 stays under a second.
          ...(first.rate ? [referenceLine(1000, 'lagMs', 'kept up: p99 < 1 s')] : []),
        ],
      },
    ],
    resolve: { scale: { color: 'shared', x: 'shared' } },
  } as vl.TopLevelSpec;
}

/** A labelled horizontal dashed line at `value` on the layer's y field. */
function referenceLine(value: number, field: string, label: string) {
  return {
    data: { values: [{ [field]: value, label }] },
    layer: [
      { mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { field, type: 'quantitative' } } },
      {
        mark: { type: 'text', align: 'right', dx: -4, dy: -6, color: '#666', x: WIDTH },
        encoding: { y: { field, type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
}

export async function renderSvg(spec: vl.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Writes `<dir>/<scenario>.svg` for every scenario in `results`; returns the files written. */
export async function writeCharts(results: readonly ScenarioResult[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const byScenario = new Map<string, ScenarioResult[]>();
  for (const r of results) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  const files: string[] = [];
  for (const [scenario, runs] of byScenario) {
    const ordered = [...runs].sort((a, b) => SHAPES.indexOf(a.shape) - SHAPES.indexOf(b.shape));
    const file = path.join(dir, `${scenario}.svg`);
    await writeFile(file, await renderSvg(chartSpec(ordered)));
    files.push(file);
  }
  return files;
}
