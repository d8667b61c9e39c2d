// Dead ends a newcomer met (issue 25 item 3), over HTTP.
//
// An over-long username or password: the sign-in form limits its inputs to
// the endpoint's declared limits (maxlength), and a longer value gets the
// sign-in form again with a message in the page's language (400), the
// pending authorization request kept: the same form then signs in and the
// code comes back with the original state. The limits are found, not
// assumed: a value of exactly maxlength characters is an ordinary wrong
// password, one more is "too long".
//
// A browser (Accept naming text/html) at the authorization server's own
// address gets a small page in the product's look linking to the discovery
// document, and at an unknown path the 404 page; at the gateway, whose "/" is
// its web page, an unknown path gets the 404 page. API clients keep the JSON
// answers byte for byte (seed 004's envelope, seed 002's).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Gateway } from './lib/gateway.mjs';
import { formData, parseAttributes, postForms } from './lib/html.mjs';
import { CookieJar, Gatehouse, request, setup, useServer } from './lib/harness.mjs';

const as = useServer(new Gatehouse({ label: 'authorization server' }));
const gw = new Gateway({ platforms: () => ({ ottm: { kind: 'oidc', issuer: as.base, client_id: 'gw', client_secret: 'gw-secret-0123456789abcdef' } }) });
useServer(gw);

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const SEED_404 = '{"error":{"code":"10404","message":"Not found"},"payload":null}';
let client;
let user;

setup(async () => {
  client = await as.addClient({ id: 'rp-dead-ends', secret: 'rp-dead-ends-secret-0123', redirectUris: 'https://rp.example/cb' });
  user = await as.addUser({ username: 'hana', password: 'h_ana-Pass-1234', email: 'hana@example.com', nickname: 'hana' });
});

const params = (extra = {}) => ({
  scope: 'openid profile',
  response_type: 'code',
  state: 'st-dead-ends',
  redirect_uri: client.redirectUri,
  client_id: client.id,
  ...extra,
});

/** The attributes of the <input> named name on a page. */
function inputAttrs(html, name) {
  const tag = [...html.matchAll(/<input\b([^>]*)>/gi)].map((m) => parseAttributes(m[1])).find((a) => a.name === name);
  assert.ok(tag, `an input named ${name}`);
  return tag;
}

/** Opens the login page with a fresh browser; { jar, html, form, action }. */
async function loginPage(extra) {
  const jar = new CookieJar();
  const url = as.authorizeUrl(params(extra));
  const res = await request('GET', url, { headers: jar.headers() });
  jar.take(res);
  assert.equal(res.status, 200, res.describe());
  const [form] = postForms(res.text);
  return { jar, html: res.text, form, action: new URL(form.action || url, url).href };
}

async function submit(jar, action, form, fill) {
  const res = await request('POST', action, { headers: jar.headers(), body: formData(form, fill) });
  jar.take(res);
  return res;
}

