// The console's shell: who is signed in, the navigation, and a hash router that gives each page
// the main element and takes back the function that stops its watches when the page changes.

import { api, onUnauthorised, setToken, token } from './api.js';
import { alertBox, fill, h } from './dom.js';
import { catalogPage } from './pages/catalog.js';
import { requestFormPage } from './pages/request-form.js';
import { requestsPage } from './pages/requests.js';
import { requestPage } from './pages/request.js';
import { platformPage } from './pages/platform.js';
import { loginProblem, signInPage } from './pages/sign-in.js';
import { finishLogin } from './oidc.js';

const main = document.getElementById('main');
let stopPage = () => {};
let me = null;

const routes = [
  [/^#\/catalog$/, () => catalogPage(main)],
  [/^#\/new\/([^/?]+)(?:\?(.*))?$/, (m) => requestFormPage(main, decodeURIComponent(m[1]), new URLSearchParams(m[2] || ''))],
  [/^#\/requests$/, () => requestsPage(main)],
  [/^#\/requests\/([^/]+)\/([^/]+)\/([^/]+)$/, (m) => requestPage(main, ...m.slice(1, 4).map(decodeURIComponent))],
  [/^#\/platform$/, () => platformPage(main)],
  [/^#\/sign-in$/, () => signInPage(main, signedIn)],
];

async function route() {
  stopPage();
  stopPage = () => {};
  const hash = location.hash || '#/catalog';
  for (const [pattern, page] of routes) {
    const match = hash.match(pattern);
    if (match) {
      markNav(hash);
      try {
        stopPage = (await page(match)) || (() => {});
      } catch (e) {
        fill(main, alertBox(e));
      }
      main.focus({ preventScroll: true });
      return;
    }
  }
  fill(main, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/catalog' }, 'Back to the catalog')));
}

function markNav(hash) {
  const section = hash.split('/')[1];
  document.querySelectorAll('[data-nav]').forEach((a) => {
    const current = a.dataset.nav === section || (section === 'new' && a.dataset.nav === 'catalog');
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

/** Asks request-intake who the token names; without a valid one, sign-in comes first. */
async function whoami() {
  try {
    me = await api('/api/v1/whoami');
  } catch (e) {
    me = null;
  }
  const who = document.getElementById('who');
  document.querySelector('[data-nav="platform"]').hidden = !me?.admin;
  if (me) {
    fill(who, h('span', {}, me.name ? `Signed in as ${me.name}` : 'Authentication is off'),
      token() ? h('button', { type: 'button', onclick: signOut }, 'Sign out') : null);
  } else {
    fill(who, h('a', { href: '#/sign-in' }, 'Sign in'));
  }
  return me;
}

function signOut() {
  setToken('');
  me = null;
  whoami();
  location.hash = '#/sign-in';
}

async function signedIn() {
  await whoami();
  location.hash = '#/catalog';
}

onUnauthorised(() => {
  if (location.hash !== '#/sign-in') location.hash = '#/sign-in';
});

window.addEventListener('hashchange', route);
finishLogin()
  .catch((e) => { loginProblem.message = e.message; })
  .then(whoami)
  .then((who) => {
    if (!who && location.hash !== '#/sign-in') location.hash = '#/sign-in';
    else route();
  });
