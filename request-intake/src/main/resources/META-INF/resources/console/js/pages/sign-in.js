// Sign-in with a bearer token, kept for this browser tab only (sessionStorage).

import { ApiError, api, setToken } from '../api.js';
import { fill, h } from '../dom.js';

export function signInPage(main, signedIn) {
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'current-password', required: true,
    'aria-describedby': 'token-hint token-error' });
  const error = h('p', { class: 'error', id: 'token-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'schema', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'token' }, 'Bearer token'), input,
      h('p', { class: 'hint', id: 'token-hint' },
        'A token of request-intake\'s tokens file (deploy/local/up writes .pledge/admin.token). '
        + 'It is kept for this tab only and sent as the Authorization header.'),
      error),
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, 'Sign in')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setToken(input.value.trim());
    try {
      await api('/api/v1/whoami');
      await signedIn();
    } catch (e) {
      setToken('');
      error.textContent = e instanceof ApiError && e.status === 401
        ? 'This token is not valid.' : `Cannot sign in: ${e.message}`;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  });
  fill(main, h('h1', {}, 'Sign in'), form);
  input.focus();
}
