// Second factors (issue 20, docs/mfa.md): TOTP enrolment at /account/mfa,
// sign-in with a code checked by an independent implementation (otplib),
// each code once and ±1 step, wrong codes throttled, recovery codes, the
// policies (a client's --require-mfa, acr_values, prompt=login, max_age,
// step-up), the id_token's amr and acr (openid-client), the CLI, bad input.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as oidc from 'openid-client';
import { generate, generateSecret } from 'otplib';

import { AUTHORIZE_PATH, CookieJar, querySql, setup, sleep, useGatehouse } from './lib/harness.mjs';
import { formData, postForms, visibleText } from './lib/html.mjs';

const gh = useGatehouse();

const REDIRECT = 'https://rp.example/cb';
const MFA = '/account/mfa';

let client;
let strict; /* --require-mfa */
let config;
let strictConfig;

setup(async () => {
  client = await gh.addClient({ id: 'rp-mfa', secret: 'rp-mfa-secret-0123456789', redirectUris: REDIRECT });
  strict = await gh.addClient({ id: 'rp-strict', secret: 'rp-strict-secret-0123456789', redirectUris: REDIRECT, requireMfa: true });
  const discover = (c) =>
    oidc.discovery(new URL(gh.base), c.id, { client_secret: c.secret }, oidc.ClientSecretPost(c.secret), { execute: [oidc.allowInsecureRequests] });
  config = await discover(client);
  strictConfig = await discover(strict);
});

let users = 0;
async function newUser() {
  users += 1;
  return gh.addUser({ username: `mfa${users}`, password: `pass-word-${users}-x`, email: `m${users}@example.com`, nickname: `m${users}` });
}

/** The TOTP code of secret `offset` steps from now (otplib, not our code). */
const totp = (secret, offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * offset });

/** Waits, when needed, so that the next 8 seconds stay inside one 30-second step. */
async function freshStep() {
  const into = (Date.now() / 1000) % 30;
  if (into > 22) await sleep((30 - into) * 1000 + 200);
}

