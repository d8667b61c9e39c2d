// Cookies a third party can plant. A sibling site (another host under the
// same registrable domain, or plain http on this host) can set cookies that
// the browser then sends here; SameSite does not stop it, being same-site.
// So: under an https issuer the server's cookies are named "__Host-…" (the
// browser keeps those only when Secure, Path=/, without Domain and set by this
// host itself), and cookies without the prefix are ignored; and a form's CSRF
// token is bound to the session by the server's key, so a cookie and token
// pair that an attacker got for himself and planted in a victim's browser
// buys nothing there. Under an http issuer the names stay as they were.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import { formData, postForms } from './lib/html.mjs';
import { AUTHORIZE_PATH, CookieJar, parseSetCookie, request, setup, useGatehouse } from './lib/harness.mjs';

const plain = useGatehouse({ label: 'http issuer' });
const secure = useGatehouse({ label: 'https issuer', issuer: 'https://login.example' });

const REDIRECT = 'https://rp.example/cb';
const CLIENT = { id: 'rp-cookies', secret: 'rp-cookies-secret-0123456789', redirectUris: REDIRECT };
const VICTIM = { username: 'victor', password: 'v_ictor-Pass-1234', email: 'victor@example.com', nickname: 'vic' };
const ATTACKER = { username: 'mallory', password: 'm_allory-Pass-1234', email: 'mallory@example.com', nickname: 'mal' };
const users = new Map();

setup(async () => {
  for (const gh of [plain, secure]) {
    await gh.addClient(CLIENT);
    users.set(gh, { victim: await gh.addUser(VICTIM), attacker: await gh.addUser(ATTACKER) });
  }
});

