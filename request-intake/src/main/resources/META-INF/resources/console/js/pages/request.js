// One request, live: where it stands, its conditions, pipelines and containers, Destinations
// and commits (linked when the store is a web Git host), its events over time, its logs, and
// update, reconcile and delete.

import { ApiError, api, seg, watch } from '../api.js';
import { alertBox, badge, fill, h, rendered, requestState, table, when } from '../dom.js';

export function requestPage(main, namespace, promise, name) {
  const base = `/api/v1/resources/${seg(namespace)}/${seg(promise)}/${seg(name)}`;
  const header = h('div', {});
  const notice = h('div', { 'aria-live': 'assertive' });
  const details = h('div', { 'aria-live': 'polite' });
  const logs = h('pre', { id: 'logs', tabindex: '0', 'aria-label': 'Logs' }, 'Loading the logs…');
  const timeline = h('ol', { class: 'timeline' });
  const seen = []; // changes observed while the page is open: {time, text}
  const stores = new Map(); // "GitStateStore/name" -> web URL prefix for commits, or null
  let doc = null;
  let pipelinesSeen = '';

  async function refreshLogs() {
    try {
      const text = await api(`${base}/logs`, { text: true });
      logs.textContent = text.trim() || '(no output yet)';
    } catch (e) {
      logs.textContent = e instanceof ApiError && e.status === 404 ? '(no logs yet)' : `Logs unavailable: ${e.message}`;
    }
  }

  async function act(label, call) {
    fill(notice);
    try {
      await call();
      fill(notice, h('p', { class: 'note', role: 'status' }, label));
    } catch (e) {
      fill(notice, alertBox(e));
    }
  }

  const actions = h('div', { class: 'actions' },
    h('a', { class: 'button', href: `#/new/${seg(promise)}?namespace=${seg(namespace)}&name=${seg(name)}` }, 'Update'),
    h('button', { type: 'button', onclick: () => act('Reconciling: its configure workflow runs again.',
      () => api(`${base}/reconcile`, { method: 'POST' })) }, 'Reconcile'),
    h('button', { type: 'button', class: 'danger', onclick: () => {
      if (confirm(`Delete ${promise} ${namespace}/${name}? Its delete workflow runs, then its files leave the state store.`)) {
        act('Deleting: its delete workflow runs, then its files leave the state store.',
          () => api(base, { method: 'DELETE' }));
      }
    } }, 'Delete'));

  fill(main,
    h('p', {}, h('a', { href: '#/requests' }, '← My requests')),
    h('h1', {}, `${promise} ${name}`), header, actions, notice, details,
    h('h2', {}, 'Events'), timeline,
    h('h2', {}, 'Logs'), h('div', { class: 'actions' }, h('button', { type: 'button', onclick: refreshLogs }, 'Refresh logs')), logs);

  function render() {
    if (!doc) return;
    const s = doc.status || {};
    const state = requestState(doc);
    fill(header, h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', { 'data-state': state.label }, badge(state)),
      h('dt', {}, 'Message'), h('dd', {}, s.message || ''),
      h('dt', {}, 'Namespace'), h('dd', {}, namespace),
      h('dt', {}, 'Kind'), h('dd', {}, `${doc.kind} · ${doc.apiVersion}`),
      h('dt', {}, 'Generation'), h('dd', {}, `${doc.metadata.generation} (observed ${s.observedGeneration ?? '–'})`),
      h('dt', {}, 'Requester'), h('dd', {}, s.pledge?.requester || '')));
    const pipelines = s.kratix?.workflows?.pipelines || [];
    fill(details,
      h('h2', {}, 'Conditions'),
      table(null, ['Type', 'Status', 'Reason', 'Message', 'Since'], (s.conditions || []).map((c) =>
        [c.type, c.status, c.reason || '', c.message || '', when(c.lastTransitionTime)])),
      h('h2', {}, 'Pipelines'),
      pipelines.length === 0 ? h('p', { class: 'muted' }, 'No pipeline has run yet.')
        : table(null, ['Pipeline', 'Phase', 'Containers', 'Since'], pipelines.map((p) => [
          p.name, p.phase || '',
          h('ul', {}, (p.containers || []).map((c) => h('li', {}, `${c.name}: `, h('code', {}, c.image),
            c.imageDigest ? h('code', { class: 'muted' }, ` @${c.imageDigest.slice(0, 19)}…`) : ''))),
          when(p.lastTransitionTime)])),
      h('h2', {}, 'Destinations'),
      (s.destinations || []).length === 0 ? h('p', { class: 'muted' }, 'Not scheduled yet.')
        : table(null, ['Destination', 'Pipeline', 'State', 'State store', 'Commit', 'Files'], s.destinations.map((d) => [
          d.name, d.pipeline || '', d.state || '', d.stateStore || '', commitLink(d),
          h('ul', {}, (d.paths || []).map((p) => h('li', {}, h('code', {}, p))))])),
      h('h2', {}, 'Spec'), h('pre', {}, JSON.stringify(doc.spec || {}, null, 2)));
    renderTimeline();
    rendered('request');
    const pipelinesNow = JSON.stringify(pipelines.map((p) => [p.name, p.phase, p.lastTransitionTime]));
    if (pipelinesNow !== pipelinesSeen) {
      pipelinesSeen = pipelinesNow;
      refreshLogs();
    }
  }

  function commitLink(destination) {
    if (!destination.commit) return '';
    const short = destination.commit.slice(0, 12);
    const web = stores.get(destination.stateStore);
    if (web === undefined) {
      lookUpStore(destination.stateStore);
      return h('code', { title: destination.commit }, short);
    }
    return web ? h('a', { href: `${web}/commit/${destination.commit}`, rel: 'noopener' }, h('code', {}, short))
      : h('code', { title: destination.commit }, short);
  }

  /** A Git store served over HTTPS gets commit links (GitHub, GitLab, Gitea use /commit/<sha>). */
  async function lookUpStore(ref) {
    stores.set(ref, null);
    const [kind, storeName] = (ref || '').split('/');
    if (kind !== 'GitStateStore' || !storeName) return;
    try {
      const store = await api(`/api/v1/gitstatestores/${seg(storeName)}`);
      const url = store.spec?.url || '';
      if (/^https:\/\//.test(url)) {
        stores.set(ref, url.replace(/\.git$/, '').replace(/\/$/, ''));
        render();
      }
    } catch (e) {
      // A requester may not read state stores: the commit stays unlinked.
    }
  }

  function renderTimeline() {
    const s = doc?.status || {};
    const events = [];
    for (const c of s.conditions || []) {
      if (c.lastTransitionTime) events.push({ time: c.lastTransitionTime, text: `${c.type} ${c.status}${c.reason ? ' (' + c.reason + ')' : ''}${c.message ? ': ' + c.message : ''}` });
    }
    for (const p of s.kratix?.workflows?.pipelines || []) {
      if (p.lastTransitionTime) events.push({ time: p.lastTransitionTime, text: `Pipeline ${p.name} ${p.phase}` });
    }
    events.push(...seen);
    events.sort((a, b) => a.time.localeCompare(b.time));
    fill(timeline, events.map((e) => h('li', {}, when(e.time), e.text)),
      (s.pledge?.notifications || []).map((n) => h('li', {}, `Notification ${n.event} by ${n.channel}: ${n.outcome}${n.detail ? ' (' + n.detail + ')' : ''}`)));
  }

  refreshLogs();
  return watch(base, {
    onEvent(type, next) {
      const now = new Date().toISOString();
      if (type === 'DELETED') {
        seen.push({ time: now, text: 'Deleted' });
        fill(notice, h('p', { class: 'note', role: 'status' }, 'This request has been deleted. ', h('a', { href: '#/requests' }, 'Back to my requests')));
        actions.hidden = true;
      } else if (doc && next.status?.message !== doc.status?.message) {
        seen.push({ time: now, text: `Message: ${next.status?.message || ''}` });
      }
      if (type !== 'DELETED') doc = next;
      render();
    },
    onError(e) {
      fill(notice, alertBox(e));
    },
  });
}
