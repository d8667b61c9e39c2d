// Passkeys against crafted requests (issue 20 items 3 and 7): a software
// authenticator in node (lib/webauthn.mjs) registers through the JSON
// endpoints and signs in through the sign-in page's passkey form, then bends
// one thing at a time: a replayed challenge, another origin, another rpIdHash,
// malformed CBOR, an oversized attestation object, a forged signature, an
// unknown credential, another member's user handle, a counter that goes back,
// a challenge from another browser. Each gets a clear refusal (JSON at the
// endpoints, the sign-in page saying so at the form), nothing is stored, no
// session starts, and the server keeps answering. The good sign-in goes on to
// the token, whose id_token says how (amr).
//
// The issuer is http://localhost:PORT: WebAuthn takes no IP address as RP ID.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as oidc from 'openid-client';

import { CookieJar, Gatehouse, freePort, querySql, setup, useServer } from './lib/harness.mjs';
import { formData, postForms } from './lib/html.mjs';
import { SoftPasskey, cbor } from './lib/webauthn.mjs';

const port = await freePort();
const ORIGIN = `http://localhost:${port}`;
const gh = useServer(Object.assign(new Gatehouse({ issuer: ORIGIN }), { port }));

const REDIRECT = 'https://rp.example/cb';
let client, alice, bob, config;
let aliceJar, aliceCsrf;
const key = new SoftPasskey({ rpId: 'localhost', origin: ORIGIN });

/** fetch with localhost sent to 127.0.0.1, where the server listens (node may try ::1 alone). */
const loopbackFetch = (url, options) => fetch(url.replace('//localhost:', '//127.0.0.1:'), options);

const passkeyCount = () => Number(querySql(gh.db, 'SELECT count(*) FROM passkeys'));
const challengeCount = () => Number(querySql(gh.db, 'SELECT count(*) FROM passkey_challenges'));

/** A password sign-in in a fresh jar; resolves to { jar, csrf } of /account/passkeys. */
async function signedIn(user) {
  const r = await gh.authorize({ client_id: client.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' }, { username: user.username, password: user.password });
  assert.ok(r.redirect, r.response?.describe());
  const page = await gh.get('/account/passkeys', { headers: r.jar.headers() });
  assert.equal(page.status, 200, page.describe());
  const csrf = /data-csrf="([^"]+)"/.exec(page.text)[1];
  return { jar: r.jar, csrf };
}

async function postJson(path, jar, fields) {
  const res = await gh.post(path, new URLSearchParams(fields), { headers: jar.headers() });
  jar.take(res);
  assert.equal(res.header('cache-control'), 'no-store', `${path} answers no-store`);
  assert.match(res.header('content-type'), /application\/json/);
  return { status: res.status, body: JSON.parse(res.text) };
}

setup(async () => {
  client = await gh.addClient({ id: 'rp-passkeys', secret: 'rp-passkeys-secret-0123456789', redirectUris: REDIRECT, scope: 'openid profile' });
  alice = await gh.addUser({ username: 'alice', password: 'correct horse 7', email: 'alice@example.com', nickname: 'ali' });
  bob = await gh.addUser({ username: 'bob', password: 'battery staple 8', email: 'bob@example.com', nickname: 'bob' });
  config = await oidc.discovery(new URL(ORIGIN), client.id, { client_secret: client.secret }, oidc.ClientSecretPost(client.secret), {
    execute: [oidc.allowInsecureRequests],
    [oidc.customFetch]: loopbackFetch,
  });
  ({ jar: aliceJar, csrf: aliceCsrf } = await signedIn(alice));
});

async function registerOptions(jar = aliceJar, csrf = aliceCsrf) {
  const r = await postJson('/auth/passkey/register/options', jar, { csrf });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

function register(fields, jar = aliceJar, csrf = aliceCsrf) {
  return postJson('/auth/passkey/register', jar, { csrf, name: 'Laptop', ...fields });
}

/** Asserts a JSON refusal that names why, and that nothing was stored. */
function refused(r, status, why) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(typeof r.body.error, 'string');
  assert.match(r.body.error_description, why);
}

