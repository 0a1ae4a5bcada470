// Talking to request-intake: the bearer token (entered once, kept for the browser tab), JSON
// calls with RFC 7807 problems turned into ApiError, and watches read over fetch, because
// EventSource cannot send an Authorization header.

const TOKEN_KEY = 'pledge.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

/** A refusal of the API: its status and problem document (title, detail, errors[].path). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(`${status} ${problem.title || ''}${problem.detail ? ': ' + problem.detail : ''}`);
    this.status = status;
    this.problem = problem;
  }
}

function headers(accept, type) {
  const h = { Accept: accept };
  if (token()) h.Authorization = `Bearer ${token()}`;
  if (type) h['Content-Type'] = type;
  return h;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch (e) {
    return { title: response.statusText || 'Error', status: response.status };
  }
}

/** Listeners told when a call is refused for want of a valid token (the app shows sign-in). */
const unauthorised = new Set();
export function onUnauthorised(listener) {
  unauthorised.add(listener);
}

/**
 * One call. `body` (an object) goes as JSON; the answer is parsed as JSON unless `text` is set.
 * Throws ApiError for a 4xx/5xx, TypeError when the server cannot be reached.
 */
export async function api(path, { method = 'GET', body, text = false } = {}) {
  const response = await fetch(path, {
    method,
    headers: headers(text ? 'text/plain' : 'application/json', body === undefined ? null : 'application/json'),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const problem = await problemOf(response);
    if (response.status === 401) unauthorised.forEach((l) => l(problem));
    throw new ApiError(response.status, problem);
  }
  if (response.status === 204) return null;
  return text ? response.text() : response.json();
}

/** The events of one Server-Sent Events block: {type, data} with data parsed as JSON. */
export function parseEvent(block) {
  let type = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (data.length === 0) return null;
  return { type, data: JSON.parse(data.join('\n')) };
}

/**
 * Follows a watch (`?watch=true`): `onOpen` on each (re)connection, when the server sends the
 * current objects again as ADDED; `onEvent(type, object)` for ADDED, MODIFIED and DELETED;
 * `onError(error)` on a refusal or a lost connection, after which it reconnects unless the server
 * refused for good (a 4xx). Returns the function that stops it.
 */
export function watch(path, { onOpen, onEvent, onError }) {
  const stop = new AbortController();
  const url = path + (path.includes('?') ? '&' : '?') + 'watch=true';
  (async () => {
    while (!stop.signal.aborted) {
      try {
        const response = await fetch(url, { headers: headers('text/event-stream'), signal: stop.signal });
        if (!response.ok) throw new ApiError(response.status, await problemOf(response));
        onOpen?.();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer = (buffer + value).replace(/\r\n/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const event = parseEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (event) onEvent(event.type, event.data);
          }
        }
      } catch (e) {
        if (stop.signal.aborted) return;
        onError?.(e);
        if (e instanceof ApiError && e.status < 500) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  })();
  return () => stop.abort();
}

/** A path segment, escaped. */
export const seg = encodeURIComponent;
