/* global uPlot */ // loaded before this script (src/ui/assets.ts: uplot.js)
// The overview's charts: fetches the page's figures (/console/overview.json,
// the same GET /v1/stats answer the table below is rendered from) and draws
// them with uPlot. Without it the page still says everything in its table.
(function () {
  var root = document.getElementById('overview-charts');
  var note = document.getElementById('figures-note');
  if (!root || typeof uPlot === 'undefined') return;

  // Distinct hues and dash patterns: a series is told apart by its legend name, never by colour alone.
  var COLOURS = ['#0b57d0', '#146c2e', '#b3261e', '#8a5a00', '#6b21a8', '#57606a'];
  var DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [10, 4], [1, 3]];
  var charts = [];

  function series(labels, withPoints) {
    return [{ label: 'Time' }].concat(
      labels.map(function (label, i) {
        var line = { label: label, stroke: COLOURS[i % COLOURS.length], dash: DASHES[i % DASHES.length], width: 2 };
        // A rate has gaps (no delivery settled): a lone bucket between two gaps has no line, so it gets a point.
        if (withPoints) line.points = { show: true, size: 6, fill: COLOURS[i % COLOURS.length] };
        return line;
      }),
    );
  }

  // isRate: a percentage (0 to 100, with gaps) rather than counts.
  function draw(id, labels, columns, xs, isRate) {
    var target = document.getElementById(id);
    if (!target) return;
    var options = {
      width: Math.max(target.clientWidth, 240),
      height: 220,
      series: series(labels, isRate),
      scales: { x: { time: true }, y: isRate ? { range: [0, 100] } : {} },
      axes: [{}, { size: 56 }],
      legend: { live: true },
    };
    charts.push({ chart: new uPlot(options, [xs].concat(columns), target), target: target });
  }

  function render(stats) {
    var xs = stats.buckets.map(function (b) {
      return Date.parse(b.start) / 1000;
    });
    var pick = function (f) {
      return stats.buckets.map(f);
    };
    draw(
      'chart-flow',
      ['Events', 'Deliveries succeeded', 'Deliveries dead'],
      [
        pick(function (b) {
          return b.events;
        }),
        pick(function (b) {
          return b.deliveries.succeeded;
        }),
        pick(function (b) {
          return b.deliveries.dead;
        }),
      ],
      xs,
    );
    var classes = ['2xx', '3xx', '4xx', '5xx', 'network'];
    draw(
      'chart-attempts',
      classes.map(function (c) {
        return c === 'network' ? 'Network error' : c;
      }),
      classes.map(function (c) {
        return pick(function (b) {
          return b.attempts[c];
        });
      }),
      xs,
    );
    draw(
      'chart-success',
      ['Success rate (%)'],
      [
        pick(function (b) {
          var settled = b.deliveries.succeeded + b.deliveries.dead;
          return settled === 0 ? null : (100 * b.deliveries.succeeded) / settled;
        }),
      ],
      xs,
      true,
    );
  }

  var resizing;
  window.addEventListener('resize', function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      charts.forEach(function (c) {
        c.chart.setSize({ width: Math.max(c.target.clientWidth, 240), height: 220 });
      });
    }, 150);
  });

  fetch(root.getAttribute('data-source'), { credentials: 'same-origin', headers: { accept: 'application/json' } })
    .then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    })
    .then(render)
    .catch(function () {
      if (note) note.textContent = 'The charts could not be drawn; the figures below are up to date as of this page.';
    });
})();