test('registration: the options ask for a discoverable credential, ES256 or RS256, attestation none', async () => {
  const o = await registerOptions();
  assert.equal(o.rp.id, 'localhost');
  assert.equal(Buffer.from(o.user.id, 'base64url').toString(), alice.sub);
  assert.equal(o.user.name, 'alice');
  assert.deepEqual(o.pubKeyCredParams.map((p) => p.alg), [-7, -8, -257]);
  assert.equal(o.authenticatorSelection.residentKey, 'required');
  assert.equal(o.authenticatorSelection.userVerification, 'preferred');
  assert.equal(o.attestation, 'none');
  assert.equal(Buffer.from(o.challenge, 'base64url').length, 32);
});

test('registration: bad input is refused with a clear JSON error and nothing is stored', async () => {
  const before = passkeyCount();
  const other = new SoftPasskey({ rpId: 'localhost', origin: ORIGIN });
  refused(await register(other.registration(await registerOptions(), { origin: 'https://evil.example' })), 400, /origin/);
  refused(await register(other.registration(await registerOptions(), { rpId: 'evil.example' })), 400, /rpIdHash/);
  refused(await register(other.registration(await registerOptions(), { attestation: Buffer.from([0xa3, 0x63, 0x66, 0x6d]) })), 400, /CBOR/);
  refused(await register(other.registration(await registerOptions(), { attestation: cbor({ fmt: 'none', attStmt: {}, authData: Buffer.alloc(10) }) })), 400, /authenticator data/);
  refused(await register({ ...other.registration(await registerOptions()), attestation_object: 'A'.repeat(30000) }), 413, /attestation_object is too large/);
  /* a challenge nobody issued, or one issued to another browser */
  const forged = other.registration({ challenge: Buffer.alloc(32, 7).toString('base64url'), user: { id: 'eA' } });
  refused(await register(forged), 400, /challenge/);
  const bobs = await signedIn(bob);
  const bobOptions = await registerOptions(bobs.jar, bobs.csrf);
  refused(await register(other.registration(bobOptions)), 400, /challenge/);
  refused(await register({ ...other.registration(await registerOptions()), name: 'x'.repeat(65) }), 400, /name must be 1 to 64 characters/);
  refused(await register({ ...other.registration(await registerOptions()), name: 'a\u0007b' }), 400, /name/);
  /* no CSRF token, or another session's */
  refused(await postJson('/auth/passkey/register/options', aliceJar, {}), 403, /expired/);
  refused(await postJson('/auth/passkey/register/options', aliceJar, { csrf: bobs.csrf }), 403, /expired/);
  /* signed out */
  refused(await postJson('/auth/passkey/register/options', new CookieJar(), { csrf: aliceCsrf }), 403, /expired/);
  assert.equal(passkeyCount(), before, 'nothing stored');
  assert.equal((await gh.get('/healthz')).status, 200, 'the server keeps going');
});

test('registration: a good one is stored once, and its challenge cannot be replayed', async () => {
  const before = passkeyCount();
  const fields = key.registration(await registerOptions());
  const r = await register(fields);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { registered: true, name: 'Laptop' });
  assert.equal(passkeyCount(), before + 1);
  refused(await register(fields), 400, /challenge/);
  assert.equal(passkeyCount(), before + 1);
  /* the same credential again, under a fresh challenge */
  refused(await register(key.registration(await registerOptions())), 409, /registered already/);
  /* it is excluded from the next registration */
  const o = await registerOptions();
  assert.deepEqual(o.excludeCredentials.map((c) => c.id), [key.credentialId]);
  assert.deepEqual(o.excludeCredentials[0].transports, ['internal']);
});

