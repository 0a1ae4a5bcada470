// Building the page: elements from data, never HTML from strings, so nothing a request carries
// can become markup.

/** An element: h('a', {href: '#/x', class: 'c'}, 'text', child, [more]). */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of `element`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A table in a horizontally scrolling box (phones): header names, rows of cells. */
export function table(caption, headers, rows) {
  return h('div', { class: 'scroll' },
    h('table', {},
      caption ? h('caption', { class: 'muted' }, caption) : null,
      h('thead', {}, h('tr', {}, headers.map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell)))))));
}

/** A condition of a Kratix status by type, or undefined. */
export function condition(doc, type) {
  return (doc?.status?.conditions || []).find((c) => c.type === type);
}

/**
 * How a request stands, as `pledge get` shows it: Reconciled, Failing (a condition False with a
 * failure reason), Deleting, or Pending.
 */
export function requestState(doc) {
  const reconciled = condition(doc, 'Reconciled');
  if (reconciled?.status === 'True') return { label: 'Reconciled', tone: 'ok' };
  if (failingCondition(doc)) return { label: 'Failing', tone: 'bad' };
  if (doc?.metadata?.deletionTimestamp) return { label: 'Deleting', tone: 'wait' };
  return { label: 'Pending', tone: 'wait' };
}

/** The first condition that says the request is failing (False, with a failure reason). */
export function failingCondition(doc) {
  return (doc?.status?.conditions || []).find((c) => c.status === 'False' && /Fail/i.test(c.reason || ''));
}

/** The Promise a request document belongs to, by the label request-intake sets on it. */
export function promiseOf(doc) {
  return doc?.metadata?.labels?.['kratix.io/promise-name'] || doc?.kind;
}

/** The Ready (or Available) state of a platform object. */
export function readyState(doc, type = 'Ready') {
  const c = condition(doc, type);
  if (!c) return { label: 'Unknown', tone: 'wait' };
  return c.status === 'True' ? { label: type, tone: 'ok' } : { label: `Not ${type}`, tone: 'bad' };
}

export function badge(state) {
  return h('span', { class: `badge ${state.tone}` }, state.label);
}

/** A timestamp as a local date and time, in a <time> element. */
export function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return h('time', { datetime: iso }, isNaN(date) ? iso : date.toLocaleString());
}

/** An error shown in place, with the API's problem detail when there is one. */
export function alertBox(error) {
  return h('div', { class: 'alert', role: 'alert' }, describe(error));
}

export function describe(error) {
  if (error?.problem) {
    const p = error.problem;
    return `${p.status || error.status} ${p.title || ''}${p.detail ? ': ' + p.detail : ''}`;
  }
  if (error instanceof TypeError) return 'request-intake cannot be reached: ' + error.message;
  return String(error?.message || error);
}

/** The link to a request's page. */
export function requestHref(namespace, promise, name) {
  return `#/requests/${encodeURIComponent(namespace)}/${encodeURIComponent(promise)}/${encodeURIComponent(name)}`;
}

/**
 * Marks the moment a page first shows its data (performance mark `pledge:<page>`): the console's
 * time to first render, which ConsoleIT reads and docs/console.md quotes.
 */
export function rendered(page) {
  if (performance.getEntriesByName(`pledge:${page}`).length === 0) performance.mark(`pledge:${page}`);
}
