// Why: the analytics charts, drawn as plain SVG (no chart library): a horizontal bar chart and
// a line chart with axes, labels, a legend and <title> elements for assistive technology.

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Clears `svg`, sets its size, and gives it a <title> (its description) referenced by aria-labelledby. */
function reset(svg, width, height, description) {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  svg.setAttribute('role', 'img');
  const descId = `${svg.id}-desc`;
  svg.append(s('title', { id: descId }, description));
  const heading = `${svg.id}-title`;
  svg.setAttribute('aria-labelledby', document.getElementById(heading) ? `${heading} ${descId}` : descId);
}

function empty(svg, message) {
  reset(svg, 400, 80, message);
  svg.classList.add('empty');
  svg.append(s('text', { x: 200, y: 45, 'text-anchor': 'middle', class: 'empty-text' }, message));
}

function niceMax(max) {
  if (max <= 4) return Math.max(1, max);
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
}

/** Horizontal bars: `data` is [{label, value}]. */
export function barChart(svg, data, { emptyText = 'No data yet.', unit = '' } = {}) {
  if (!data.length || data.every((d) => !d.value)) {
    empty(svg, emptyText);
    return;
  }
  svg.classList.remove('empty');
  const row = 30;
  const left = 110;
  const right = 50;
  const width = 480;
  const height = data.length * row + 30;
  const max = niceMax(Math.max(...data.map((d) => d.value)));
  const scale = (v) => ((width - left - right) * v) / max;
  reset(svg, width, height, data.map((d) => `${d.label}: ${d.value}${unit}`).join(', '));

  svg.append(s('line', { x1: left, y1: 5, x2: left, y2: height - 25, class: 'axis' }));
  svg.append(s('line', { x1: left, y1: height - 25, x2: width - right, y2: height - 25, class: 'axis' }));
  for (const tick of [0, max / 2, max]) {
    const x = left + scale(tick);
    svg.append(s('text', { x, y: height - 8, 'text-anchor': 'middle', class: 'tick' }, formatNumber(tick)));
  }
  data.forEach((d, i) => {
    const y = 8 + i * row;
    const g = s('g', { class: `bar ${d.cls || ''}` });
    g.append(s('title', {}, `${d.label}: ${d.value}${unit}`));
    g.append(s('text', { x: left - 8, y: y + row / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'label' }, truncate(d.label, 14)));
    g.append(s('rect', { x: left, y: y + 3, width: Math.max(d.value ? 2 : 0, scale(d.value)), height: row - 10, rx: 3 }));
    g.append(s('text', { x: left + scale(d.value) + 6, y: y + row / 2, 'dominant-baseline': 'middle', class: 'value' }, `${d.value}${unit}`));
    svg.append(g);
  });
}

/** Lines over days: `labels` are the x values, `series` is [{name, values, cls}]. */
export function lineChart(svg, labels, series, { emptyText = 'No data yet.' } = {}) {
  if (!labels.length || series.every((se) => se.values.every((v) => !v))) {
    empty(svg, emptyText);
    return;
  }
  svg.classList.remove('empty');
  const width = 520;
  const height = 240;
  const pad = { left: 40, right: 26, top: 30, bottom: 40 };
  const max = niceMax(Math.max(...series.flatMap((se) => se.values)));
  const x = (i) => pad.left + ((width - pad.left - pad.right) * i) / Math.max(1, labels.length - 1);
  const y = (v) => height - pad.bottom - ((height - pad.top - pad.bottom) * v) / max;
  const totals = series.map((se) => `${se.name}: ${se.values.reduce((a, b) => a + b, 0)} in total`).join('; ');
  reset(svg, width, height, `From ${labels[0]} to ${labels[labels.length - 1]}. ${totals}.`);

  for (const tick of [0, max / 2, max]) {
    svg.append(s('line', { x1: pad.left, x2: width - pad.right, y1: y(tick), y2: y(tick), class: 'grid' }));
    svg.append(s('text', { x: pad.left - 6, y: y(tick), 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'tick' }, formatNumber(tick)));
  }
  svg.append(s('line', { x1: pad.left, y1: pad.top - 5, x2: pad.left, y2: height - pad.bottom, class: 'axis' }));
  svg.append(s('line', { x1: pad.left, y1: height - pad.bottom, x2: width - pad.right, y2: height - pad.bottom, class: 'axis' }));
  const every = Math.max(1, Math.ceil(labels.length / 6));
  labels.forEach((label, i) => {
    if (i % every && i !== labels.length - 1) return;
    svg.append(s('text', { x: x(i), y: height - pad.bottom + 18, 'text-anchor': 'middle', class: 'tick' }, shortDate(label)));
  });

  series.forEach((se, k) => {
    const g = s('g', { class: `series ${se.cls}` });
    g.append(s('title', {}, se.name));
    g.append(s('polyline', { points: se.values.map((v, i) => `${x(i)},${y(v)}`).join(' '), class: 'line' }));
    se.values.forEach((v, i) => {
      const dot = s('circle', { cx: x(i), cy: y(v), r: 3 });
      dot.append(s('title', {}, `${labels[i]}: ${v} ${se.name.toLowerCase()}`));
      g.append(dot);
    });
    svg.append(g);
    const lx = pad.left + k * 130;
    svg.append(s('rect', { x: lx, y: 6, width: 14, height: 14, class: `swatch ${se.cls}` }));
    svg.append(s('text', { x: lx + 20, y: 13, 'dominant-baseline': 'middle', class: 'legend' }, se.name));
  });
}

function formatNumber(n) {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function truncate(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function shortDate(isoDay) {
  const d = new Date(`${isoDay}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return isoDay;
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
}
