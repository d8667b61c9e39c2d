// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) at
// /auth/logout: with a valid id_token_hint the session ends at once and the
// browser goes back to the registered post_logout_redirect_uri with state;
// without one the person confirms on a CSRF-protected page; an unregistered
// URI or a forged hint gives an error page and never a redirect. Tokens live
// one second here (access_token_ttl = 1), so expired hints can be shown to work.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  CookieJar,
  assertErrorPage,
  assertPageHeaders,
  codeGrant,
  cookieDeletes,
  decodeJwt,
  parseSetCookie,
  setup,
  sleep,
  tamperSignature,
  useGatehouse,
} from './lib/harness.mjs';
import { formData, postForms, visibleText } from './lib/html.mjs';

const gh = useGatehouse({ config: { access_token_ttl: 1 } });

const LOGOUT_PATH = '/auth/logout';
const BACK = 'https://rp.example/signed-out';
const BACK_WITH_QUERY = 'https://rp.example/bye?from=gatehouse';

let client;
let other;
let alice;
let bob;

setup(async () => {
  client = await gh.addClient({
    id: 'rp-logout',
    secret: 'rp-logout-secret-0123456789',
    redirectUris: 'https://rp.example/cb',
    postLogoutRedirectUris: [BACK, BACK_WITH_QUERY],
  });
  other = await gh.addClient({
    id: 'rp-other',
    secret: 'rp-other-secret-0123456789',
    redirectUris: 'https://other.example/cb',
    postLogoutRedirectUris: 'https://other.example/bye',
  });
  alice = await gh.addUser({ username: 'alice', password: 'correct horse 7', email: 'alice@example.com', nickname: 'ali' });
  bob = await gh.addUser({ username: 'bob', password: 'battery staple 9', email: 'bob@example.com', nickname: 'bob' });
});

/** Signs user in with a fresh browser; resolves to { jar, tokens }. */
async function signIn(user = alice, rp = client) {
  const jar = new CookieJar();
  const { code } = await gh.obtainCode(rp, user, { jar });
  const res = await gh.token(codeGrant(rp, code));
  assert.equal(res.status, 200, res.describe());
  assert.ok(jar.get('gh_session'), 'signed in: a session cookie');
  return { jar, tokens: res.json };
}

/** Whether the browser is still signed in: prompt=none gives a code, or login_required. */
async function signedIn(jar, rp = client) {
  const r = await gh.get(
    `/auth/authorize?${new URLSearchParams({ client_id: rp.id, redirect_uri: rp.redirectUri, response_type: 'code', scope: 'openid profile', prompt: 'none' })}`,
    { headers: jar.headers() },
  );
  assert.equal(r.status, 302, r.describe());
  const back = new URL(r.header('location'));
  if (back.searchParams.get('code')) return true;
  assert.equal(back.searchParams.get('error'), 'login_required', back.href);
  return false;
}

function logout(params, jar, method = 'GET') {
  const q = new URLSearchParams(params);
  if (method === 'POST') return gh.post(LOGOUT_PATH, q, { headers: jar.headers() });
  return gh.get(`${LOGOUT_PATH}?${q}`, { headers: jar.headers() });
}

function assertSessionCookieCleared(res) {
  const cookies = res.setCookies.map(parseSetCookie).filter((c) => c.name === 'gh_session');
  assert.equal(cookies.length, 1, `one gh_session Set-Cookie: ${res.setCookies}`);
  assert.equal(cookies[0].attrs['max-age'], '0', 'Max-Age=0');
  assert.ok(cookieDeletes(cookies[0]));
}

/** The confirmation page's one form; asserts its shape. */
function confirmForm(res) {
  assert.equal(res.status, 200, res.describe());
  assertPageHeaders(res, 'confirmation page');
  const forms = postForms(res.text);
  assert.equal(forms.length, 1, 'one post form');
  assert.equal(forms[0].action, LOGOUT_PATH);
  assert.ok(forms[0].inputs.some((i) => i.name === 'csrf' && i.value), 'a CSRF token');
  assert.deepEqual(forms[0].buttons, [{ name: 'confirm', value: 'yes' }]);
  return forms[0];
}

test('discovery names the end_session_endpoint', async () => {
  const d = (await gh.get('/.well-known/openid-configuration')).json;
  assert.equal(d.end_session_endpoint, gh.url(LOGOUT_PATH));
});

test('a valid id_token_hint ends the session and redirects with state', async () => {
  const { jar, tokens } = await signIn();
  const cookie = jar.get('gh_session');
  const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: BACK, state: 'st&=1' }, jar);
  assert.equal(res.status, 302, res.describe());
  assert.equal(res.header('location'), `${BACK}?state=st%26%3D1`);
  assertSessionCookieCleared(res);
  jar.take(res);
  assert.equal(await signedIn(jar), false, 'signed out');
  // the old cookie value is dead too: the session record was deleted
  const replay = new CookieJar();
  replay.take({ setCookies: [`gh_session=${cookie}`] });
  assert.equal(await signedIn(replay), false, 'the old session id no longer works');
});

test('the registered query is kept and state is added after it', async () => {
  const { jar, tokens } = await signIn();
  const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: BACK_WITH_QUERY, state: 'xyz' }, jar);
  assert.equal(res.header('location'), `${BACK_WITH_QUERY}&state=xyz`);
});

