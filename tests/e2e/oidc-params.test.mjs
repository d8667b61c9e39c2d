// OpenID Connect authorization request parameters (Core §3.1.2.1): prompt
// (none, login, consent), max_age, login_hint, ui_locales and nonce, each
// shown by what the browser sees and, for nonce and auth_time, by the
// id_token that openid-client validates.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as oidc from 'openid-client';

import { CookieJar, setup, sleep, useGatehouse } from './lib/harness.mjs';
import { inputValue, postForms } from './lib/html.mjs';

const gh = useGatehouse();

const REDIRECT = 'https://rp.example/cb';

let client;
let user;
let config;

setup(async () => {
  client = await gh.addClient({ id: 'rp-params', secret: 'rp-params-secret-0123456789', redirectUris: REDIRECT });
  user = await gh.addUser({ username: 'alice', password: 'correct horse 7', email: 'alice@example.com', nickname: 'ali' });
  config = await oidc.discovery(new URL(gh.base), client.id, { client_secret: client.secret }, oidc.ClientSecretPost(client.secret), {
    execute: [oidc.allowInsecureRequests],
  });
});

const params = (extra = {}) => ({ client_id: client.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile', state: 'st', ...extra });

/** One GET of the authorization endpoint with the browser's cookies. */
function visit(jar, extra) {
  return gh.get(`/auth/authorize?${new URLSearchParams(params(extra))}`, { headers: jar.headers() });
}

function redirectParams(res) {
  assert.equal(res.status, 302, res.describe());
  const url = new URL(res.header('location'));
  assert.equal(url.origin + url.pathname, REDIRECT);
  return url.searchParams;
}

/** Which form a page holds: 'login', 'consent', or null. */
function formKind(res) {
  if (res.status !== 200) return null;
  const [form] = postForms(res.text);
  if (!form) return null;
  if (form.inputs.some((i) => i.name === 'password')) return 'login';
  return form.buttons.some((b) => b.name === 'decision') ? 'consent' : null;
}

/** Walks the whole flow with openid-client's URL and checks; resolves to the id_token claims and the walk. */
async function flow(jar, extra = {}) {
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile', state, nonce, ...extra });
  const r = await gh.authorize(url.href, { username: user.username, password: user.password, jar });
  assert.ok(r.redirect, r.response?.describe());
  const tokens = await oidc.authorizationCodeGrant(config, r.redirect, { expectedState: state, expectedNonce: nonce, idTokenExpected: true, maxAge: extra.max_age === undefined ? undefined : Number(extra.max_age) });
  return { claims: tokens.claims(), forms: r.history.filter((h) => h.form).map((h) => h.form), nonce, tokens };
}

test('prompt=none without a session: login_required, sent back to the client', async () => {
  const back = redirectParams(await visit(new CookieJar(), { prompt: 'none' }));
  assert.equal(back.get('error'), 'login_required');
  assert.equal(back.get('state'), 'st');
  assert.equal(back.get('iss'), gh.base);
  assert.equal(back.get('code'), null);
});

test('prompt=none with a session but no consent yet: consent_required', async () => {
  const jar = new CookieJar();
  // sign in, then stop at the consent page without answering it
  const r = await gh.authorize(params(), { username: user.username, password: user.password, jar, decision: 'none' });
  assert.equal(formKind(r.response), 'consent');
  const back = redirectParams(await visit(jar, { prompt: 'none' }));
  assert.equal(back.get('error'), 'consent_required');
  assert.equal(back.get('code'), null);
});

test('nonce ends up in the id_token (openid-client checks it), login and consent the first time', async () => {
  const jar = new CookieJar();
  const { claims, forms, nonce } = await flow(jar);
  assert.deepEqual(forms, ['login', 'consent']);
  assert.equal(claims.nonce, nonce);
  assert.equal(claims.sub, user.sub);
  // now prompt=none succeeds silently
  const back = redirectParams(await visit(jar, { prompt: 'none' }));
  assert.ok(back.get('code'), 'a code without any page');
});

test('prompt=login shows the login page even with a session', async () => {
  const jar = new CookieJar();
  await flow(jar);
  assert.ok(redirectParams(await visit(jar)).get('code'), 'signed in and consented: straight back');
  assert.equal(formKind(await visit(jar, { prompt: 'login' })), 'login');
  const { forms } = await flow(jar, { prompt: 'login' });
  assert.deepEqual(forms, ['login'], 'login again, consent remembered');
});

test('prompt=consent shows the consent page again', async () => {
  const jar = new CookieJar();
  await flow(jar);
  assert.equal(formKind(await visit(jar, { prompt: 'consent' })), 'consent');
  const { forms } = await flow(jar, { prompt: 'consent' });
  assert.deepEqual(forms, ['consent']);
});

test('max_age=0 forces a new login and auth_time is fresh', async () => {
  const jar = new CookieJar();
  const first = await flow(jar);
  await sleep(1100);
  assert.equal(formKind(await visit(jar, { max_age: '0' })), 'login');
  const before = Math.floor(Date.now() / 1000);
  const again = await flow(jar, { max_age: '0' });
  assert.deepEqual(again.forms, ['login']);
  assert.ok(again.claims.auth_time > first.claims.auth_time, `auth_time ${again.claims.auth_time} after ${first.claims.auth_time}`);
  assert.ok(again.claims.auth_time >= before, 'auth_time is the new login');
  // a generous max_age keeps the session
  assert.ok(redirectParams(await visit(jar, { max_age: '3600' })).get('code'));
});

test('login_hint pre-fills the username', async () => {
  const res = await visit(new CookieJar(), { login_hint: 'alice@example' });
  assert.equal(formKind(res), 'login');
  assert.equal(inputValue(postForms(res.text)[0], 'username'), 'alice@example');
});

test('ui_locales=ko gives the Korean page; the first supported tag wins', async () => {
  const ko = await visit(new CookieJar(), { ui_locales: 'ko' });
  assert.match(ko.text, /<html lang="ko">/);
  assert.match(ko.text, /로그인/);
  const en = await visit(new CookieJar(), { ui_locales: 'fr en ko' });
  assert.match(en.text, /<html lang="en">/);
  const header = await gh.get(`/auth/authorize?${new URLSearchParams(params())}`, { headers: { 'accept-language': 'ko-KR,ko;q=0.9' } });
  assert.match(header.text, /<html lang="ko">/, 'Accept-Language when ui_locales is absent');
});

test('the id_token says how the member signed in (amr, RFC 8176), also after a refresh', async () => {
  const { claims, tokens } = await flow(new CookieJar());
  assert.deepEqual(claims.amr, ['pwd']);
  assert.equal(claims.idp, undefined);
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.deepEqual(refreshed.claims().amr, ['pwd']);
});
