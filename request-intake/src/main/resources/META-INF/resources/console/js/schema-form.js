// A request form from a Promise's OpenAPI v3 schema: one field per property (nested objects as
// fieldsets), the schema's rules checked in the page (type, enum, required, minimum/maximum,
// length, pattern), the API's 422 field errors shown next to the fields they name, and the values
// read back into a spec. Each field carries its JSON pointer (/spec/size) to match the API's.

import { h } from './dom.js';

const schemas = new WeakMap(); // input element -> its property's schema
let counter = 0;

/** The fields of an object schema under `pointer`, filled from `values`. */
export function objectFields(schema, pointer, values = {}) {
  const required = new Set(schema?.required || []);
  return Object.entries(schema?.properties || {}).map(([name, property]) =>
    field(name, property, `${pointer}/${escape(name)}`, required.has(name), values?.[name]));
}

function escape(name) {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

function field(name, schema, pointer, required, value) {
  if (schema.type === 'object' && schema.properties) {
    return h('fieldset', { 'data-pointer': pointer },
      h('legend', {}, name, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      schema.description ? h('p', { class: 'hint' }, schema.description) : null,
      objectFields(schema, pointer, value || {}));
  }
  const id = `f${++counter}`;
  const input = control(schema, id, value);
  input.dataset.pointer = pointer;
  if (required) {
    input.required = true;
    input.setAttribute('aria-required', 'true');
  }
  schemas.set(input, schema);
  const hints = [];
  if (schema.description) hints.push(schema.description);
  if (schema.enum) hints.push(`One of: ${schema.enum.join(', ')}.`);
  if (schema.default !== undefined) hints.push(`Default: ${JSON.stringify(schema.default)}.`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    hints.push(`Between ${schema.minimum ?? '−∞'} and ${schema.maximum ?? '∞'}.`);
  }
  const sentences = hints.map((text) => (/[.!?]$/.test(text) ? text : `${text}.`));
  const hint = hints.length ? h('p', { class: 'hint', id: `${id}-hint` }, sentences.join(' ')) : null;
  const error = h('p', { class: 'error', id: `${id}-error`, hidden: true });
  input.setAttribute('aria-describedby', [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' '));
  input.addEventListener('change', () => showError(input, check(input)));
  const label = h('label', { for: id }, name,
    required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  const datalist = schema.enum
    ? h('datalist', { id: `${id}-list` }, schema.enum.map((v) => h('option', { value: String(v) })))
    : null;
  return h('div', { class: 'field' }, label, input, datalist, error, hint);
}

function control(schema, id, value) {
  const initial = value !== undefined ? value : undefined;
  switch (schema.type) {
    case 'boolean':
      return h('input', { id, type: 'checkbox', checked: initial ?? schema.default ?? false });
    case 'integer':
    case 'number':
      return h('input', {
        id, type: 'text', inputmode: schema.type === 'integer' ? 'numeric' : 'decimal',
        value: initial ?? '', placeholder: schema.default ?? '' });
    case 'array':
      return h('textarea', {
        id, rows: 3,
        placeholder: isScalar(schema.items) ? 'one item per line' : 'a JSON array',
      }, initial === undefined ? '' : isScalar(schema.items) ? initial.join('\n') : JSON.stringify(initial, null, 2));
    case 'object':
      return h('textarea', { id, rows: 4, placeholder: 'a JSON object' },
        initial === undefined ? '' : JSON.stringify(initial, null, 2));
    default:
      return h('input', {
        id, type: 'text', list: schema.enum ? `${id}-list` : null, autocomplete: 'off',
        value: initial ?? '', placeholder: schema.default ?? '' });
  }
}

function isScalar(items) {
  return ['string', 'integer', 'number', 'boolean'].includes(items?.type);
}

/** The value a field holds, typed by its schema; undefined when left empty (the default applies). */
function read(input) {
  const schema = schemas.get(input);
  if (input.type === 'checkbox') return input.checked;
  const raw = input.value.trim();
  if (raw === '') return undefined;
  switch (schema.type) {
    case 'integer':
    case 'number':
      return Number(raw);
    case 'array':
      if (isScalar(schema.items)) {
        return raw.split('\n').map((s) => s.trim()).filter(Boolean).map((s) => scalar(schema.items, s));
      }
      return JSON.parse(raw);
    case 'object':
      return JSON.parse(raw);
    default:
      return raw;
  }
}

function scalar(schema, text) {
  if (schema.type === 'integer' || schema.type === 'number') return Number(text);
  if (schema.type === 'boolean') return text === 'true';
  return text;
}

/** What is wrong with a field's value by its schema, or '' when nothing is. */
export function check(input) {
  const schema = schemas.get(input);
  if (!schema || input.type === 'checkbox') return '';
  const raw = input.value.trim();
  if (raw === '') return input.required ? 'Required.' : '';
  let value;
  try {
    value = read(input);
  } catch (e) {
    return `Not valid JSON: ${e.message}`;
  }
  if (schema.type === 'integer' && !Number.isInteger(value)) return 'Must be a whole number.';
  if (schema.type === 'number' && !Number.isFinite(value)) return 'Must be a number.';
  if (schema.enum && !schema.enum.map(String).includes(String(value))) {
    return `Must be one of: ${schema.enum.join(', ')}.`;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
      return `Must be ${schema.exclusiveMinimum ? 'more than' : 'at least'} ${schema.minimum}.`;
    }
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
      return `Must be ${schema.exclusiveMaximum ? 'less than' : 'at most'} ${schema.maximum}.`;
    }
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return `At least ${schema.minLength} characters.`;
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return `At most ${schema.maxLength} characters.`;
    // Kubernetes matches patterns unanchored, as ECMAScript's test() does.
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) return `Must match ${schema.pattern}.`;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return `At least ${schema.minItems} items.`;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return `At most ${schema.maxItems} items.`;
  }
  return '';
}

