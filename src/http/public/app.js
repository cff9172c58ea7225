// The upload page: plain JavaScript against the stripe-bulk API, no framework and no build step.
import { api, forgetToken, getToken, handleTokenDownloads, setToken } from './api.js';

const POLL_MS = 1000;
const LIST_REFRESH_MS = 5000;
const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'expired']);
const $ = (id) => document.getElementById(id);

function showError(err) {
  if (err && err.status === 401) $('token-panel').open = true;
  $('error-text').textContent = err instanceof Error ? err.message : String(err);
  $('error-box').hidden = false;
}
function clearError() {
  $('error-box').hidden = true;
  $('error-text').textContent = '';
}

/** textContent everywhere: file names and messages come from users and must never become markup. */
function cell(content) {
  const td = document.createElement('td');
  if (content instanceof Node) td.append(content);
  else td.textContent = content === undefined || content === null ? '' : String(content);
  return td;
}
function link(href, text) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  a.setAttribute('download', '');
  a.dataset.apiDownload = '';
  return a;
}
function fillTable(tbody, rows, columns, emptyText) {
  tbody.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(emptyText);
    td.colSpan = columns;
    td.className = 'muted';
    tr.append(td);
    tbody.append(tr);
    return;
  }
  for (const cells of rows) {
    const tr = document.createElement('tr');
    tr.append(...cells.map(cell));
    tbody.append(tr);
  }
}
const listOf = (body) => (Array.isArray(body) ? body : body && Array.isArray(body.data) ? body.data : []);
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
const statusBadge = (status) => {
  const span = document.createElement('span');
  span.className = `badge status-${status}`;
  span.textContent = status;
  return span;
};

// ---- token -------------------------------------------------------------------------------------------------
function renderTokenState() {
  $('token-state').textContent = getToken() ? 'A token is set for this tab.' : 'No token set.';
}
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('token-input').value.trim();
  if (value) setToken(value);
  $('token-input').value = '';
  renderTokenState();
  clearError();
  refreshLists();
});
$('token-forget').addEventListener('click', () => {
  forgetToken();
  renderTokenState();
});
$('error-dismiss').addEventListener('click', clearError);

// ---- import --------------------------------------------------------------------------------------------------
const COUNT_LABELS = [
  ['total', 'Rows'],
  ['processed', 'Processed'],
  ['created', 'Created'],
  ['updated', 'Updated'],
  ['unchanged', 'Unchanged'],
  ['skipped', 'Skipped'],
  ['failed', 'Failed'],
];

function renderImport(record) {
  const counts = record.counts || {};
  $('import-id').textContent = record.id;
  const dry = record.dry_run ? ' (dry run: nothing written to Stripe)' : '';
  const error = record.error ? ` — ${typeof record.error === 'string' ? record.error : record.error.message}` : '';
  $('import-status').textContent = `Status: ${record.status}${dry}${error}`;
  $('import-status').dataset.status = record.status;
  const bar = $('import-bar');
  bar.max = Math.max(1, counts.total || 0);
  bar.value = counts.processed || 0;
  const dl = $('import-counts');
  dl.replaceChildren();
  for (const [key, label] of COUNT_LABELS) {
    if (counts[key] === undefined) continue;
    const dt = document.createElement('dt');
    dt.textContent = record.dry_run && (key === 'created' || key === 'updated') ? `Would be ${key}` : label;
    const dd = document.createElement('dd');
    dd.textContent = String(counts[key]);
    dd.id = `count-${key}`;
    // A div per pair (valid inside dl) keeps each label above its number in the grid.
    const pair = document.createElement('div');
    if (key === 'failed' && counts.failed > 0) pair.className = 'bad';
    pair.append(dt, dd);
    dl.append(pair);
  }
  const results = $('import-results');
  results.href = `/v1/imports/${encodeURIComponent(record.id)}/results`;
  results.hidden = !TERMINAL.has(record.status);
}