/** A browser with a password session (amr pwd), from a sign-in at client's. */
async function signedIn(user, jar = new CookieJar(), c = client) {
  const r = await gh.authorize({ client_id: c.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' }, { username: user.username, password: user.password, jar });
  assert.ok(r.redirect, r.response.describe());
  return jar;
}

/** Enrols TOTP through /account/mfa; resolves to { secret, codes, page }. */
async function enrol(jar) {
  const page = await gh.get(MFA, { headers: jar.headers() });
  assert.equal(page.status, 200, page.describe());
  const secret = /<code id="totp-key">([A-Z2-7]+)<\/code>/.exec(page.text)?.[1];
  assert.ok(secret, 'the key is on the page as base32 text');
  const [form] = postForms(page.text);
  await freshStep();
  const done = await gh.post(MFA, new URLSearchParams(formData(form, { otp: await totp(secret) })), { headers: jar.headers() });
  assert.equal(done.status, 200, done.describe());
  const codes = [...done.text.matchAll(/<li><code>([0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
  return { secret, codes, page };
}

/** Enrols a confirmed TOTP with the CLI (no step used yet); resolves to its secret. */
async function cliEnrol(user) {
  const r = await gh.cli(['user', 'mfa', user.username, '--add-totp']);
  assert.equal(r.code, 0, r.stderr);
  return new URL(r.stdout.trim()).searchParams.get('secret');
}

/** The second-factor form on a page, or null. */
function mfaForm(res) {
  const forms = postForms(res.text);
  return forms.length === 1 && forms[0].inputs.some((i) => i.name === 'otp') ? forms[0] : null;
}

/** Walks an authorization with openid-client; resolves to the walk and, when it came back with a code, the id_token's claims. */
async function flow(user, { jar = new CookieJar(), otp, cfg = config, extra = {} } = {}) {
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(cfg, { redirect_uri: REDIRECT, scope: 'openid', state, ...extra });
  const r = await gh.authorize(url.href, { username: user.username, password: user.password, otp, jar });
  if (!r.redirect || r.redirect.searchParams.get('error')) return { r };
  const tokens = await oidc.authorizationCodeGrant(cfg, r.redirect, { expectedState: state, idTokenExpected: true });
  return { r, claims: tokens.claims() };
}

/** Signs in up to the second-factor page; resolves to { jar, form }. */
async function pending(user) {
  const jar = new CookieJar();
  const r = await gh.authorize({ client_id: client.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' }, { username: user.username, password: user.password, jar });
  const form = mfaForm(r.response);
  assert.ok(form, `the second-factor page after the password: ${r.response.describe()}`);
  return { jar, form };
}

const postCode = (p, otp) => gh.post(AUTHORIZE_PATH, new URLSearchParams(formData(p.form, { otp })), { headers: p.jar.headers() });

test('enrolment: the QR code and the key, confirmed by a first code; then recovery codes, shown once', async () => {
  const user = await newUser();
  const anon = await gh.get(MFA);
  assert.equal(anon.status, 401, 'the page needs a session');
  const jar = await signedIn(user);
  const first = await gh.get(MFA, { headers: jar.headers() });
  assert.match(first.text, /<svg class="qr"[^>]*role="img"[^>]*>.*<path fill="#000" d="M/s, 'a QR code drawn as inline SVG');
  assert.equal(first.header('cache-control'), 'no-store');
  const again = await gh.get(MFA, { headers: jar.headers() });
  const key = (r) => /<code id="totp-key">([A-Z2-7]+)</.exec(r.text)[1];
  assert.equal(key(again), key(first), 'a reload shows the same key until it is confirmed');
  const [form] = postForms(first.text);
  const wrong = await gh.post(MFA, new URLSearchParams(formData(form, { otp: '000000' === (await totp(key(first))) ? '111111' : '000000' })), { headers: jar.headers() });
  assert.equal(wrong.status, 401);
  assert.match(wrong.text, /aria-invalid="true"/);
  const factors = await gh.cli(['user', 'mfa', user.username]);
  assert.match(factors.stdout, /^totp\tunconfirmed/m, 'not counted before the first code');
  const { codes } = await enrol(jar);
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  for (const c of codes) assert.match(c, /^\d{4}(-\d{4}){4}$/);
  const status = await gh.get(MFA, { headers: jar.headers() });
  assert.match(visibleText(status.text), /Recovery codes left: 10/);
  assert.doesNotMatch(status.text, new RegExp(codes[0]), 'codes are shown only once');
  const stored = querySql(gh.db, `SELECT secret FROM mfa_totp WHERE sub = '${user.sub}'`);
  assert.match(stored, /^v1\./, 'the secret is kept sealed');
  assert.ok(!stored.includes(key(first)));
});

test('sign-in asks for the code after the password; the id_token says amr pwd otp mfa and acr mfa', async () => {
  const user = await newUser();
  const { secret } = await enrol(await signedIn(user));
  const jar = new CookieJar();
  const stop = await flow(user, { jar });
  const form = mfaForm(stop.r.response);
  assert.ok(form, 'no code given: the walk stops at the second-factor page');
  assert.ok(form.inputs.some((i) => i.name === 'otp'));
  assert.match(stop.r.response.text, /<input id="otp" name="otp" type="text" inputmode="numeric" autocomplete="one-time-code"/);
  assert.equal(jar.get('gh_session'), undefined, 'no session before the second factor');
  const { claims } = await flow(user, { otp: await totp(secret, 1) }); /* the enrolment used this step */
  assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
  assert.equal(claims.acr, 'mfa');
});

test('a code is good once: a replay is refused, also when two requests race; ±1 step is accepted, ±3 not', async () => {
  const user = await newUser();
  await signedIn(user); /* consent given: a right code ends in the redirect */
  const secret = await cliEnrol(user);
  await freshStep();
  const before = await totp(secret, -1);
  const ok = await postCode(await pending(user), before);
  assert.equal(ok.status, 302, 'one step back is accepted');
  const replay = await postCode(await pending(user), before);
  assert.equal(replay.status, 401, 'the same code again is refused');
  assert.match(visibleText(replay.text), /not correct or was used already/);
  const far = await postCode(await pending(user), await totp(secret, -3));
  assert.equal(far.status, 401, 'three steps back is refused');
  const now = await totp(secret);
  const [a, b] = await Promise.all([pending(user), pending(user)]);
  const raced = await Promise.all([postCode(a, now), postCode(b, now)]);
  assert.deepEqual(raced.map((r) => r.status).sort(), [302, 401], 'of two requests with one code exactly one gets through');
  const ahead = await postCode(await pending(user), await totp(secret, 1));
  assert.equal(ahead.status, 302, 'one step ahead is accepted');
});

test('wrong codes are throttled like passwords: 429 with Retry-After, even for the right code', async () => {
  const user = await newUser();
  const { secret } = await enrol(await signedIn(user));
  const p = await pending(user);
  let last;
  for (let i = 0; i < 6; i++) last = await postCode(p, '999999' === (await totp(secret)) ? '888888' : '999999');
  assert.equal(last.status, 429, last.describe());
  assert.ok(Number(last.header('retry-after')) > 0);
  const right = await postCode(p, await totp(secret, 1));
  assert.equal(right.status, 429, 'locked: not even the right code is looked at');
});

test('recovery codes: each works once in place of a code, says how many are left; a new set replaces the old', async () => {
  const user = await newUser();
  const jar = await signedIn(user);
  const { codes } = await enrol(jar);
  const used = await postCode(await pending(user), codes[0].replaceAll('-', ' '));
  assert.equal(used.status, 200, used.describe());
  assert.match(visibleText(used.text), /Recovery codes left: 9/);
  const again = await postCode(await pending(user), codes[0]);
  assert.equal(again.status, 401, 'a recovery code works once');
  /* the page's link goes on with the authorization request, whose prompt=login and max_age the new session has met */
  const p = { jar: new CookieJar() };
  const start = await gh.authorize({ client_id: client.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's', prompt: 'login consent', max_age: '0' }, { username: user.username, password: user.password, jar: p.jar });
  p.form = mfaForm(start.response);
  const page = await postCode(p, codes[1]);
  const href = /<a class="button button-primary" href="([^"]+)"/.exec(page.text)[1].replaceAll('&amp;', '&');
  assert.match(href, /[?&]prompt=consent(&|$)/);
  assert.doesNotMatch(href, /max_age/);
  p.jar.take(page);
  const on = await gh.get(href, { headers: p.jar.headers() });
  const consent = postForms(on.text)[0];
  assert.ok(consent?.buttons.some((b) => b.name === 'decision'), `prompt=consent kept: ${on.describe()}`);
  /* a new set */
  const status = await gh.get(MFA, { headers: jar.headers() });
  const renewed = await gh.post(MFA, new URLSearchParams(formData(postForms(status.text)[0])), { headers: jar.headers() });
  const fresh = [...renewed.text.matchAll(/<li><code>([0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
  assert.equal(fresh.length, 10);
  assert.equal((await postCode(await pending(user), codes[2])).status, 401, 'the old set is gone');
  assert.equal((await postCode(await pending(user), fresh[0])).status, 200);
});

test("policy: a client's --require-mfa; a member without a factor gets unmet_authentication_requirements", async () => {
  const user = await newUser();
  const { r } = await flow(user, { cfg: strictConfig });
  assert.equal(r.redirect.searchParams.get('error'), 'unmet_authentication_requirements');
  const show = await gh.cli(['client', 'show', strict.id]);
  assert.match(show.stdout, /"require_mfa": true/);
  const enrolled = await newUser();
  const { secret } = await enrol(await signedIn(enrolled));
  const { claims } = await flow(enrolled, { cfg: strictConfig, otp: await totp(secret, 1) });
  assert.equal(claims.acr, 'mfa');
});

test('policy: acr_values=mfa steps up a password session (the code alone); voluntary for a member without a factor', async () => {
  const user = await newUser();
  const jar = await signedIn(user);
  const secret = await cliEnrol(user); /* the session still says pwd */
  const silent = await flow(user, { jar, extra: { acr_values: 'mfa', prompt: 'none' } });
  assert.equal(silent.r.redirect.searchParams.get('error'), 'interaction_required');
  const walk = await flow(user, { jar, otp: await totp(secret), extra: { acr_values: 'mfa' } });
  assert.deepEqual(walk.r.history.filter((h) => h.form).map((h) => h.form), ['mfa'], 'no password again: the second factor only');
  assert.deepEqual(walk.claims.amr, ['pwd', 'otp', 'mfa']);
  assert.equal(walk.claims.acr, 'mfa');
  const plain = await newUser();
  const { claims } = await flow(plain, { extra: { acr_values: 'mfa' } });
  assert.equal(claims.acr, 'pwd', 'acr_values is voluntary: the acr tells the truth');
});

test('policy: prompt=login and max_age ask for the password and the code again', async () => {
  const user = await newUser();
  const secret = await cliEnrol(user);
  await freshStep();
  const jar = new CookieJar();
  await flow(user, { jar, otp: await totp(secret, -1) });
  for (const [extra, offset] of [[{ prompt: 'login' }, 0], [{ max_age: '0' }, 1]]) {
    await sleep(1100);
    const walk = await flow(user, { jar, otp: await totp(secret, offset), extra });
    assert.deepEqual(walk.r.history.filter((h) => h.form).map((h) => h.form).slice(0, 2), ['login', 'mfa'], JSON.stringify(extra));
    assert.deepEqual(walk.claims.amr, ['pwd', 'otp', 'mfa']);
  }
  const d = (await gh.get('/.well-known/openid-configuration')).json;
  assert.deepEqual(d.acr_values_supported, ['pwd', 'mfa']);
  assert.ok(d.claims_supported.includes('acr'));
});

test('CLI: user mfa lists, --add-totp prints the otpauth:// URI once, --reset removes the factors and ends the sessions', async () => {
  const user = await newUser();
  const added = await gh.cli(['user', 'mfa', user.username, '--add-totp']);
  assert.equal(added.code, 0, added.stderr);
  const uri = new URL(added.stdout.trim());
  assert.equal(uri.protocol, 'otpauth:');
  const secret = uri.searchParams.get('secret');
  const listed = await gh.cli(['user', 'mfa', user.username]);
  assert.match(listed.stdout, /^totp\tconfirmed/m);
  assert.ok(!listed.stdout.includes(secret), 'the URI is printed once');
  await freshStep();
  const jar = new CookieJar();
  const { claims } = await flow(user, { jar, otp: await totp(secret) });
  assert.equal(claims.acr, 'mfa');
  const reset = await gh.cli(['user', 'mfa', user.username, '--reset']);
  assert.equal(reset.code, 0, reset.stderr);
  assert.equal((await gh.cli(['user', 'mfa', user.username])).stdout.trim(), 'FACTOR\tSTATE\tDETAIL');
  const after = await gh.get(MFA, { headers: jar.headers() });
  assert.equal(after.status, 401, 'the session was ended');
  const { claims: plain } = await flow(user);
  assert.deepEqual(plain.amr, ['pwd'], 'no factor, no second step');
  /* an authenticator set up elsewhere, imported */
  const imported = generateSecret();
  const withKey = await gh.cli(['user', 'mfa', user.username, '--add-totp', '--key-stdin'], { input: `${imported.toLowerCase()}\n` });
  assert.equal(withKey.code, 0, withKey.stderr);
  assert.equal(new URL(withKey.stdout.trim()).searchParams.get('secret'), imported);
  const { claims: again } = await flow(user, { otp: await totp(imported) });
  assert.equal(again.acr, 'mfa', 'the imported key signs in');
  const short = await gh.cli(['user', 'mfa', user.username, '--add-totp', '--key-stdin'], { input: 'JBSWY3DP\n' });
  assert.equal(short.code, 1, 'under 128 bits is refused');
  const usage = await gh.cli(['user', 'mfa', user.username, '--add-totp', '--reset']);
  assert.equal(usage.code, 2);
  const nobody = await gh.cli(['user', 'mfa', 'nobody-here']);
  assert.equal(nobody.code, 1);
});

test('bad input: malformed and huge codes, a wrong pending cookie: a clear answer, nothing used up', async () => {
  const user = await newUser();
  const { secret, codes } = await enrol(await signedIn(user));
  const p = await pending(user);
  for (const bad of ['12345', 'abcdef', '1234567', '１２３４５６', '123 456 7', '']) {
    const r = await postCode(p, bad);
    assert.equal(r.status, 400, `${JSON.stringify(bad)}: ${r.describe()}`);
    assert.match(visibleText(r.text), /6 digits from your authenticator app/);
  }
  const huge = await postCode(p, '1'.repeat(100000));
  assert.ok(huge.status === 400 || huge.status === 413, huge.describe());
  const forged = new CookieJar();
  forged.take({ setCookies: [`gh_mfa=${'A'.repeat(43)}; Path=/`] });
  for (const [k, v] of p.jar.entries()) if (k !== 'gh_mfa') forged.take({ setCookies: [`${k}=${v}; Path=/`] });
  const code = await totp(secret, 1); /* the enrolment used this step */
  const wrongCookie = await postCode({ form: p.form, jar: forged }, code);
  assert.equal(wrongCookie.status, 403, 'another pending cookie: the form has expired');
  assert.ok(postForms(wrongCookie.text)[0].inputs.some((i) => i.name === 'password'), 'back to the sign-in form');
  assert.equal((await postCode(p, code)).status, 302, 'the code was not used up by the refused request');
  const left = await gh.cli(['user', 'mfa', user.username]);
  assert.match(left.stdout, /recovery\tconfirmed\t10 left/, `${codes.length} codes, none used`);
});

test('the device page asks for the second factor too', async () => {
  const user = await newUser();
  const { secret } = await enrol(await signedIn(user));
  const dc = await gh.addClient({ id: 'tv-mfa', secret: 'tv-mfa-secret-0123456789', redirectUris: REDIRECT, grants: ['urn:ietf:params:oauth:grant-type:device_code'] });
  const start = (await gh.deviceAuthorize({ client_id: dc.id, client_secret: dc.secret, scope: 'openid' })).json;
  const stop = await gh.device(start.verification_uri_complete, { username: user.username, password: user.password });
  assert.ok(mfaForm(stop.response), 'the second-factor page after the password');
  const done = await gh.device(start.verification_uri_complete, { username: user.username, password: user.password, otp: await totp(secret, 1) });
  assert.match(visibleText(done.response.text), /Your device is now signed in/);
  const tokens = await gh.token({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: start.device_code, client_id: dc.id, client_secret: dc.secret });
  assert.equal(tokens.status, 200, tokens.describe());
  const idToken = JSON.parse(Buffer.from(tokens.json.id_token.split('.')[1], 'base64url'));
  assert.deepEqual(idToken.amr, ['pwd', 'otp', 'mfa'], "the device's id_token says how the person signed in");
  assert.equal(idToken.acr, 'mfa');
  /* a session with the password alone of a member who has a factor: a step-up */
  const later = await newUser();
  const jar = await signedIn(later);
  const key = await cliEnrol(later);
  const page = await gh.get('/auth/device', { headers: jar.headers() });
  const form = mfaForm(page);
  assert.ok(form, `the second factor before any code is taken: ${page.describe()}`);
  const stepped = await gh.post('/auth/device', new URLSearchParams(formData(form, { otp: await totp(key) })), { headers: jar.headers() });
  jar.take(stepped);
  assert.ok(postForms(stepped.text)[0].inputs.some((i) => i.name === 'user_code' && i.type !== 'hidden'), 'then the code form');
});

test("the account page's own sign-in asks a member with a factor for the code too; the password alone opens nothing", async () => {
  const user = await newUser();
  const secret = await cliEnrol(user);
  const jar = new CookieJar();
  const page = await gh.get('/account', { headers: jar.headers() });
  jar.take(page);
  const [login] = postForms(page.text);
  assert.ok(login && login.inputs.some((i) => i.name === 'password'), page.describe());
  const afterPassword = await gh.post(login.action, new URLSearchParams(formData(login, { username: user.username, password: user.password })), { headers: jar.headers() });
  jar.take(afterPassword);
  const form = mfaForm(afterPassword);
  assert.ok(form, `the second-factor page, not the account: ${afterPassword.describe()}`);
  assert.equal(form.action, '/account/login');
  /* the pending sign-in is not a session: /account still asks for the password */
  const meanwhile = await gh.get('/account', { headers: jar.headers() });
  assert.ok(postForms(meanwhile.text).some((f) => f.inputs.some((i) => i.name === 'password')), 'still signed out');
  await freshStep();
  const wrong = await gh.post(form.action, new URLSearchParams(formData(form, { otp: (await generate({ secret })) === '000000' ? '111111' : '000000' })), { headers: jar.headers() });
  assert.equal(wrong.status, 401, wrong.describe());
  const done = await gh.post(form.action, new URLSearchParams(formData(form, { otp: await generate({ secret }) })), { headers: jar.headers() });
  assert.equal(done.status, 303, done.describe());
  assert.equal(done.header('location'), '/account');
  jar.take(done);
  const account = await gh.get('/account', { headers: jar.headers() });
  assert.equal(account.status, 200);
  assert.match(visibleText(account.text), new RegExp(user.username));
  assert.ok(!postForms(account.text).some((f) => f.inputs.some((i) => i.name === 'password' && !f.action.includes('password'))), 'signed in');
});

test('audit: a confirmed enrolment, a new set of recovery codes and a recovery code used are audit events', async () => {
  const user = await newUser();
  const rows = (action) => querySql(gh.db, `SELECT details FROM events WHERE action = '${action}' AND target = '${user.sub}' AND actor = '${user.sub}'`);
  const { codes } = await enrol(await signedIn(user));
  assert.match(rows('mfa.enroll'), /"method":\s*"totp"/);
  assert.equal(rows('mfa.recovery_new').split('\n').length, 1, 'the first set');
  assert.equal(rows('mfa.recovery_used'), '');
  assert.equal((await postCode(await pending(user), codes[0])).status, 200);
  assert.match(rows('mfa.recovery_used'), /"left":\s*"9"/);
});
