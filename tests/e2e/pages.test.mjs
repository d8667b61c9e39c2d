// The login and consent pages as a browser meets them: their forms, the CSRF
// check, the session cookie's attributes, anti-framing headers, output
// escaping, remembered consent, denial, and RFC 9207's iss on the redirect.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formData, inputValue, postForms, visibleText } from './lib/html.mjs';
import { CookieJar, assertPageHeaders, cookieDeletes, parseSetCookie, request, setup, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse();

let client;
let user;
let other;
const jar = new CookieJar(); // the signed-in browser, from the successful login on

setup(async () => {
  client = await gh.addClient({ id: 'rp-pages', secret: 'rp-pages-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await gh.addUser({ username: 'dora', password: 'd_ora-Pass-1234', email: 'dora@example.com', nickname: 'dee' });
  other = await gh.addUser({ username: 'eve', password: 'e_ve-Pass-1234', email: 'eve@example.com', nickname: 'evie' });
});

const params = (extra = {}) => ({
  scope: 'openid profile',
  response_type: 'code',
  state: 'st-pages',
  redirect_uri: client.redirectUri,
  client_id: client.id,
  ...extra,
});

function onlyPostForm(res, what) {
  assert.match(res.header('content-type') ?? '', /^text\/html/i, `${what}: ${res.describe()}`);
  const forms = postForms(res.text);
  assert.equal(forms.length, 1, `${what}: exactly one <form method="post">`);
  return forms[0];
}

/** GETs the authorize URL with browser b; asserts the login page; resolves to { res, form, action }. */
async function loginPage(b, extra) {
  const url = gh.authorizeUrl(params(extra));
  const res = await request('GET', url, { headers: b.headers() });
  b.take(res);
  assert.equal(res.status, 200, `login page: ${res.describe()}`);
  const form = onlyPostForm(res, 'login page');
  return { res, form, action: new URL(form.action || url, url).href };
}

async function postForm(b, action, data) {
  const res = await request('POST', action, { headers: b.headers(), body: data });
  b.take(res);
  return res;
}

/** A GET of the authorize URL with browser b still answers the login page. */
async function assertSignedOut(b, what) {
  const { form } = await loginPage(b);
  assert.ok(inputValue(form, 'password') !== undefined, `${what}: still the login page`);
}

function assertNoCodeLeaves(res, what) {
  assert.ok(res.status < 500, `${what}: ${res.describe()}`);
  const loc = res.header('location');
  if (loc) assert.equal(new URL(loc, gh.base).searchParams.get('code'), null, `${what}: no code`);
}

test('login page: one post form with username, password and a hidden csrf, and anti-framing headers', async () => {
  const { res, form } = await loginPage(new CookieJar());
  const by = (name) => form.inputs.find((i) => i.name === name);
  assert.ok(by('username'), 'username input');
  assert.equal(by('password')?.type, 'password');
  assert.equal(by('csrf')?.type, 'hidden');
  assert.ok(by('csrf').value.length >= 16, 'an unguessable csrf value');
  assertPageHeaders(res, 'login page');
});

test('a login POST without the csrf field does not sign in', async () => {
  const b = new CookieJar();
  const { form, action } = await loginPage(b);
  const data = formData(form, { username: user.username, password: user.password });
  data.delete('csrf');
  assertNoCodeLeaves(await postForm(b, action, data), 'no csrf');
  await assertSignedOut(b, 'no csrf');
});

test('a login POST with a wrong csrf value does not sign in', async () => {
  const b = new CookieJar();
  const { form, action } = await loginPage(b);
  const csrf = inputValue(form, 'csrf');
  const wrong = (csrf[0] === 'A' ? 'B' : 'A') + csrf.slice(1);
  assertNoCodeLeaves(await postForm(b, action, formData(form, { username: user.username, password: user.password, csrf: wrong })), 'wrong csrf');
  await assertSignedOut(b, 'wrong csrf');
});

test('a wrong password shows the login page again with an error, and no session', async () => {
  const b = new CookieJar();
  const first = await loginPage(b);
  const res = await postForm(b, first.action, formData(first.form, { username: user.username, password: 'not-the-password' }));
  assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), `wrong password: ${res.describe()}`);
  const form = onlyPostForm(res, 'login page after a wrong password');
  assert.ok(inputValue(form, 'password') !== undefined, 'the login form again');
  assertPageHeaders(res, 'login page after a wrong password');
  const before = visibleText(first.res.text);
  const after = visibleText(res.text);
  assert.notEqual(after, before, 'the page says something more than the first one');
  assert.match(after, /invalid|incorrect|wrong|fail|error|not match|unknown/i, `an error message: ${after.slice(0, 300)}`);
  await assertSignedOut(b, 'wrong password');
});

test('login sets an HttpOnly, SameSite=Lax session cookie; then the consent page', async () => {
  const { form, action } = await loginPage(jar);
  const held = jar.entries();
  let res = await postForm(jar, action, formData(form, { username: user.username, password: user.password }));
  const set = res.setCookies.map(parseSetCookie).filter((c) => !cookieDeletes(c));
  assert.ok(set.some((c) => held.get(c.name) !== c.value), `login sets a new cookie: ${res.setCookies}`);
  for (const c of set) {
    assert.equal(c.attrs.httponly, true, `cookie ${c.name} HttpOnly`);
    assert.equal(String(c.attrs.samesite).toLowerCase(), 'lax', `cookie ${c.name} SameSite=Lax`);
  }
  if (res.status === 303 || res.status === 302) {
    const next = new URL(res.header('location'), action);
    assert.equal(next.origin, gh.base, 'after login the browser stays on the server');
    res = await request('GET', next.href, { headers: jar.headers() });
    jar.take(res);
  }
  assert.equal(res.status, 200, `consent page: ${res.describe()}`);
  const consent = onlyPostForm(res, 'consent page');
  const values = consent.buttons.filter((b) => b.name === 'decision').map((b) => b.value).sort();
  assert.deepEqual(values, ['allow', 'deny']);
  assert.equal(consent.inputs.find((i) => i.name === 'csrf')?.type, 'hidden', 'consent form has a hidden csrf');
  assertPageHeaders(res, 'consent page');

  const url = res.url;
  const forged = formData(consent, {}, { name: 'decision', value: 'allow' });
  forged.delete('csrf');
  const action2 = new URL(consent.action || url, url).href;
  assertNoCodeLeaves(await postForm(jar, action2, forged), 'consent without csrf');

  const allowed = await postForm(jar, action2, formData(consent, {}, { name: 'decision', value: 'allow' }));
  assert.equal(allowed.status, 302, allowed.describe());
  const loc = new URL(allowed.header('location'));
  assert.equal(loc.origin + loc.pathname, client.redirectUri);
  assert.ok(loc.searchParams.get('code'), 'a code');
  assert.equal(loc.searchParams.get('state'), 'st-pages');
  assert.equal(loc.searchParams.get('iss'), gh.base, 'RFC 9207 iss');
});

test('consent is remembered for the same user, client and scopes; more scopes ask again', async () => {
  const res = await request('GET', gh.authorizeUrl(params({ state: 'st-again' })), { headers: jar.headers() });
  assert.equal(res.status, 302, `straight to the client: ${res.describe()}`);
  const loc = new URL(res.header('location'));
  assert.equal(loc.origin + loc.pathname, client.redirectUri);
  assert.ok(loc.searchParams.get('code'));
  assert.equal(loc.searchParams.get('state'), 'st-again');
  assert.equal(loc.searchParams.get('iss'), gh.base);

  const wider = await request('GET', gh.authorizeUrl(params({ scope: 'openid profile email' })), { headers: jar.headers() });
  assert.equal(wider.status, 200, `a wider scope needs consent: ${wider.describe()}`);
  const form = onlyPostForm(wider, 'consent for more scopes');
  assert.ok(form.buttons.some((b) => b.name === 'decision' && b.value === 'allow'), 'the consent page');
});

test('decision=deny redirects with error=access_denied, the state and iss, and no code', async () => {
  const r = await gh.authorize(params({ state: 'st-deny' }), { username: other.username, password: other.password, decision: 'deny' });
  assert.ok(r.redirect, `deny ends at the client: ${r.response.describe()}`);
  assert.deepEqual(r.history.filter((h) => h.form).map((h) => h.form), ['login', 'consent']);
  assert.equal(r.redirect.origin + r.redirect.pathname, client.redirectUri);
  assert.equal(r.redirect.searchParams.get('error'), 'access_denied');
  assert.equal(r.redirect.searchParams.get('state'), 'st-deny');
  assert.equal(r.redirect.searchParams.get('iss'), gh.base);
  assert.equal(r.redirect.searchParams.get('code'), null);
});

test('request values are escaped on the pages', async () => {
  const evil = '"><script>alert(1)</script><x a=\'';
  const { res } = await loginPage(new CookieJar(), { state: evil, login_hint: evil });
  assert.ok(!res.text.includes('<script>alert(1)</script>'), 'state and login_hint escaped on the login page');
  const bad = await gh.get(`/auth/authorize?${new URLSearchParams(params({ client_id: evil }))}`);
  assert.ok(bad.status >= 400, bad.describe());
  assert.ok(!bad.text.includes('<script>alert(1)</script>'), 'client_id escaped on the error page');
  if (/^text\/html/i.test(bad.header('content-type') ?? '')) assertPageHeaders(bad, 'error page');
});
