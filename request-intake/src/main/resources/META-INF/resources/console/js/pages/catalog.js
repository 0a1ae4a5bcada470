// The catalog: the Promises a caller may request, with what each offers.

import { api } from '../api.js';
import { badge, fill, h, readyState, rendered } from '../dom.js';
import { available, description, requestKind } from './promises.js';

export async function catalogPage(main) {
  fill(main, h('h1', {}, 'Catalog'), h('p', { class: 'muted' }, 'Loading the Promises…'));
  const promises = (await api('/api/v1/promises')).items || [];
  const cards = promises.map((promise) => {
    const name = promise.metadata.name;
    const { apiVersion, kind } = requestKind(promise);
    return h('li', { class: 'card' },
      h('h2', {}, name),
      h('p', {}, description(promise)),
      h('p', { class: 'muted' }, `${kind} · ${apiVersion}`,
        promise.metadata?.labels?.['kratix.io/promise-version'] ? ` · ${promise.metadata.labels['kratix.io/promise-version']}` : ''),
      h('p', {}, badge(readyState(promise, 'Available'))),
      available(promise) && promise.spec?.api
        ? h('a', { class: 'button primary', href: `#/new/${encodeURIComponent(name)}`, 'aria-label': `Request ${name}` }, 'Request')
        : h('p', { class: 'muted' }, promise.spec?.api ? 'Not available yet.' : 'Installs dependencies only; nothing to request.'));
  });
  fill(main, h('h1', {}, 'Catalog'),
    cards.length ? h('ul', { class: 'cards' }, cards)
      : h('p', { class: 'note' }, 'No Promise is installed yet. The platform team applies them (pledge apply -f promise.yaml).'));
  rendered('catalog');
}