const params = (extra = {}) => ({ client_id: CLIENT.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile', state: 'st-cookies', ...extra });

async function send(gh, jar, method, fields) {
  const url = method === 'GET' ? gh.authorizeUrl(fields) : gh.url(AUTHORIZE_PATH);
  const res = await request(method, url, { headers: jar.headers(), body: method === 'POST' ? new URLSearchParams(fields) : undefined });
  jar.take(res);
  return res;
}

/** The page's one form (the sign-in page's passkey form aside: an https issuer has passkeys). */
function onlyForm(res, what) {
  assert.equal(res.status, 200, `${what}: ${res.describe()}`);
  const forms = postForms(res.text).filter((f) => !f.inputs.some((i) => i.name === 'step' && i.value === 'passkey'));
  assert.equal(forms.length, 1, `${what}: one form`);
  return forms[0];
}

/** A browser signed in as user at gh (consent given for params()). */
async function signedIn(gh, user) {
  const r = await gh.obtainCode({ id: CLIENT.id, redirectUri: REDIRECT }, user, { state: 'st-cookies' });
  return r.jar;
}

/** The cookie and login-form token pair gh hands to a fresh browser (the attacker's own). */
async function genuinePair(gh) {
  const jar = new CookieJar();
  const form = onlyForm(await send(gh, jar, 'GET', params()), 'attacker login page');
  const [[name, value]] = [...jar.entries()];
  return { name, value, token: form.inputs.find((i) => i.name === 'csrf').value, form };
}

function assertRefused(res, what) {
  assert.equal(res.status, 403, `${what}: ${res.describe()}`);
  assert.equal(res.header('location'), undefined, `${what}: no redirect, no code`);
  assert.equal(res.setCookies.filter((c) => /gh_session=[^;]/.test(c)).length, 0, `${what}: no session`);
}

test('under an https issuer every cookie of the server is __Host-: Secure, Path=/, no Domain', async () => {
  const jar = new CookieJar();
  const seen = [];
  const login = await send(secure, jar, 'GET', params());
  seen.push(...login.setCookies);
  const form = onlyForm(login, 'login page');
  const after = await send(secure, jar, 'POST', formData(form, { username: VICTIM.username, password: VICTIM.password }));
  seen.push(...after.setCookies);
  const names = seen.map((c) => parseSetCookie(c).name).sort();
  assert.deepEqual(names, ['__Host-gh_csrf', '__Host-gh_session'], `cookies set: ${seen.join(' | ')}`);
  for (const line of seen) {
    assert.match(line, /;\s*Secure(;|$)/i, line);
    assert.match(line, /;\s*Path=\/(;|$)/i, line);
    assert.doesNotMatch(line, /;\s*Domain=/i, line);
    assert.match(line, /;\s*HttpOnly/i, line);
  }
  // the session works under its prefixed name: consent, then a code
  const consent = onlyForm(after, 'consent page');
  const done = await send(secure, jar, 'POST', formData(consent, {}, consent.buttons.find((b) => b.value === 'allow')));
  assert.equal(done.status, 302, done.describe());
  assert.ok(new URL(done.header('location')).searchParams.get('code'));
});

test('under an http issuer the names stay gh_session and gh_csrf', async () => {
  const jar = new CookieJar();
  const form = onlyForm(await send(plain, jar, 'GET', params()), 'login page');
  const after = await send(plain, jar, 'POST', formData(form, { username: VICTIM.username, password: VICTIM.password }));
  assert.deepEqual([...jar.entries().keys()].sort(), ['gh_csrf', 'gh_session'], after.setCookies.join(' | '));
});

test('https issuer: cookies planted without the __Host- prefix are ignored (no login CSRF, no session fixation)', async () => {
  // the attacker's own cookie and token, planted under the unprefixed name a sibling can set
  const pair = await genuinePair(secure);
  const victim = new CookieJar();
  victim.take({ setCookies: [`gh_csrf=${pair.value}`] });
  const data = formData(pair.form, { username: ATTACKER.username, password: ATTACKER.password });
  assertRefused(await send(secure, victim, 'POST', Object.fromEntries(data)), 'planted gh_csrf + its token');

  // the attacker's session id, planted as gh_session, signs the victim in as nobody
  const attacker = await signedIn(secure, users.get(secure).attacker);
  const fixated = new CookieJar();
  fixated.take({ setCookies: [`gh_session=${attacker.get('__Host-gh_session') ?? attacker.get('gh_session')}`] });
  const res = await send(secure, fixated, 'GET', params());
  assert.equal(res.status, 200, `the login page, not the attacker's session: ${res.describe()}`);
  assert.ok(onlyForm(res, 'login').inputs.some((i) => i.name === 'password'), 'asked to sign in');
});

for (const [label, gh] of [['http issuer', plain], ['https issuer', secure]]) {
  test(`${label}: a planted cookie and token pair does not pass a signed-in person's consent`, async () => {
    const { victim, attacker } = users.get(gh);
    const csrfName = gh === secure ? '__Host-gh_csrf' : 'gh_csrf';
    const browser = await signedIn(gh, victim);
    // the attacker's genuine pairs: before sign-in, and for his own session
    const pair = await genuinePair(gh);
    const own = await signedIn(gh, attacker);
    const ownConsent = onlyForm(await send(gh, own, 'GET', params({ scope: 'openid email', prompt: 'consent' })), 'attacker consent');
    const ownToken = ownConsent.inputs.find((i) => i.name === 'csrf').value;
    const forged = (token) => ({ ...params({ scope: 'openid profile email', prompt: 'consent' }), step: 'consent', decision: 'allow', csrf: token });
    browser.take({ setCookies: [`${csrfName}=${pair.value}`] }); // planted (http: by a sibling site)
    assertRefused(await send(gh, browser, 'POST', forged(pair.token)), `${label}: planted pre-sign-in pair`);
    assertRefused(await send(gh, browser, 'POST', forged(ownToken)), `${label}: the attacker's own session's token`);
    // a pair of the right shape made up outright
    const madeUp = crypto.randomBytes(32).toString('base64url');
    browser.take({ setCookies: [`${csrfName}=${madeUp}`] });
    assertRefused(await send(gh, browser, 'POST', forged(crypto.randomBytes(32).toString('hex'))), `${label}: made-up pair`);
    // the victim's own consent page still works
    const mine = onlyForm(await send(gh, browser, 'GET', params({ scope: 'openid email', prompt: 'consent' })), 'own consent');
    const ok = await send(gh, browser, 'POST', formData(mine, {}, mine.buttons.find((b) => b.value === 'allow')));
    assert.equal(ok.status, 302, ok.describe());
    assert.ok(new URL(ok.header('location')).searchParams.get('code'), 'the real form passes');
  });
}