/** Shows (or clears, for '') a field's error next to it. */
export function showError(input, message) {
  const error = document.getElementById(`${input.id}-error`);
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  if (error) {
    error.textContent = message;
    error.hidden = !message;
  }
}

function inputs(form) {
  return [...form.querySelectorAll('[data-pointer]')].filter((e) => schemas.has(e) || e.dataset.plain);
}

/** Checks every field; shows each error; answers whether all are valid (focuses the first bad). */
export function validate(form) {
  let first = null;
  for (const input of inputs(form)) {
    const message = input.dataset.plain ? plainCheck(input) : check(input);
    showError(input, message);
    if (message && !first) first = input;
  }
  first?.focus();
  return first === null;
}

function plainCheck(input) {
  if (input.required && !input.value.trim()) return 'Required.';
  if (input.pattern && input.value && !new RegExp(`^(?:${input.pattern})$`).test(input.value)) {
    return input.title || `Must match ${input.pattern}.`;
  }
  return '';
}

/** The object the fields under `pointer` describe (empty fields left out). */
export function values(form, pointer) {
  const out = {};
  for (const input of inputs(form)) {
    const p = input.dataset.pointer;
    if (!schemas.has(input) || !p.startsWith(pointer + '/')) continue;
    const value = read(input);
    if (value === undefined) continue;
    const path = p.slice(pointer.length + 1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node = out;
    path.slice(0, -1).forEach((key) => { node = node[key] ??= {}; });
    node[path[path.length - 1]] = value;
  }
  return out;
}

/**
 * Puts the API's field errors (a 422 problem's errors[]: {path, message}) next to the fields they
 * name, or the nearest enclosing one; answers those that name no field.
 */
export function showServerErrors(form, errors) {
  const fields = inputs(form);
  const unplaced = [];
  for (const error of errors || []) {
    let pointer = error.path || '';
    let input;
    while (pointer && !(input = fields.find((f) => f.dataset.pointer === pointer))) {
      pointer = pointer.slice(0, pointer.lastIndexOf('/'));
    }
    if (input) showError(input, error.message);
    else unplaced.push(error);
  }
  fields.find((f) => f.getAttribute('aria-invalid') === 'true')?.focus();
  return unplaced;
}

/** A plain text field (name, namespace) that takes part in validate() and server errors. */
export function plainField(label, pointer, { value = '', required = true, pattern, title, readonly, hint } = {}) {
  const id = `f${++counter}`;
  const input = h('input', {
    id, type: 'text', value, required, pattern, title, readonly, autocomplete: 'off',
    'aria-describedby': hint ? `${id}-error ${id}-hint` : `${id}-error`,
  });
  input.dataset.pointer = pointer;
  input.dataset.plain = 'true';
  return h('div', { class: 'field' },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    input,
    h('p', { class: 'error', id: `${id}-error`, hidden: true }),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
}
