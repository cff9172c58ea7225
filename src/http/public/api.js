// The API side of the upload page: fetch with the token, errors with the server's message verbatim.

const TOKEN_KEY = 'stripe-bulk-token';

// sessionStorage only: the token dies with the tab and is never written to disk by the page.
export const getToken = () => sessionStorage.getItem(TOKEN_KEY) || '';
export const setToken = (token) => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);

/** An API error whose message is the server's, verbatim. */
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/**
 * A 401 in the page's words: the server's message names the raw header, which a person with a browser cannot send.
 * Whether a token was sent tells "missing" from "wrong".
 */
export function unauthorizedMessage(sentToken) {
  return sentToken
    ? 'The token was rejected: check it and enter it again above (API token).'
    : 'This server needs an API token: enter it above (API token).';
}

/** Calls the API; resolves with the JSON body or throws an ApiError carrying the HTTP status. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const init = { method, headers };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(`${method} ${path}: the server did not answer (${err.message})`, 0);
  }
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = undefined;
  }
  if (response.status === 401) throw new ApiError(unauthorizedMessage(Boolean(token)), 401);
  if (!response.ok) {
    const error = json && json.error;
    const code = error && error.code ? ` ${error.code}` : '';
    let message = error && error.message ? error.message : text || response.statusText;
    const problems = error && error.details && Array.isArray(error.details.problems) ? error.details.problems : [];
    const missing = problems.filter((p) => !message.includes(String(p)));
    if (missing.length > 0) message += `\n- ${missing.join('\n- ')}`;
    throw new ApiError(`HTTP ${response.status}${code}: ${message}`, response.status);
  }
  return json;
}

/**
 * Download links (`a[data-api-download]`): without a token the browser streams the file to disk itself; with one,
 * the Authorization header forces fetch + a blob URL.
 */
export function handleTokenDownloads(showError) {
  document.addEventListener('click', async (event) => {
    const anchor = event.target instanceof Element ? event.target.closest('a[data-api-download]') : null;
    if (!anchor || !getToken()) return;
    event.preventDefault();
    try {
      const response = await fetch(anchor.getAttribute('href'), { headers: { authorization: `Bearer ${getToken()}` } });
      if (response.status === 401) throw new ApiError(unauthorizedMessage(true), 401);
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        throw new ApiError(`HTTP ${response.status}: ${(body.error && body.error.message) || response.statusText}`, response.status);
      }
      const disposition = response.headers.get('content-disposition') || '';
      const match = /filename="?([^";]+)"?/i.exec(disposition);
      const url = URL.createObjectURL(await response.blob());
      const temp = document.createElement('a');
      temp.href = url;
      temp.download = match ? match[1] : 'download.csv';
      document.body.append(temp);
      temp.click();
      temp.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      showError(err);
    }
  });
}
