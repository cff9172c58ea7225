// Tables and the progress panel, drawn from the records the page polled: one record, every place it shows.
import { formatBytes, formatCount, formatDuration, formatRate, formatTime } from './format.js';

export const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'expired']);
const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  // textContent everywhere: file names and messages come from users and must never become markup.
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** Stacked rows on narrow screens label each value with its column's header (td::before reads data-label). */
export function fillTable(tbody, rows, emptyText) {
  const labels = [...tbody.closest('table').querySelectorAll('thead th')].map((th) => th.textContent);
  if (rows.length === 0) return showTableMessage(tbody, emptyText, 'muted');
  tbody.replaceChildren(
    ...rows.map((cells) => {
      const tr = el('tr');
      cells.forEach((content, i) => {
        const td = el('td');
        td.dataset.label = labels[i] || '';
        // One box per value, so a stacked row lays out exactly two things: the label and this.
        const value = el('div', 'value');
        if (content instanceof Node) value.append(content);
        else if (Array.isArray(content)) value.append(...content.filter(Boolean));
        else value.textContent = content === undefined || content === null ? '' : String(content);
        td.append(value);
        tr.append(td);
      });
      return tr;
    }),
  );
}

/** One full-width row saying why the table is empty (nothing yet, a rejected token, a server that did not answer). */
export function showTableMessage(tbody, text, className) {
  const columns = tbody.closest('table').querySelectorAll('thead th').length;
  const td = el('td', `message ${className}`, text);
  td.colSpan = columns;
  const tr = el('tr');
  tr.append(td);
  tbody.replaceChildren(tr);
}

const code = (text) => el('code', 'id', text);
const badge = (status, cancelling) => el('span', `badge status-${status}`, cancelling ? 'cancelling' : status);
const note = (text) => (text ? el('span', 'note', text) : null);

/** Whole file names on one line: cut with an ellipsis when too long, the full name in the tooltip. */
function fileName(name) {
  const span = el('span', 'filename', name);
  span.title = name;
  return span;
}
function download(href, text) {
  const a = el('a', 'download', text);
  a.href = href;
  a.setAttribute('download', '');
  a.dataset.apiDownload = '';
  return a;
}
function cancelButton(kind, id) {
  const button = el('button', 'secondary small cancel', 'Cancel');
  button.type = 'button';
  button.dataset.cancel = kind;
  button.dataset.id = id;
  button.setAttribute('aria-label', `Cancel ${id}`);
  return button;
}

/** What a live job's rate and time left read like; empty once it is over or before two samples. */
export function pace(record, meter, value, total, unit) {
  if (!meter || record.status !== 'running') return '';
  const rate = formatRate(meter.rate(), unit);
  const left = formatDuration(meter.secondsLeft(value, total));
  return [rate, left && `about ${left} left`].filter(Boolean).join(' · ');
}

/** Why a job failed, under its status (the API never puts a secret there). */
const errorText = (error) => (!error ? '' : typeof error === 'string' ? error : error.message || '');

const modeText = (r) => `${r.mode}${r.dry_run ? ' · dry run' : ''}${r.account ? ` · account ${r.account}` : ''}`;

/** The import's id as a button that shows it in the progress panel (re-attaching after a reload or from elsewhere). */
function followButton(id) {
  const button = el('button', 'link');
  button.type = 'button';
  button.dataset.follow = id;
  button.title = 'Show this import in the progress panel';
  button.append(code(id));
  return button;
}

export function importRow(r, meter) {
  const c = r.counts || {};
  const live = !TERMINAL.has(r.status);
  return [
    followButton(r.id),
    fileName(r.file_name || ''),
    [badge(r.status, live && r.cancel_requested), note(errorText(r.error))],
    modeText(r),
    [el('span', 'rows', `${formatCount(c.processed)} / ${formatCount(c.total)}`), note(pace(r, meter, c.processed, c.total, 'rows'))],
    formatCount(c.failed),
    live
      ? r.cancel_requested ? '' : cancelButton('import', r.id)
      : download(`/v1/imports/${encodeURIComponent(r.id)}/results`, 'results.csv'),
  ];
}

/** What an export or schedule writes: which customers and which columns, when they are not all. */
export function contents(options) {
  const o = options || {};
  const parts = [];
  // Customers are the default and go unsaid, as before the object picker existed.
  if (o.object === 'accounts') parts.push('connected accounts');
  if (o.object === 'team_members') parts.push('Dashboard team members');
  if (o.account) parts.push(`connected account: ${o.account}`);
  if (o.query) parts.push(`search: ${o.query}`);
  if (o.email) parts.push(`email: ${o.email}`);
  if (o.created) parts.push('created in a date range');
  parts.push(Array.isArray(o.columns) && o.columns.length > 0 ? `columns: ${o.columns.join(', ')}` : 'all columns');
  if (Array.isArray(o.metadata_columns)) parts.push(`metadata: ${o.metadata_columns.join(', ') || 'none'}`);
  // One line per part; the text content still reads "search: … · all columns" for copy and screen readers.
  const span = el('span', 'contents');
  span.append(...parts.map((text, i) => el('span', 'part', i < parts.length - 1 ? `${text} · ` : text)));
  return span;
}

