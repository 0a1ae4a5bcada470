// My requests: every request the caller may see, of every Promise, kept live by one watch per
// Promise; each row shows Kratix's message and where the request stands.

import { api, seg, watch } from '../api.js';
import { alertBox, badge, condition, fill, h, rendered, requestHref, requestState, table, when } from '../dom.js';

export async function requestsPage(main) {
  fill(main, h('h1', {}, 'My requests'), h('p', { class: 'muted' }, 'Loading…'));
  const promises = ((await api('/api/v1/promises')).items || []).filter((p) => p.spec?.api);
  const rows = new Map(); // namespace/promise/name -> {promise, doc}
  const problems = new Map(); // promise -> error
  const body = h('div', { 'aria-live': 'polite' });
  const live = h('p', { class: 'muted' }, 'Live: changes appear as they happen.');
  fill(main, h('h1', {}, 'My requests'), live, body);

  let scheduled = false;
  function render() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      const sorted = [...rows.values()].sort((a, b) => a.key.localeCompare(b.key));
      fill(body,
        [...problems.entries()].map(([p, e]) => alertBox(`${p}: ${e.message || e}`)),
        sorted.length === 0
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
      if (sorted.length > 0) rendered('requests');
    });
  }

  const stops = promises.map((promise) => {
    const name = promise.metadata.name;
    return watch(`/api/v1/promises/${seg(name)}/resources`, {
      onOpen() {
        for (const [key, row] of rows) if (row.promise === name) rows.delete(key);
        problems.delete(name);
        render();
      },
      onEvent(type, doc) {
        const key = `${doc.metadata.namespace}/${name}/${doc.metadata.name}`;
        if (type === 'DELETED') rows.delete(key);
        else rows.set(key, { key, promise: name, doc });
        render();
      },
      onError(e) {
        if (e.status === 403) return; // a Promise whose requests this caller may not see
        problems.set(name, e);
        render();
      },
    });
  });
  render();
  return () => stops.forEach((stop) => stop());
}