test('registration: a name is counted in characters (64 Korean ones fit)', async () => {
  const name = '회사'.repeat(32);
  const r = await register({ ...new SoftPasskey({ rpId: 'localhost', origin: ORIGIN }).registration(await registerOptions()), name });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.name, name);
});

/** The sign-in page of a new authorization request in jar: its passkey form. */
async function passkeyForm(jar, params) {
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile', ...params });
  const page = await gh.get(url.pathname + url.search, { headers: jar.headers() });
  jar.take(page);
  assert.equal(page.status, 200, page.describe());
  const form = postForms(page.text).find((f) => f.inputs.some((i) => i.name === 'step' && i.value === 'passkey'));
  assert.ok(form, 'the sign-in page offers a passkey');
  return form;
}

async function loginChallenge(jar, form) {
  const csrf = form.inputs.find((i) => i.name === 'csrf').value;
  const r = await postJson('/auth/passkey/login/options', jar, { csrf });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.allowCredentials, []);
  assert.equal(r.body.rpId, 'localhost');
  return r.body.challenge;
}

async function postAssertion(jar, form, fields) {
  const res = await gh.post('/auth/authorize', formData(form, fields), { headers: jar.headers() });
  jar.take(res);
  return res;
}

/** A passkey sign-in in a fresh browser: the answer, and the jar. */
async function passkeySignIn(make, params = {}) {
  const jar = new CookieJar();
  const form = await passkeyForm(jar, { state: 'st', ...params });
  const challenge = await loginChallenge(jar, form);
  const res = await postAssertion(jar, form, make(challenge));
  return { res, jar };
}

function refusedPage(res) {
  assert.equal(res.status, 401, res.describe());
  assert.match(res.text, /That passkey could not sign you in/);
  assert.ok(!res.setCookies.some((c) => /^gh_session=[^;]/.test(c)), 'no session starts');
}

