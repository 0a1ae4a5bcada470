// Sign-in through the OIDC provider: the Authorization Code flow with PKCE, as a public client
// (the browser holds no secret). The verifier and state wait in sessionStorage while the browser
// is at the provider; the access token it answers becomes the tab's bearer token.

import { setToken } from './api.js';

const PENDING = 'pledge.oidc.pending';

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Where the provider sends the browser back: the console itself. */
function redirectUri() {
  return `${location.origin}/console/`;
}

async function discover(providerUrl) {
  const response = await fetch(`${providerUrl.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the provider's discovery document answered ${response.status}`);
  return response.json();
}

/** Sends the browser to the provider's sign-in page. */
export async function startLogin(login) {
  const provider = await discover(login.providerUrl);
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const back = location.hash && location.hash !== '#/sign-in' ? location.hash : '#/catalog';
  sessionStorage.setItem(PENDING, JSON.stringify({
    verifier, state, back, clientId: login.clientId, tokenEndpoint: provider.token_endpoint }));
  const url = new URL(provider.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: login.clientId, redirect_uri: redirectUri(), scope: login.scopes,
    state, code_challenge: challenge, code_challenge_method: 'S256' }).toString();
  location.assign(url.toString());
}

/**
 * Completes a sign-in the provider sent the browser back from (?code=&state=, or ?error=):
 * answers false when the page was not opened that way; throws when the provider refused or the
 * answer does not belong to this tab's sign-in.
 */
export async function finishLogin() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return false;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  // The code leaves the address bar (and the history) at once.
  history.replaceState(null, '', `/console/${pending?.back || '#/catalog'}`);
  if (params.has('error')) {
    throw new Error(`the identity provider refused: ${params.get('error_description') || params.get('error')}`);
  }
  if (!pending || params.get('state') !== pending.state) {
    throw new Error('this sign-in answer does not belong to a sign-in started in this tab');
  }
  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
      client_id: pending.clientId, code_verifier: pending.verifier }),
  });
  if (!response.ok) throw new Error(`the provider's token endpoint answered ${response.status}`);
  setToken((await response.json()).access_token);
  return true;
}
