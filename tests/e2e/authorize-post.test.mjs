// Authorization requests sent by POST (OpenID Connect Core §3.1.2.1: the
// authorization endpoint MUST accept POST, the parameters form-encoded in the
// body). Such a request is handled exactly like the same request by GET: the
// login page, then consent, then the code. Our own sign-in and consent forms
// keep their CSRF check.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formData, postForms } from './lib/html.mjs';
import { AUTHORIZE_PATH, CookieJar, codeGrant, request, setup, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse();

let client;
let user;

setup(async () => {
  client = await gh.addClient({ id: 'rp-post', secret: 'rp-post-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await gh.addUser({ username: 'paula', password: 'p_aula-Pass-1234', email: 'paula@example.com', nickname: 'pau' });
});

const params = (extra = {}) => ({
  client_id: client.id,
  redirect_uri: client.redirectUri,
  response_type: 'code',
  scope: 'openid profile',
  state: 'st-post',
  nonce: 'n-post',
  ...extra,
});

/** POSTs fields to /auth/authorize with browser jar. */
async function post(jar, fields) {
  const res = await request('POST', gh.url(AUTHORIZE_PATH), { headers: jar.headers(), body: new URLSearchParams(fields) });
  jar.take(res);
  return res;
}

function onlyForm(res, what) {
  assert.equal(res.status, 200, `${what}: ${res.describe()}`);
  assert.match(res.header('content-type') ?? '', /^text\/html/i, what);
  const forms = postForms(res.text);
  assert.equal(forms.length, 1, `${what}: one post form`);
  return forms[0];
}

test('an authorization request by POST gets the login page, and the flow completes with a code', async () => {
  const jar = new CookieJar();
  const login = onlyForm(await post(jar, params()), 'POST authorization request');
  assert.ok(login.inputs.some((i) => i.name === 'password'), 'the login page');
  assert.equal(login.inputs.find((i) => i.name === 'state')?.value, 'st-post', 'the request travels on');
  const consentRes = await post(jar, formData(login, { username: user.username, password: user.password }));
  const consent = onlyForm(consentRes, 'after sign-in');
  const allow = consent.buttons.find((b) => b.name === 'decision' && b.value === 'allow');
  assert.ok(allow, `the consent page: ${consentRes.text.slice(0, 200)}`);
  const done = await post(jar, formData(consent, {}, allow));
  assert.equal(done.status, 302, done.describe());
  const back = new URL(done.header('location'));
  assert.equal(`${back.origin}${back.pathname}`, client.redirectUri);
  assert.equal(back.searchParams.get('state'), 'st-post');
  const code = back.searchParams.get('code');
  assert.ok(code, `a code: ${back}`);
  const tokens = await gh.token(codeGrant(client, code));
  assert.equal(tokens.status, 200, tokens.describe());

  // signed in and consented: a second POST request answers with a code at once, as GET does
  const again = await post(jar, params({ state: 'st-post-2' }));
  assert.equal(again.status, 302, again.describe());
  const second = new URL(again.header('location'));
  assert.ok(second.searchParams.get('code'), `a code straight away: ${second}`);
  assert.equal(second.searchParams.get('state'), 'st-post-2');
});

test('a POST authorization request is validated like a GET: errors go back to the client or to a page', async () => {
  const jar = new CookieJar();
  const bad = await post(jar, params({ response_type: 'token' }));
  assert.equal(bad.status, 302, bad.describe());
  assert.equal(new URL(bad.header('location')).searchParams.get('error'), 'unsupported_response_type');
  const unknown = await post(jar, params({ redirect_uri: 'https://evil.example/cb' }));
  assert.equal(unknown.status, 400, unknown.describe());
  assert.equal(unknown.header('location'), undefined, 'never a redirect to an unregistered URI');
});

test('the sign-in form posted without a valid csrf value is still refused', async () => {
  const jar = new CookieJar();
  const login = onlyForm(await post(jar, params()), 'login page');
  for (const csrf of [null, 'A'.repeat(64), login.inputs.find((i) => i.name === 'csrf').value.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))]) {
    const data = formData(login, { username: user.username, password: user.password });
    if (csrf === null) data.delete('csrf');
    else data.set('csrf', csrf);
    const res = await post(jar, data);
    assert.equal(res.status, 403, `csrf=${csrf}: ${res.describe()}`);
    assert.equal(res.header('location'), undefined, `csrf=${csrf}: no code`);
    assert.equal(res.setCookies.filter((c) => /gh_session=/.test(c)).length, 0, `csrf=${csrf}: no session`);
  }
  // without the step field too: credentials in a POST make it our form, never a request
  const data = formData(login, { username: user.username, password: user.password });
  data.delete('csrf');
  data.delete('step');
  const res = await post(jar, data);
  assert.equal(res.status, 403, `no csrf, no step: ${res.describe()}`);
  assert.equal(res.setCookies.filter((c) => /gh_session=/.test(c)).length, 0, 'no session');
});