let importTimer;
async function followImport(id) {
  clearTimeout(importTimer);
  try {
    const record = await api('GET', `/v1/imports/${encodeURIComponent(id)}`);
    renderImport(record);
    if (TERMINAL.has(record.status)) {
      refreshLists();
      return;
    }
  } catch (err) {
    showError(err);
  }
  importTimer = setTimeout(() => followImport(id), POLL_MS);
}

$('upload-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearError();
  const file = $('file-input').files[0];
  if (!file) {
    showError('Pick a CSV file first.');
    return;
  }
  // Options first: the server reads the form fields that come before the file.
  const form = new FormData();
  form.append('mode', $('mode-select').value);
  form.append('dry_run', $('dry-run-input').checked ? 'true' : 'false');
  form.append('file', file, file.name);
  const button = $('upload-button');
  button.disabled = true;
  button.textContent = 'Uploading…';
  try {
    const created = await api('POST', '/v1/imports', form);
    $('import-progress').hidden = false;
    renderImport({ counts: {}, ...created });
    followImport(created.id);
    refreshLists();
  } catch (err) {
    showError(err);
  } finally {
    button.disabled = false;
    button.textContent = 'Upload';
  }
});

// ---- lists ---------------------------------------------------------------------------------------------------
async function refreshImports() {
  const imports = listOf(await api('GET', '/v1/imports'));
  const rows = imports.map((r) => {
    const c = r.counts || {};
    return [
      r.id,
      r.file_name,
      statusBadge(r.status),
      `${r.mode}${r.dry_run ? ' (dry run)' : ''}`,
      `${c.processed || 0} / ${c.total || 0}`,
      c.failed || 0,
      link(`/v1/imports/${encodeURIComponent(r.id)}/results`, 'results.csv'),
    ];
  });
  fillTable($('imports-body'), rows, 7, 'No imports yet.');
}

let exportsRunning = false;
async function refreshExports() {
  const exports = listOf(await api('GET', '/v1/exports'));
  exportsRunning = exports.some((r) => !TERMINAL.has(r.status));
  const rows = exports.map((r) => [
    r.id,
    statusBadge(r.status),
    (r.counts && r.counts.customers) || 0,
    when(r.started_at || r.created_at),
    r.status === 'completed' ? link(`/v1/exports/${encodeURIComponent(r.id)}/file`, r.file && r.file.gzip ? 'CSV (gzip)' : 'CSV') : '',
  ]);
  fillTable($('exports-body'), rows, 5, 'No exports yet.');
}

async function refreshSchedules() {
  const schedules = listOf(await api('GET', '/v1/export-schedules'));
  const rows = schedules.map((s) => [s.id, s.cron, s.tz || 'UTC', when(s.next_run_at)]);
  fillTable($('schedules-body'), rows, 4, 'No schedules.');
}

let listTimer;
async function refreshLists() {
  clearTimeout(listTimer);
  const tokenAtStart = getToken();
  const results = await Promise.allSettled([refreshImports(), refreshExports(), refreshSchedules()]);
  const failure = results.find((r) => r.status === 'rejected');
  // Never hide a more important error (a rejected upload) behind a list refresh.
  // A refresh sent before a token was pasted fails with 401: stale, not worth an error box.
  if (failure && $('error-box').hidden && getToken() === tokenAtStart) showError(failure.reason);
  // Faster while an export runs, so its row turns into a download link soon after it completes.
  listTimer = setTimeout(refreshLists, exportsRunning ? POLL_MS : LIST_REFRESH_MS);
}

$('export-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearError();
  const body = $('export-gzip').checked ? { gzip: true } : {};
  try {
    await api('POST', '/v1/exports', body);
    exportsRunning = true;
    refreshLists();
  } catch (err) {
    showError(err);
  }
});

handleTokenDownloads(showError);
renderTokenState();
refreshLists();