describe('an over-long username or password', () => {
  test('the sign-in inputs carry maxlength, and it is exactly the limit the server accepts', async () => {
    const { jar, html, form, action } = await loginPage();
    const limits = { username: Number(inputAttrs(html, 'username').maxlength), password: Number(inputAttrs(html, 'password').maxlength) };
    for (const [field, max] of Object.entries(limits)) {
      assert.ok(max > 0, `${field} has a maxlength`);
      const other = field === 'username' ? { password: 'wrong-password' } : { username: user.username };
      const atLimit = await submit(jar, action, form, { ...other, [field]: 'x'.repeat(max) });
      assert.equal(atLimit.status, 401, `${field} of ${max} characters is an ordinary failed sign-in: ${atLimit.describe()}`);
      const over = await submit(jar, action, form, { ...other, [field]: 'x'.repeat(max + 1) });
      assert.equal(over.status, 400, `${field} of ${max + 1} characters is too long: ${over.describe()}`);
      assert.match(over.text, /too long/i);
    }
  });

  test('a 5,000-character username gets the sign-in form again with a message; the same form then signs in', async () => {
    const { jar, form, action } = await loginPage();
    const res = await submit(jar, action, form, { username: 'u'.repeat(5000), password: 'whatever' });
    assert.equal(res.status, 400, res.describe());
    assert.match(res.header('content-type') ?? '', /^text\/html/);
    assert.match(res.text, /class="alert"[^>]*>The username or password is too long/);
    assert.doesNotMatch(res.text, /u{300}/, 'the over-long value is not shown again');
    const [again] = postForms(res.text);
    assert.ok(again && again.inputs.some((i) => i.name === 'password'), 'the sign-in form again');
    for (const name of ['client_id', 'redirect_uri', 'state', 'scope', 'response_type']) {
      assert.equal(again.inputs.find((i) => i.name === name)?.value, params()[name], `the pending request keeps ${name}`);
    }
    const signedIn = await submit(jar, action, again, { username: user.username, password: user.password });
    const consentForm = postForms(signedIn.text)[0];
    assert.ok(consentForm, `signed in, the consent page: ${signedIn.describe()}`);
    const allow = consentForm.buttons.find((b) => b.value === 'allow');
    const done = await request('POST', action, { headers: jar.headers(), body: formData(consentForm, {}, allow) });
    const back = new URL(done.header('location') ?? 'about:blank');
    assert.equal(back.origin + back.pathname, client.redirectUri, done.describe());
    assert.ok(back.searchParams.get('code'), 'a code');
    assert.equal(back.searchParams.get('state'), 'st-dead-ends');
  });

  test('an over-long password keeps the username, and a Korean page says it in Korean', async () => {
    const { jar, form, action } = await loginPage({ ui_locales: 'ko' });
    const res = await submit(jar, action, form, { username: user.username, password: 'p'.repeat(5000) });
    assert.equal(res.status, 400, res.describe());
    assert.match(res.text, /<html lang="ko">/);
    assert.match(res.text, /class="alert"[^>]*>아이디 또는 비밀번호가 너무 깁니다/);
    assert.equal(inputAttrs(res.text, 'username').value, user.username);
  });

  test('other over-long parameters still get the error page', async () => {
    const res = await request('GET', as.authorizeUrl(params({ state: 's'.repeat(5000) })));
    assert.equal(res.status, 400);
    assert.equal(postForms(res.text).length, 0, 'no form');
  });
});

describe('a browser at addresses that are not pages', () => {
  test('the authorization server\'s "/" in a browser: a page in the product\'s look linking to the discovery document', async () => {
    const res = await request('GET', as.url('/'), { headers: { accept: BROWSER } });
    assert.equal(res.status, 200, res.describe());
    assert.match(res.header('content-type') ?? '', /^text\/html/);
    assert.match(res.text, /<link rel="stylesheet" href="\/static\/gatehouse.css">/);
    assert.match(res.text, /<a [^>]*href="\/.well-known\/openid-configuration"/);
    const ko = await request('GET', as.url('/'), { headers: { accept: BROWSER, 'accept-language': 'ko-KR,ko;q=0.9' } });
    assert.match(ko.text, /<html lang="ko">/);
    assert.match(ko.text, /로그인 서버/);
  });

  test('unknown paths in a browser: the 404 page, at both servers', async () => {
    for (const [server, path] of [[as, '/nope'], [as, '/auth/nope?x=1'], [gw, '/nope']]) {
      const res = await request('GET', server.url(path), { headers: { accept: BROWSER } });
      assert.equal(res.status, 404, `${server.label} ${path}: ${res.describe()}`);
      assert.match(res.header('content-type') ?? '', /^text\/html/);
      assert.match(res.text, /<link rel="stylesheet" href="\/static\/gatehouse.css">/);
      assert.match(res.text, /Page not found/);
    }
  });

  test('API clients keep the JSON answers exactly', async () => {
    for (const accept of [undefined, 'application/json', '*/*', 'text/html;q=0, application/json']) {
      const headers = accept ? { accept } : {};
      for (const path of ['/', '/nope']) {
        const res = await request('GET', as.url(path), { headers });
        assert.equal(res.status, 404, `${path} with Accept ${accept}`);
        assert.equal(res.header('content-type'), 'application/json');
        assert.equal(res.text, SEED_404);
      }
      const res = await request('GET', gw.url('/nope'), { headers });
      assert.equal(res.status, 404);
      assert.deepEqual(Object.keys(res.json ?? {}), ['flag', 'title', 'message', 'body'], res.describe());
      assert.equal(res.json.flag, false);
    }
  });

  test('the gateway\'s "/" is still its web page', async () => {
    const res = await request('GET', gw.url('/'), { headers: { accept: BROWSER } });
    assert.equal(res.status, 200);
    assert.match(res.text, /gateway\/app.js/);
  });
});
