// My requests: every request the caller may see, of every Promise, kept live by one watch
// (GET /api/v1/resources?watch=true); each row shows Kratix's message and where it stands.

import { watch } from '../api.js';
import { alertBox, badge, condition, fill, h, promiseOf, rendered, requestHref, requestState, table, when } from '../dom.js';

export function requestsPage(main) {
  const rows = new Map(); // namespace/promise/name -> {key, promise, doc}
  const problem = h('div', { 'aria-live': 'assertive' });
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  fill(main, h('h1', {}, 'My requests'), h('p', { class: 'muted' }, 'Live: changes appear as they happen.'),
    problem, body);

  let scheduled = false;
  function render() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      const sorted = [...rows.values()].sort((a, b) => a.key.localeCompare(b.key));
      fill(body, sorted.length === 0
        ? h('p', { class: 'note' }, 'No requests yet. ', h('a', { href: '#/catalog' }, 'Request something from the catalog.'))
        : table(null, ['Name', 'Namespace', 'Promise', 'Status', 'Message', 'Generation', 'Updated'],
          sorted.map(({ promise, doc }) => {
            const state = requestState(doc);
            const reconciled = condition(doc, 'Reconciled');
            return [
              h('a', { href: requestHref(doc.metadata.namespace, promise, doc.metadata.name) }, doc.metadata.name),
              doc.metadata.namespace, promise,
              h('span', { 'data-state': state.label }, badge(state)),
              doc.status?.message || '',
              `${doc.status?.observedGeneration ?? '–'} / ${doc.metadata.generation ?? '–'}`,
              when(reconciled?.lastTransitionTime),
            ];
          })));
      rendered('requests');
    });
  }

  return watch('/api/v1/resources', {
    onOpen() {
      rows.clear(); // the server sends every current request again
      fill(problem);
      render();
    },
    onEvent(type, doc) {
      const promise = promiseOf(doc);
      const key = `${doc.metadata.namespace}/${promise}/${doc.metadata.name}`;
      if (type === 'DELETED') rows.delete(key);
      else rows.set(key, { key, promise, doc });
      render();
    },
    onError(e) {
      fill(problem, alertBox(e));
    },
  });
}
