// A request form generated from the Promise's schema: checked in the page, then by the API (its
// 422 field errors land next to the fields); a dry run previews what the workflow would write.
// With ?namespace=&name= it updates an existing request, its current spec filled in.

import { ApiError, api, seg } from '../api.js';
import { alertBox, describe, fill, h, requestHref } from '../dom.js';
import { objectFields, plainField, showServerErrors, validate, values } from '../schema-form.js';
import { requestKind, specSchema } from './promises.js';

const NAME = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

export async function requestFormPage(main, promiseName, query) {
  fill(main, h('h1', {}, `Request ${promiseName}`), h('p', { class: 'muted' }, 'Loading its schema…'));
  const promise = await api(`/api/v1/promises/${seg(promiseName)}`);
  const updating = query.get('name');
  let current = null;
  if (updating) {
    current = await api(`/api/v1/resources/${seg(query.get('namespace'))}/${seg(promiseName)}/${seg(updating)}`);
  }
  const { apiVersion, kind } = requestKind(promise);
  const status = h('div', { 'aria-live': 'polite' });
  const preview = h('section', { 'aria-label': 'Dry run', 'aria-live': 'polite' });
  const form = h('form', { class: 'schema', novalidate: true },
    h('fieldset', {},
      h('legend', {}, 'Request'),
      plainField('Name', '/metadata/name', {
        value: updating || '', readonly: !!updating, pattern: NAME,
        title: 'Lower-case letters, digits and -, starting and ending with a letter or digit.',
        hint: 'Lower-case letters, digits and -.' }),
      plainField('Namespace', '/metadata/namespace', {
        value: query.get('namespace') || 'default', readonly: !!updating, pattern: NAME,
        title: 'Lower-case letters, digits and -.' })),
    h('fieldset', {}, h('legend', {}, 'Spec'), objectFields(specSchema(promise), '/spec', current?.spec || {})),
    status,
    h('div', { class: 'actions' },
      h('button', { class: 'primary', type: 'submit' }, updating ? 'Update' : 'Request'),
      h('button', { type: 'button', onclick: () => dryRun() }, 'Preview (dry run)'),
      h('a', { class: 'button', href: updating ? requestHref(query.get('namespace'), promiseName, updating) : '#/catalog' }, 'Cancel')));

  function documentOf() {
    const name = form.querySelector('[data-pointer="/metadata/name"]').value.trim();
    const namespace = form.querySelector('[data-pointer="/metadata/namespace"]').value.trim();
    return { apiVersion, kind, metadata: { name, namespace }, spec: values(form, '/spec') };
  }

  /** Runs `call` with the buttons disabled, showing a refusal in place. */
  async function busy(call) {
    const buttons = [...form.querySelectorAll('button')];
    buttons.forEach((b) => { b.disabled = true; });
    fill(status);
    try {
      return await call();
    } catch (e) {
      refused(e);
      return null;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  function refused(e) {
    if (e instanceof ApiError && e.status === 422) {
      const unplaced = showServerErrors(form, e.problem.errors);
      fill(status, h('div', { class: 'alert', role: 'alert' }, describe(e),
        unplaced.length ? h('ul', {}, unplaced.map((u) => h('li', {}, `${u.path || ''} ${u.message}`))) : null));
    } else {
      fill(status, alertBox(e));
    }
  }

  async function dryRun() {
    if (!validate(form)) return;
    fill(preview, h('p', { class: 'muted' }, 'Running the configure workflow as a dry run…'));
    const result = await busy(() => api('/api/v1/apply?dryRun=true', { method: 'POST', body: documentOf() }));
    fill(preview, result ? dryRunView(result) : '');
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!validate(form)) {
      fill(status, h('div', { class: 'alert', role: 'alert' }, 'Some fields need attention; see the messages next to them.'));
      return;
    }
    const doc = documentOf();
    const applied = await busy(() => api('/api/v1/apply', { method: 'POST', body: doc }));
    if (applied) location.hash = requestHref(doc.metadata.namespace, promiseName, doc.metadata.name);
  });

  fill(main, h('h1', {}, updating ? `Update ${promiseName} ${updating}` : `Request ${promiseName}`),
    h('p', { class: 'muted' }, `${kind} · ${apiVersion}. Fields marked * are required; empty fields take the Promise's defaults.`),
    form, preview);
  form.querySelector('input:not([readonly])')?.focus();
}

/** What a dry run rendered: each pipeline's files and its containers' output. */
function dryRunView(result) {
  return h('div', {},
    h('h2', {}, `Dry run: ${result.outcome}`),
    (result.pipelines || []).map((pipeline) => h('section', {},
      h('h3', {}, `Pipeline ${pipeline.name}: ${pipeline.phase}`),
      (pipeline.workloadGroups || []).flatMap((group) => (group.files || []).map((file) =>
        h('details', { open: true },
          h('summary', {}, `${group.directory && group.directory !== '.' ? group.directory + '/' : ''}${file.path}`),
          h('pre', {}, file.encoding === 'base64' ? '(binary file)' : file.content)))),
      (pipeline.containers || []).map((c) => h('details', {},
        h('summary', {}, `Container ${c.name}: exit ${c.exitCode}`),
        h('pre', {}, [c.stdout, c.stderr].filter(Boolean).join('\n') || '(no output)'))))));
}
