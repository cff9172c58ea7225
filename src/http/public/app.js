// The upload page: plain JavaScript against the stripe-bulk API, no framework and no build step.
import { api, forgetToken, getToken, handleTokenDownloads, setToken } from './api.js';
import { RateMeter } from './format.js';
import {
  TERMINAL, exportRow, fillTable, importRow, renderImportPanel, scheduleRow, showTableMessage,
} from './render.js';

const FAST_MS = 1000;
const SLOW_MS = 5000;
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

// ---- state: one poll feeds both the tables and the progress panel ---------------------------------------------
const FOLLOW_KEY = 'stripe-bulk-following';
/** The import this tab uploaded (or chose to follow); shown in the progress panel, and again after a reload. */
let followedId = sessionStorage.getItem(FOLLOW_KEY);
function follow(id) {
  followedId = id;
  sessionStorage.setItem(FOLLOW_KEY, id);
}
function unfollow() {
  followedId = null;
  sessionStorage.removeItem(FOLLOW_KEY);
}
/** Rate meters per job id, fed at every poll; a job's rate lives as long as the tab. */
const meters = new Map();
function meterOf(id, value, at) {
  let meter = meters.get(id);
  if (!meter) meters.set(id, (meter = new RateMeter()));
  meter.add(at, value);
  return meter;
}

function renderToken(failure) {
  $('token-state').textContent = failure && failure.status === 401
    ? failure.message
    : getToken() ? 'A token is set for this tab.' : 'No token set.';
  $('token-state').classList.toggle('bad', Boolean(failure && failure.status === 401));
  if (failure && failure.status === 401) $('token-panel').open = true;
}

function renderList(tbody, result, toRow, emptyText) {
  if (result.status === 'rejected') {
    const err = result.reason;
    showTableMessage(tbody, err && err.status === 401 ? err.message : `Could not load this list: ${err.message || err}`, 'bad');
    return;
  }
  fillTable(tbody, result.value.map(toRow), emptyText);
}

const listOf = (body) => (body && Array.isArray(body.data) ? body.data : []);
const get = (path) => api('GET', path).then(listOf);

let timer;
let generation = 0;
/** Fetches every list (and the followed import if the list lacks it), then redraws everything from those answers. */
async function refresh() {
  clearTimeout(timer);
  const mine = ++generation;
  let live = false;
  try {
    const [imports, exports, schedules] = await Promise.allSettled([
      get('/v1/imports'), get('/v1/exports'), get('/v1/export-schedules'),
    ]);
    let followed = null;
    if (followedId && imports.status === 'fulfilled') {
      followed = imports.value.find((r) => r.id === followedId)
        ?? (await api('GET', `/v1/imports/${encodeURIComponent(followedId)}`).catch((err) => {
          // Gone (another server, or Redis was flushed): stop asking every second.
          if (err.status === 404) unfollow();
          return null;
        }));
    }
    // A refresh started later (after an upload or a cancel) draws newer answers: never draw older ones over them.
    if (mine !== generation) return;
    const at = Date.now();
    const meter = (r, value) => (TERMINAL.has(r.status) ? meters.get(r.id) : meterOf(r.id, value || 0, at));
    renderList($('imports-body'), imports, (r) => importRow(r, meter(r, r.counts && r.counts.processed)), 'No imports yet.');
    // Same instant, same value as its row's sample when it is listed: the meter is unchanged by the repeat.
    if (followed) renderImportPanel(followed, meter(followed, followed.counts && followed.counts.processed));
    renderList($('exports-body'), exports, (r) => exportRow(r, meter(r, r.counts && (r.counts.objects ?? r.counts.customers))), 'No exports yet.');
    renderList($('schedules-body'), schedules, scheduleRow, 'No schedules.');
    renderToken([imports, exports, schedules].find((r) => r.status === 'rejected')?.reason);
    live = [imports, exports].some((r) => r.status === 'fulfilled' && r.value.some((x) => !TERMINAL.has(x.status)));
  } finally {
    // Every second while something runs, so the numbers move and a finished export turns into a link soon.
    if (mine === generation) timer = setTimeout(refresh, live ? FAST_MS : SLOW_MS);
  }
}

// ---- token -------------------------------------------------------------------------------------------------
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('token-input').value.trim();
  if (value) setToken(value);
  $('token-input').value = '';
  clearError();
  renderToken();
  refresh();
});
$('token-forget').addEventListener('click', () => {
  forgetToken();
  renderToken();
  refresh();
});
$('error-dismiss').addEventListener('click', clearError);

// ---- import --------------------------------------------------------------------------------------------------
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
  const account = $('account-input').value.trim();
  if (account) form.append('account', account);
  form.append('file', file, file.name);
  const button = $('upload-button');
  button.disabled = true;
  button.textContent = 'Uploading…';
  try {
    const created = await api('POST', '/v1/imports', form);
    follow(created.id);
    renderImportPanel({ counts: {}, ...created });
    refresh();
  } catch (err) {
    showError(err);
  } finally {
    button.disabled = false;
    button.textContent = 'Upload';
  }
});

// ---- cancel (the panel's button and every running row's) -----------------------------------------------------
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-cancel]') : null;
  if (!button) return;
  const { cancel: kind, id } = button.dataset;
  const what = kind === 'export' ? 'Cancel export' : 'Cancel import';
  const keeps = kind === 'export' ? 'Its partial file is deleted.' : 'Rows already written stay written; the results so far stay downloadable.';
  if (!window.confirm(`${what} ${id}? ${keeps}`)) return;
  button.disabled = true;
  try {
    await api('DELETE', `/v1/${kind === 'export' ? 'exports' : 'imports'}/${encodeURIComponent(id)}`);
  } catch (err) {
    showError(err);
  }
  refresh();
});

document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-follow]') : null;
  if (!button) return;
  follow(button.dataset.follow);
  await refresh();
  $('import-progress').scrollIntoView({ block: 'nearest' });
});

// ---- export --------------------------------------------------------------------------------------------------
$('export-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearError();
  // One object per export: the file never mixes customers and connected accounts.
  const body = { object: $('export-object').value, ...($('export-gzip').checked ? { gzip: true } : {}) };
  const account = $('export-account').value.trim();
  if (account) body.account = account;
  try {
    await api('POST', '/v1/exports', body);
    refresh();
  } catch (err) {
    showError(err);
  }
});

handleTokenDownloads(showError);
renderToken();
refresh();