test('sign-in: a passkey signs in passwordless, through consent to the token, amr hwk user mfa', async () => {
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const { res, jar } = await passkeySignIn((c) => key.assertion(c), { state, nonce });
  assert.equal(res.status, 200, res.describe());
  const consent = postForms(res.text).find((f) => f.buttons.some((b) => b.name === 'decision'));
  assert.ok(consent, 'the consent page follows');
  const allow = consent.buttons.find((b) => b.value === 'allow');
  const back = await gh.post('/auth/authorize', formData(consent, {}, allow), { headers: jar.headers() });
  assert.equal(back.status, 302, back.describe());
  const tokens = await oidc.authorizationCodeGrant(config, new URL(back.header('location')), { expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  const claims = tokens.claims();
  assert.equal(claims.sub, alice.sub);
  assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
  assert.equal(Number(querySql(gh.db, `SELECT sign_count FROM passkeys WHERE credential_id = '${key.credentialId}'`)), key.count);
});

test('sign-in: replayed, forged, foreign and cloned assertions are refused; nothing changes', async () => {
  const count = () => querySql(gh.db, `SELECT sign_count || ' ' || last_used_at FROM passkeys WHERE credential_id = '${key.credentialId}'`);
  const before = count();
  /* the same assertion twice: its challenge is used up */
  const jar = new CookieJar();
  const form = await passkeyForm(jar, { state: 'st' });
  const fields = key.assertion(await loginChallenge(jar, form));
  const first = await postAssertion(jar, form, fields);
  assert.equal(first.status, 302, first.describe());
  const after = count();
  /* the same browser before its session (its CSRF cookie alone), so that only the challenge can refuse */
  const replay = new CookieJar();
  replay.take({ setCookies: [`gh_csrf=${jar.get('gh_csrf')}`] });
  refusedPage(await postAssertion(replay, form, fields));
  /* one thing bent at a time */
  refusedPage((await passkeySignIn((c) => key.assertion(c, { origin: 'https://evil.example' }))).res);
  refusedPage((await passkeySignIn((c) => key.assertion(c, { rpId: 'evil.example' }))).res);
  refusedPage((await passkeySignIn((c) => key.assertion(c, { tamper: true }))).res);
  refusedPage((await passkeySignIn((c) => key.assertion(c, { flags: 0x04 }))).res); /* no UP */
  refusedPage((await passkeySignIn((c) => key.assertion(c, { count: 1 }))).res); /* the counter goes back */
  const stored = Number(after.split(' ')[0]);
  refusedPage((await passkeySignIn((c) => key.assertion(c, { count: stored }))).res); /* or stays */
  refusedPage((await passkeySignIn((c) => key.assertion(c, { userId: Buffer.from(bob.sub) }))).res);
  refusedPage((await passkeySignIn((c) => key.assertion(c, { userId: null }))).res); /* discoverable: user handle required */
  const stranger = new SoftPasskey({ rpId: 'localhost', origin: ORIGIN });
  stranger.userId = Buffer.from(alice.sub);
  refusedPage((await passkeySignIn((c) => stranger.assertion(c))).res); /* unknown credential */
  refusedPage((await passkeySignIn(() => key.assertion(Buffer.alloc(32, 1).toString('base64url')))).res); /* no such challenge */
  refusedPage((await passkeySignIn(() => ({ ...key.assertion('x'), client_data: Buffer.from('{"type":').toString('base64url') }))).res);
  /* a challenge another browser asked for */
  const other = new CookieJar();
  const otherChallenge = await loginChallenge(other, await passkeyForm(other, { state: 'st' }));
  refusedPage((await passkeySignIn(() => key.assertion(otherChallenge))).res);
  assert.notEqual(after, before, 'the good sign-in moved the counter');
  assert.equal(count(), after, 'no refusal changed the stored counter');
  assert.equal((await gh.get('/healthz')).status, 200, 'the server keeps going');
});

test('challenges: an options request leaves one short-lived row, taken by its use', async () => {
  const before = challengeCount();
  const jar = new CookieJar();
  const form = await passkeyForm(jar, { state: 'st' });
  const challenge = await loginChallenge(jar, form);
  assert.equal(challengeCount(), before + 1);
  const ttl = Number(querySql(gh.db, 'SELECT max(expires_at) FROM passkey_challenges')) - Math.floor(Date.now() / 1000);
  assert.ok(ttl > 0 && ttl <= 300, `challenge lives ${ttl} s`);
  assert.equal((await postAssertion(jar, form, key.assertion(challenge))).status, 302);
  assert.equal(challengeCount(), before);
});

test('the passkeys page lists, and removes only the member\'s own', async () => {
  const page = await gh.get('/account/passkeys', { headers: aliceJar.headers() });
  assert.equal(page.headers?.['cache-control'] ?? page.header('cache-control'), 'no-store');
  assert.match(page.text, /Laptop/);
  const bobs = await signedIn(bob);
  const byBob = await gh.post('/account/passkeys', new URLSearchParams({ csrf: bobs.csrf, remove: key.credentialId }), { headers: bobs.jar.headers() });
  assert.equal(byBob.status, 303);
  assert.equal(passkeyCount() > 0, true);
  assert.match((await gh.get('/account/passkeys', { headers: aliceJar.headers() })).text, /Laptop/, 'bob cannot remove alice\'s passkey');
  const noCsrf = await gh.post('/account/passkeys', new URLSearchParams({ remove: key.credentialId }), { headers: aliceJar.headers() });
  assert.equal(noCsrf.status, 403);
  const mine = await gh.post('/account/passkeys', new URLSearchParams({ csrf: aliceCsrf, remove: key.credentialId }), { headers: aliceJar.headers() });
  assert.equal(mine.status, 303);
  assert.doesNotMatch((await gh.get('/account/passkeys', { headers: aliceJar.headers() })).text, /Laptop/);
  refusedPage((await passkeySignIn((c) => key.assertion(c))).res);
  assert.equal((await gh.get('/account/passkeys')).status, 401, 'signed out: sign in first');
});
