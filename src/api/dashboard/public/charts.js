// Charts: time series with uPlot (served from node_modules by the API, no CDN) and the correlation heatmap as a
// plain table, so its numbers stay readable and selectable.
import uPlot from './vendor/uplot.esm.js';
import { h } from './dom.js';

const PALETTE = ['#2f5bea', '#d9480f', '#1a7f4b', '#9c36b5', '#c0392b', '#0b7285', '#b7791f', '#495057'];

/** 'YYYY-MM-DD' (or an ISO instant) → Unix seconds, what uPlot's time scale takes. */
const toSeconds = (date) => Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date) / 1000;

/**
 * A line chart of one or more series over dates, drawn into `container`; returns {destroy}. Daily dates are shown
 * in UTC so that a session date never shifts by the viewer's time zone.
 */
export function lineChart(container, { dates, series, height = 220, format = (v) => v.toFixed(2) }) {
  const width = () => Math.max(container.clientWidth || 0, 320);
  const chart = new uPlot(
    {
      width: width(),
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
      scales: { x: { time: true } },
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color ?? PALETTE[i % PALETTE.length],
          width: 1.5,
          value: (_u, v) => (v === null || v === undefined ? '—' : format(v)),
        })),
      ],
      axes: [{}, { size: 72, values: (_u, ticks) => ticks.map((v) => format(v)) }],
    },
    [dates.map(toSeconds), ...series.map((s) => s.values)],
    container,
  );
  const observer = new ResizeObserver(() => {
    if (container.clientWidth > 0) chart.setSize({ width: width(), height });
  });
  observer.observe(container);
  return {
    destroy() {
      observer.disconnect();
      chart.destroy();
    },
  };
}

/** Diverging colour for a correlation in [−1, 1]: blue for negative, white at 0, red for positive. */
function correlationColour(value) {
  const v = Math.max(-1, Math.min(1, value));
  const [r, g, b] = v >= 0 ? [192, 57, 43] : [47, 91, 234];
  const t = Math.abs(v);
  const mix = (c) => Math.round(255 + (c - 255) * t);
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

/** The correlation matrix as a heatmap table: one coloured cell per pair, the value in it. */
export function correlationHeatmap({ symbols, matrix }) {
  return h(
    'table',
    { class: 'heatmap', 'aria-label': 'Correlation heatmap' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, ''),
        symbols.map((s) => h('th', { scope: 'col' }, s)),
      ),
    ),
    h(
      'tbody',
      null,
      symbols.map((rowSymbol, i) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, rowSymbol),
          symbols.map((colSymbol, j) => {
            const value = matrix[i][j];
            const cell = h(
              'td',
              {
                title: `${rowSymbol} × ${colSymbol}: ${Number.isFinite(value) ? value.toFixed(4) : 'n/a'}`,
                class: Math.abs(value) > 0.6 ? 'light' : null,
                'data-value': value,
              },
              Number.isFinite(value) ? value.toFixed(2) : '—',
            );
            if (Number.isFinite(value)) cell.style.backgroundColor = correlationColour(value);
            return cell;
          }),
        ),
      ),
    ),
  );
}
