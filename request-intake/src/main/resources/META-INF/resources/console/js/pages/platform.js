// For the platform team: Promises, Destinations and state stores with their Ready state and
// reasons, the requests failing now, and request-intake's throughput and consumer lag from its
// own metrics (/q/metrics), sampled while the page is open.

import { api } from '../api.js';
import {
  alertBox, badge, condition, failingCondition, fill, h, promiseOf, readyState, requestHref, requestState, table, when,
} from '../dom.js';

const SAMPLE_MS = 5000;

export async function platformPage(main) {
  fill(main, h('h1', {}, 'Platform'), h('p', { class: 'muted' }, 'Loading…'));
  const [promises, destinations, gitStores, bucketStores] = await Promise.all([
    list('/api/v1/promises'), list('/api/v1/destinations'),
    list('/api/v1/gitstatestores'), list('/api/v1/bucketstatestores')]);
  const figures = h('div', { class: 'figures', 'aria-live': 'polite' });
  const consumers = h('div', {}, h('p', { class: 'muted' }, 'Reading the consumer groups…'));
  const failures = h('div', {}, h('p', { class: 'muted' }, 'Looking for failing requests…'));

  fill(main, h('h1', {}, 'Platform'),
    h('h2', {}, 'Throughput and lag'), figures,
    h('p', { class: 'hint' }, 'Applies: request-intake\'s own metrics. The services\' consumer groups below: their committed offsets and lag, read from the broker.'),
    consumers,
    h('h2', {}, 'Failing requests'), failures,
    h('h2', {}, 'Promises'),
    table(null, ['Promise', 'Status', 'Kind', 'Version', 'Reason'], promises.map((p) => {
      const available = condition(p, 'Available') || condition(p, 'Reconciled');
      return [p.metadata.name, badge(readyState(p, 'Available')), p.status?.kind || '',
        p.metadata?.labels?.['kratix.io/promise-version'] || '', reason(available)];
    })),
    h('h2', {}, 'Destinations'),
    table(null, ['Destination', 'Ready', 'Labels', 'State store', 'Reason'], destinations.map((d) => [
      d.metadata.name, badge(readyState(d)),
      Object.entries(d.metadata.labels || {}).map(([k, v]) => `${k}=${v}`).join(', '),
      `${d.spec?.stateStoreRef?.kind || ''}/${d.spec?.stateStoreRef?.name || ''}`, reason(condition(d, 'Ready'))])),
    h('h2', {}, 'State stores'),
    table(null, ['Store', 'Kind', 'Ready', 'Where', 'Reason'], [
      ...gitStores.map((s) => [s.metadata.name, 'GitStateStore', badge(readyState(s)),
        `${s.spec?.url || ''} (${s.spec?.branch || 'main'})`, reason(condition(s, 'Ready'))]),
      ...bucketStores.map((s) => [s.metadata.name, 'BucketStateStore', badge(readyState(s)),
        `${s.spec?.endpoint || ''}/${s.spec?.bucketName || ''}`, reason(condition(s, 'Ready'))])]));

  findFailures(failures).catch((e) => fill(failures, alertBox(e)));
  let previous = null;
  let previousGroups = null;
  async function sampleGroups() {
    try {
      const now = { at: Date.now(), groups: await api('/api/v1/platform/consumers') };
      const before = new Map((previousGroups?.groups || []).map((g) => [g.group, g.committed]));
      fill(consumers, table(null, ['Consumer group', 'Topics', 'Committed offsets', 'Records per second', 'Lag'],
        now.groups.map((g) => {
          const earlier = before.get(g.group);
          const rate = earlier === undefined ? '…'
            : (((g.committed - earlier) * 1000) / (now.at - previousGroups.at)).toFixed(1);
          return [g.group, g.topics.map((t) => t.topic).join(', '), g.committed, rate,
            h('span', { 'data-lag': g.lag }, String(g.lag))];
        })));
      previousGroups = now;
    } catch (e) {
      fill(consumers, alertBox(e));
    }
  }
  async function sample() {
    sampleGroups();
    try {
      const now = { at: Date.now(), ...parseMetrics(await fetch('/q/metrics').then((r) => r.text())) };
      const rate = previous ? ((now.applies - previous.applies) * 1000) / (now.at - previous.at) : null;
      fill(figures,
        figure('Applies accepted', now.applies),
        figure('Applies refused', now.refused),
        figure('Applies per second', rate === null ? '…' : rate.toFixed(2)),
        figure('Consumer lag (records)', now.lag));
      previous = now;
    } catch (e) {
      fill(figures, alertBox(e));
    }
  }
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return () => clearInterval(timer);
}

async function list(path) {
  return (await api(path)).items || [];
}

function reason(c) {
  return c ? `${c.reason || ''}${c.message ? ': ' + c.message : ''}` : '';
}

function figure(label, value) {
  return h('div', { class: 'figure' }, h('strong', {}, String(value)), label);
}

/** The requests failing now, newest first, from one list of every request the caller may see. */
async function findFailures(into) {
  const failing = ((await api('/api/v1/resources')).items || [])
    .filter((doc) => requestState(doc).label === 'Failing')
    .map((doc) => ({ promise: promiseOf(doc), doc }));
  const since = (f) => (f.doc.status?.conditions || []).map((c) => c.lastTransitionTime || '').sort().pop() || '';
  failing.sort((a, b) => since(b).localeCompare(since(a)));
  fill(into, failing.length === 0 ? h('p', { class: 'note' }, 'None.')
    : table(null, ['Request', 'Promise', 'Why', 'Since'], failing.slice(0, 20).map((f) => {
      const why = failingCondition(f.doc);
      return [h('a', { href: requestHref(f.doc.metadata.namespace, f.promise, f.doc.metadata.name) },
        `${f.doc.metadata.namespace}/${f.doc.metadata.name}`), f.promise, why?.message || '', when(since(f))];
    })));
}

/** The figures the page shows, from Prometheus text: applies by outcome, Kafka consumer lag. */
export function parseMetrics(text) {
  let applies = 0;
  let refused = 0;
  let lag = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('http_server_requests_seconds_count{') && line.includes('uri="/api/v1/apply"')
        && line.includes('method="POST"')) {
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (line.includes('outcome="SUCCESS"')) applies += value;
      else if (line.includes('outcome="CLIENT_ERROR"')) refused += value;
    } else if (line.startsWith('kafka_consumer_fetch_manager_records_lag{') && /topic="[^"]*\./.test(line)) {
      // Micrometer names each topic twice (dots and underscores); the dotted series is counted.
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(value)) lag += value;
    }
  }
  return { applies, refused, lag };
}
