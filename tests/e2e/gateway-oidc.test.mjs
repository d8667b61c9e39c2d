// Our own authorization server as an `oidc` platform of the gateway: the
// gateway discovers its endpoints, sends the browser there with state, nonce
// and a PKCE challenge, exchanges the code (client_secret_basic, as the
// discovery document allows), verifies the id_token against the server's
// JWKS (signature, iss, aud, exp, nonce) and reads userinfo. Then the rest of
// seed 002 for that account. A platform whose discovery document names
// another issuer is refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { useGatehouse } from './lib/harness.mjs';
import { CookieJar, assertEnvelope, setCookies, useGateway } from './lib/gateway.mjs';

const gh = useGatehouse({ label: 'authorization server' });
const SECRET = 'gateway-secret-0123456789';
const gw = useGateway({
  platforms: () => ({
    ottm: { kind: 'oidc', issuer: gh.base, client_id: 'gateway', client_secret: SECRET, scope: 'openid profile email' },
    // the same server under another name: discovery says the issuer is gh.base
    wrongiss: { kind: 'oidc', issuer: gh.base.replace('127.0.0.1', 'localhost'), client_id: 'gateway', client_secret: SECRET },
  }),
});

let user;
let registered;
/** The gateway's client and a user at the authorization server (once both servers run). */
function register() {
  registered ??= (async () => {
    await gh.addClient({ id: 'gateway', secret: SECRET, redirectUris: [`${gw.base}/oauth2/callback?platform=ottm`] });
    user = await gh.addUser({ username: 'alice', password: 'pa55-Word!a_lice', email: 'alice@example.com', nickname: 'alice' });
  })();
  return registered;
}

/** Signs in through the authorization server's login and consent pages. */
async function signIn(jar = new CookieJar()) {
  await register();
  const url = await gw.loginUrl('ottm', jar);
  const r = await gh.authorize(url.href, { username: user.username, password: user.password });
  assert.ok(r.redirect, `authorize should come back to the gateway: ${r.response.describe()}`);
  assert.equal(r.redirect.origin + r.redirect.pathname, `${gw.base}/oauth2/callback`);
  assert.equal(r.redirect.searchParams.get('platform'), 'ottm');
  const p = r.redirect.searchParams;
  const res = await gw.login('ottm', p.get('code'), p.get('state'), jar, p.get('iss'));
  return { res, jar, url };
}

test('the login URL comes from discovery, with state, nonce and PKCE', async () => {
  const url = await gw.loginUrl('ottm');
  assert.equal(url.origin + url.pathname, gh.url('/auth/authorize'));
  for (const p of ['state', 'nonce', 'code_challenge']) assert.match(url.searchParams.get(p), /^[A-Za-z0-9_-]{43}$/, p);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(url.searchParams.get('scope'), 'openid profile email');
  assert.equal(url.searchParams.get('redirect_uri'), `${gw.base}/oauth2/callback?platform=ottm`);
});

test('sign-in through our own server: cookies, user info from its userinfo', async () => {
  const { res, jar } = await signIn();
  assertEnvelope(res, 200, true, 'login');
  assert.ok(setCookies(res).access && setCookies(res).refresh);
  const info = assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 200, true);
  assert.deepEqual(info.body, { email: 'alice@example.com', name: 'alice', profile: null, platform: 'ottm' });
});

test('a code is redeemed once: replaying the callback fails', async () => {
  await register();
  const url = await gw.loginUrl('ottm');
  const r = await gh.authorize(url.href, { username: user.username, password: user.password });
  const code = r.redirect.searchParams.get('code');
  const state = r.redirect.searchParams.get('state');
  const iss = r.redirect.searchParams.get('iss');
  assertEnvelope(await gw.login('ottm', code, state, undefined, iss), 200, true);
  assertEnvelope(await gw.login('ottm', code, state, undefined, iss), 400, false, 'state already used');
});

test('auto-login, re-consent refused, logout, revoke', async () => {
  const { jar } = await signIn();
  const only = new CookieJar();
  only.take({ setCookies: [`refresh=${jar.get('refresh')}`] });
  assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar: only }), 200, true, 'auto');
  assertEnvelope(await gw.api('PUT', '/oauth2/api/login/put', { jar }), 400, false, 're-consent');
  assertEnvelope(await gw.api('POST', '/oauth2/api/logout', { jar: only }), 200, true, 'logout');
  assertEnvelope(await gw.api('DELETE', '/oauth2/api/revoke', { jar }), 200, true, 'revoke');
  assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 401, false, 'gone');
});

test('a provider whose discovery names another issuer is refused', async () => {
  const res = await gw.api('GET', '/oauth2/api/login/wrongiss');
  const j = assertEnvelope(res, 502, false, 'issuer mismatch');
  assert.match(j.message, /another issuer/);
});
