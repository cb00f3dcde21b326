// DOM helpers. Text always goes in as text nodes (never innerHTML): run ids, symbols and an analyst's rationale are
// data, not markup.

/** h('td', {class: 'num'}, '1.0') — attributes, then children (strings, numbers, nodes, arrays; null skipped). */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name.startsWith('on') && typeof value === 'function')
      element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export const byId = (id) => document.getElementById(id);

const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567.8 → "1,234,568". */
export const fmtMoney = (value) => (Number.isFinite(value) ? money.format(value) : '—');

/** 0.01234 → "1.23 %". */
export const fmtPct = (value, digits = 2) =>
  Number.isFinite(value) ? `${(value * 100).toFixed(digits)} %` : '—';

export const fmtNum = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

/** An ISO instant as local date and time, to the second. */
export const fmtTime = (iso) => {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
};

export const badge = (text, kind = text) => h('span', { class: `badge ${kind ?? ''}` }, text ?? '—');

/** A definition grid of facts: [[label, value], …]. */
export const facts = (pairs) =>
  h(
    'dl',
    { class: 'facts' },
    pairs.map(([label, value]) => h('div', null, h('dt', null, label), h('dd', null, value))),
  );

/** A table from column headers and rows of cells; a header starting with "#" is right-aligned (numbers). */
export function table(headers, rows, attributes = {}) {
  const numeric = headers.map((header) => header.startsWith('#'));
  return h(
    'table',
    attributes,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        headers.map((header, i) => h('th', { class: numeric[i] ? 'num' : null }, header.replace(/^#/, ''))),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((cells) =>
        h(
          'tr',
          null,
          cells.map((cell, i) => h('td', { class: numeric[i] ? 'num' : null }, cell)),
        ),
      ),
    ),
  );
}