export function exportRow(r, meter) {
  // `objects` from servers that know the object picker; `customers` (the same count) from older ones.
  const customers = (r.counts && (r.counts.objects ?? r.counts.customers)) || 0;
  const unit = r.options && r.options.object === 'accounts' ? 'accounts' : 'customers';
  const live = !TERMINAL.has(r.status);
  let file = '';
  if (r.status === 'completed') {
    const label = r.file && r.file.gzip ? 'CSV (gzip)' : 'CSV';
    // The size is the finished file's: while running, the API's byte count measures working parts, not the file.
    file = [download(`/v1/exports/${encodeURIComponent(r.id)}/file`, label), note(r.file ? formatBytes(r.file.bytes) : '')];
  } else if (r.status === 'expired') file = note('deleted by retention');
  else if (live) file = cancelButton('export', r.id);
  return [
    code(r.id),
    [badge(r.status), note(errorText(r.error)), ...(r.warnings || []).map((w) => note(`warning: ${w}`))],
    [el('span', 'customers', formatCount(customers)), note(pace(r, meter, customers, undefined, unit))],
    r.schedule_id ? [el('span', 'by', 'schedule '), code(r.schedule_id)] : 'you',
    contents(r.options),
    el('span', 'when', formatTime(r.started_at || r.created_at)),
    file,
  ];
}

/** America/Argentina/Buenos_Aires may wrap after a slash (<wbr>), never inside a name. */
function zoneName(tz) {
  const span = el('span', 'zone');
  tz.split('/').forEach((part, i) => {
    if (i > 0) span.append('/', document.createElement('wbr'));
    span.append(part);
  });
  return span;
}

export function scheduleRow(s) {
  return [
    code(s.id),
    el('code', 'cron', s.cron),
    zoneName(s.tz || 'UTC'),
    // In the schedule's own zone (the one its cron reads in), named under the time.
    s.next_run_at ? [el('span', 'when', formatTime(s.next_run_at, s.tz || 'UTC')), note(s.tz || 'UTC')] : 'none',
    contents(s.options),
    `${s.keep} files`,
  ];
}

const COUNT_LABELS = [
  ['total', 'Rows'],
  ['processed', 'Processed'],
  ['created', 'Created'],
  ['updated', 'Updated'],
  ['unchanged', 'Unchanged'],
  ['skipped', 'Skipped'],
  ['failed', 'Failed'],
];

/** The panel of the import this tab follows; the same record as its row in the table. */
export function renderImportPanel(record, meter) {
  const counts = record.counts || {};
  const live = !TERMINAL.has(record.status);
  $('import-progress').hidden = false;
  $('import-id').textContent = record.id;
  const cancelling = live && record.cancel_requested ? ' (cancelling: stops before its next write)' : '';
  const dry = `${record.dry_run ? ' (dry run: nothing written to Stripe)' : ''}${record.account ? ` (connected account ${record.account})` : ''}`;
  const error = record.error ? ` — ${errorText(record.error)}` : '';
  $('import-status').textContent = `Status: ${record.status}${cancelling}${dry}${error}`;
  $('import-status').dataset.status = record.status;
  const bar = $('import-bar');
  bar.max = Math.max(1, counts.total || 0);
  bar.value = counts.processed || 0;
  $('import-pace').textContent = pace(record, meter, counts.processed || 0, counts.total, 'rows');
  const dl = $('import-counts');
  dl.replaceChildren();
  for (const [key, label] of COUNT_LABELS) {
    if (counts[key] === undefined) continue;
    const dt = el('dt', '', record.dry_run && (key === 'created' || key === 'updated') ? `Would be ${key}` : label);
    const dd = el('dd', '', formatCount(counts[key]));
    dd.id = `count-${key}`;
    // A div per pair (valid inside dl) keeps each label above its number in the grid.
    const pair = el('div', key === 'failed' && counts.failed > 0 ? 'bad' : '');
    pair.append(dt, dd);
    dl.append(pair);
  }
  const cancel = $('import-cancel');
  cancel.hidden = !live || record.cancel_requested === true;
  cancel.dataset.id = record.id;
  const results = $('import-results');
  results.href = `/v1/imports/${encodeURIComponent(record.id)}/results`;
  results.hidden = live;
}
