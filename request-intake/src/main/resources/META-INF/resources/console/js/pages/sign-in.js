// Sign-in: through the OIDC provider when request-intake runs in mode oidc (the Authorization
// Code flow, oidc.js), or with a bearer token pasted once; either is kept for this browser tab
// only (sessionStorage).

import { ApiError, api, setToken } from '../api.js';
import { fill, h } from '../dom.js';
import { startLogin } from '../oidc.js';

/** Why the last sign-in through the provider failed, shown on this page; set by app.js. */
export const loginProblem = { message: '' };

export async function signInPage(main, signedIn) {
  const config = await fetch('/console-config').then((r) => r.json()).catch(() => ({ mode: 'tokens' }));
  const oidc = config.mode === 'oidc' ? config.oidc : null;
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'current-password', required: true,
    'aria-describedby': 'token-hint token-error' });
  const error = h('p', { class: 'error', id: 'token-error', role: 'alert', hidden: !loginProblem.message },
    loginProblem.message);
  loginProblem.message = '';
  const form = h('form', { class: 'schema', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'token' }, oidc ? 'Or an access token' : 'Bearer token'), input,
      h('p', { class: 'hint', id: 'token-hint' }, oidc
        ? 'An access token of the identity provider, sent as the Authorization header.'
        : 'A token of request-intake\'s tokens file (deploy/local/up writes .pledge/admin.token). '
          + 'It is kept for this tab only and sent as the Authorization header.'),
      error),
    h('div', { class: 'actions' }, h('button', { class: oidc ? '' : 'primary', type: 'submit' }, 'Sign in')));
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
  const provider = oidc
    ? h('div', { class: 'actions' }, h('button', {
      class: 'primary', type: 'button', id: 'oidc-sign-in',
      onclick: () => startLogin(oidc).catch((e) => {
        error.textContent = `Cannot reach the identity provider: ${e.message}`;
        error.hidden = false;
      }),
    }, 'Sign in with your identity provider'))
    : null;
  fill(main, h('h1', {}, 'Sign in'), provider, form);
  (provider ? provider.querySelector('button') : input).focus();
}
