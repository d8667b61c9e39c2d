// response_mode=form_post (OAuth 2.0 Form Post Response Mode): the answer of
// the authorization endpoint, a code or an error, goes back to the verified
// redirect URI in an auto-submitted HTML form. openid-client 6 redeems the
// code from the posted form; chromium shows that the page submits itself
// under the page's Content-Security-Policy, and that without JavaScript the
// Continue button does the same.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';

import * as oidc from 'openid-client';

import { CookieJar, setup, useGatehouse } from './lib/harness.mjs';
import { parseForms } from './lib/html.mjs';
import { latinOnlySentences, openPage, seriousViolations, useBrowser } from './lib/browser.mjs';

const gh = useGatehouse();
const chromium = useBrowser();

let client, user, rp;

/** The relying party's callback on loopback: records what is posted to /cb. */
async function callbackServer() {
  const posts = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'POST') posts.push({ method: req.method, type: req.headers['content-type'], body: new URLSearchParams(body) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('received');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/cb`, posts, close: () => new Promise((r) => server.close(r)) };
}

setup(async () => {
  rp = await callbackServer();
  client = await gh.addClient({ id: 'fp', secret: 'fp-secret-0123456789', redirectUris: [rp.url] });
  user = await gh.addUser({ username: 'lee', password: 'correct horse 7', email: 'lee@example.com', nickname: 'lee' });
});

after(() => rp?.close());

function params(extra = {}) {
  return { client_id: client.id, redirect_uri: rp.url, response_type: 'code', scope: 'openid profile', state: 'st-1', response_mode: 'form_post', ...extra };
}

/** The one form of a form_post page, as { action, fields }. */
function postedForm(res) {
  assert.equal(res.status, 200, res.describe());
  assert.match(res.header('content-type'), /^text\/html/);
  const forms = parseForms(res.text);
  assert.equal(forms.length, 1);
  const [form] = forms;
  assert.equal(form.method, 'post');
  return { action: form.action, fields: Object.fromEntries(form.inputs.map((i) => [i.name, i.value])), form };
}

test('metadata lists form_post', async () => {
  const d = (await gh.get('/.well-known/openid-configuration')).json;
  assert.deepEqual(d.response_modes_supported, ['query', 'form_post']);
});

test('the code comes back in a posted form, and openid-client redeems it from there', async () => {
  const config = await oidc.discovery(new URL(gh.base), client.id, client.secret, undefined, { execute: [oidc.allowInsecureRequests] });
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: rp.url, scope: 'openid profile', state: 'st-2', nonce, response_mode: 'form_post' });
  const r = await gh.authorize(url.href, { username: user.username, password: user.password, jar: new CookieJar() });
  assert.equal(r.redirect, null, 'no redirect: a page');
  const { action, fields, form } = postedForm(r.response);
  assert.equal(action, rp.url);
  assert.deepEqual(Object.keys(fields).sort(), ['code', 'iss', 'state']);
  assert.equal(fields.state, 'st-2');
  assert.equal(fields.iss, gh.base);
  assert.equal(form.buttons.length, 1, 'a Continue button for browsers without script');
  assert.match(r.response.text, /<noscript>[\s\S]*<button[\s\S]*<\/noscript>/);
  assert.match(r.response.text, /<script src="\/static\/form_post\.js"><\/script>/);
  const csp = r.response.header('content-security-policy');
  assert.match(csp, /default-src 'self'/, 'the script is of our own origin');
  assert.doesNotMatch(csp, /form-action/, 'the form may post to the client');
  const js = await gh.get('/static/form_post.js');
  assert.equal(js.status, 200);
  assert.match(js.header('content-type'), /javascript/);
  const callback = new Request(rp.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  const tokens = await oidc.authorizationCodeGrant(config, callback, { expectedState: 'st-2', expectedNonce: nonce });
  assert.ok(tokens.access_token && tokens.id_token);
});

test('errors after the redirect URI is verified are posted too', async () => {
  const r = await gh.authorize(params({ state: 'st-3', prompt: 'consent' }), { username: user.username, password: user.password, decision: 'deny', jar: new CookieJar() });
  const { action, fields } = postedForm(r.response);
  assert.equal(action, rp.url);
  assert.equal(fields.error, 'access_denied');
  assert.equal(fields.state, 'st-3');
  const bad = await gh.get(`/auth/authorize?${new URLSearchParams(params({ scope: 'openid admin' }))}`);
  assert.equal(postedForm(bad).fields.error, 'invalid_scope');
});

test('an unknown response_mode is refused in the default mode; an unverified redirect URI gets a page', async () => {
  const r = await gh.get(`/auth/authorize?${new URLSearchParams(params({ response_mode: 'fragment' }))}`);
  assert.equal(r.status, 302);
  const to = new URL(r.header('location'));
  assert.equal(to.origin + to.pathname, rp.url);
  assert.equal(to.searchParams.get('error'), 'invalid_request');
  const stray = await gh.get(`/auth/authorize?${new URLSearchParams(params({ redirect_uri: 'https://evil.example/cb' }))}`);
  assert.equal(stray.status, 400);
  assert.equal(parseForms(stray.text).some((f) => f.action.startsWith('https://evil')), false);
});

test('chromium: the page submits itself under its CSP; without JavaScript, Continue does it (en and ko)', async () => {
  const browser = await chromium();
  for (const [javaScript, lang] of [[true, 'en'], [false, 'en'], [false, 'ko']]) {
    const { context, page } = await openPage(browser, lang, { javaScript });
    const violations = [];
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
    const before = rp.posts.length;
    await page.goto(gh.authorizeUrl(params({ state: `st-js-${javaScript}-${lang}`, prompt: 'consent' })));
    await page.fill('input[name=username]', user.username);
    await page.fill('input[name=password]', user.password);
    await page.click('button[type=submit]');
    await page.click('button[name=decision][value=allow]');
    if (!javaScript) {
      const words = [await page.locator('h1').innerText(), await page.locator('form#form-post p').innerText(), await page.locator('form#form-post button').innerText()];
      if (lang === 'ko') assert.deepEqual(latinOnlySentences(words.join('\n')), [], 'ko: no English sentence left');
      else assert.doesNotMatch(words.join(' '), /\p{Script=Hangul}/u, 'en: English');
      await page.click('form#form-post button[type=submit]');
    }
    await page.waitForURL(rp.url);
    assert.equal(rp.posts.length, before + 1);
    const post = rp.posts.at(-1);
    assert.equal(post.method, 'POST');
    assert.equal(post.body.get('state'), `st-js-${javaScript}-${lang}`);
    assert.ok(post.body.get('code'));
    assert.deepEqual(violations, []);
    await context.close();
  }
});

test('chromium: axe finds nothing serious on the page (its script held back)', async () => {
  const browser = await chromium();
  for (const lang of ['en', 'ko']) {
    const { context, page } = await openPage(browser, lang);
    await page.route('**/static/form_post.js', (route) => route.abort());
    await page.goto(gh.authorizeUrl(params({ state: `st-axe-${lang}`, prompt: 'consent' })));
    await page.fill('input[name=username]', user.username);
    await page.fill('input[name=password]', user.password);
    await page.click('button[type=submit]');
    await page.click('button[name=decision][value=allow]');
    await page.locator('form#form-post').waitFor({ state: 'attached' });
    assert.deepEqual(await seriousViolations(page), [], lang);
    await context.close();
  }
});