test('an expired id_token_hint is still accepted (logout only)', async () => {
  const { jar, tokens } = await signIn();
  await sleep(2100);
  const exp = decodeJwt(tokens.id_token).payload.exp;
  assert.ok(exp < Date.now() / 1000, 'the hint has expired');
  const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: BACK }, jar, 'POST');
  assert.equal(res.status, 303, `a POST is answered with 303: ${res.describe()}`);
  assert.equal(res.header('location'), BACK);
  jar.take(res);
  assert.equal(await signedIn(jar), false);
});

test('unregistered post_logout_redirect_uri: error page, no redirect, still signed in', async () => {
  const { jar, tokens } = await signIn();
  const bad = [
    'https://evil.example/',
    `${BACK}/`,
    `${BACK}?x=1`,
    'https://RP.example/signed-out',
    client.redirectUri, // a redirect_uri, not a post-logout one
    'https://other.example/bye', // another client's
    'javascript:alert(1)',
  ];
  for (const uri of bad) {
    const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: uri, state: 's' }, jar);
    assertErrorPage(res, uri);
    assertPageHeaders(res, uri);
    assert.equal(res.setCookies.filter((c) => c.startsWith('gh_session=')).length, 0, `${uri}: session cookie untouched`);
  }
  assert.equal(await signedIn(jar), true, 'nothing ended');
});

test('a forged or foreign id_token_hint is refused with an error page', async () => {
  const { jar, tokens } = await signIn();
  const forged = [
    ['tampered signature', tamperSignature(tokens.id_token)],
    ['an access token', tokens.access_token],
    ['garbage', 'not.a.jwt'],
  ];
  for (const [what, hint] of forged) {
    const res = await logout({ id_token_hint: hint, post_logout_redirect_uri: BACK }, jar);
    assertErrorPage(res, what);
    assert.match(visibleText(res.text), /id_token_hint is not an ID token of ours/, what);
  }
  const mismatch = await logout({ id_token_hint: tokens.id_token, client_id: other.id, post_logout_redirect_uri: 'https://other.example/bye' }, jar);
  assertErrorPage(mismatch, 'client_id other than the hint audience');
  assert.match(visibleText(mismatch.text), /client_id is not the id_token_hint's audience/);
  assert.equal(await signedIn(jar), true);
});

test('post_logout_redirect_uri needs a client; an unknown client is an error page', async () => {
  const jar = new CookieJar();
  assertErrorPage(await logout({ post_logout_redirect_uri: BACK }, jar), 'no hint, no client_id');
  assertErrorPage(await logout({ client_id: 'nope', post_logout_redirect_uri: BACK }, jar), 'unknown client');
});

test('without a hint the person confirms; a forged confirmation is refused', async () => {
  const { jar } = await signIn();
  const page = await logout({ client_id: client.id, post_logout_redirect_uri: BACK, state: 'q1' }, jar);
  const form = confirmForm(page);
  assert.match(visibleText(page.text), /rp-logout asks to sign you out/);
  assert.equal(page.header('location'), undefined);
  assert.equal(await signedIn(jar), true, 'showing the page ends nothing');

  // another site posting the form: no CSRF token, or a wrong one
  const data = formData(form, {}, { name: 'confirm', value: 'yes' });
  for (const csrf of [null, 'f'.repeat(64)]) {
    const forged = new URLSearchParams(data);
    if (csrf) forged.set('csrf', csrf);
    else forged.delete('csrf');
    const res = await gh.post(LOGOUT_PATH, forged, { headers: jar.headers() });
    assert.equal(res.status, 403, res.describe());
    assertErrorPage(res, 'forged confirmation');
    assert.equal(await signedIn(jar), true, 'a forged confirmation ends nothing');
  }

  const res = await gh.post(LOGOUT_PATH, data, { headers: jar.headers() });
  assert.equal(res.status, 303, res.describe());
  assert.equal(res.header('location'), `${BACK}?state=q1`);
  assertSessionCookieCleared(res);
  jar.take(res);
  assert.equal(await signedIn(jar), false);
});

test('without any parameter: confirm, then the signed-out page (Korean with ui_locales=ko)', async () => {
  const { jar } = await signIn();
  const page = await logout({ ui_locales: 'ko' }, jar);
  const form = confirmForm(page);
  assert.match(page.text, /<html lang="ko">/);
  const res = await gh.post(LOGOUT_PATH, formData(form, {}, { name: 'confirm', value: 'yes' }), { headers: jar.headers() });
  assert.equal(res.status, 200, res.describe());
  assertPageHeaders(res, 'signed-out page');
  assert.match(res.text, /<html lang="ko">/);
  assert.match(visibleText(res.text), /로그아웃되었습니다/);
  assertSessionCookieCleared(res);
  jar.take(res);
  assert.equal(await signedIn(jar), false);
});

test('a hint for someone else than the signed-in person asks first', async () => {
  const { tokens } = await signIn(bob);
  const { jar } = await signIn(alice);
  const page = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: BACK }, jar);
  confirmForm(page);
  assert.equal(await signedIn(jar), true);
});

test('with nobody signed in there is nothing to confirm', async () => {
  const jar = new CookieJar();
  const res = await logout({ client_id: client.id, post_logout_redirect_uri: BACK, state: 'n' }, jar);
  assert.equal(res.status, 302, res.describe());
  assert.equal(res.header('location'), `${BACK}?state=n`);
  const page = await logout({}, jar);
  assert.equal(page.status, 200);
  assert.match(visibleText(page.text), /You are signed out/);
});
