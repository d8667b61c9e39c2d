// Redirect URI rules (RFC 8252 §7.1 and §7.3, OAuth 2.1 §2.3.1): a native
// app, registered as a public client with a private-use scheme redirect URI
// (com.example.app:/cb), completes the code flow: the 302 goes to that URI,
// exactly as registered, with the code; the code buys tokens with PKCE. http
// redirect URIs are registered only for the loopback interface; a client
// stored before that rule is named at start (client_refused_today) and keeps
// working as registered.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import { codeGrant, querySql, randomString, setup, sleep, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse();

const NATIVE_REDIRECT = 'com.example.app:/oauth2redirect/gatehouse';
let native;
let user;

setup(async () => {
  native = await gh.addClient({ id: 'native-app', redirectUris: NATIVE_REDIRECT, isPublic: true, scope: 'openid profile' });
  user = await gh.addUser({ username: 'nadia', password: 'n_adia-Pass-1234', email: 'nadia@example.com', nickname: 'nad' });
});

test('a native app with a private-use scheme redirect URI gets its code there and redeems it', async () => {
  const verifier = randomString(32);
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const state = randomString();
  const r = await gh.authorize(
    { client_id: native.id, redirect_uri: NATIVE_REDIRECT, response_type: 'code', scope: 'openid profile', state, code_challenge: challenge, code_challenge_method: 'S256' },
    { username: user.username, password: user.password },
  );
  assert.ok(r.redirect, `a redirect to the app: ${r.response.describe()}`);
  const location = r.response.header('location');
  assert.equal(r.response.status, 302, r.response.describe());
  assert.ok(location.startsWith(`${NATIVE_REDIRECT}?`), `the registered URI, exactly: ${location}`);
  const back = new URL(location);
  assert.equal(back.protocol, 'com.example.app:');
  assert.equal(back.searchParams.get('state'), state);
  assert.equal(back.searchParams.get('iss'), gh.base);
  const code = back.searchParams.get('code');
  assert.ok(code, `a code in ${location}`);
  const res = await gh.token(codeGrant(native, code, { code_verifier: verifier }));
  assert.equal(res.status, 200, res.describe());
  assert.ok(res.json.access_token && res.json.id_token, 'tokens for the native app');
});

test('a private-use redirect URI other than the registered one gets an error page, not a redirect', async () => {
  const challenge = crypto.createHash('sha256').update(randomString(32)).digest('base64url');
  for (const uri of ['com.example.app:/oauth2redirect/other', 'com.evil.app:/oauth2redirect/gatehouse']) {
    const res = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: native.id, redirect_uri: uri, response_type: 'code', scope: 'openid', state: 's', code_challenge: challenge, code_challenge_method: 'S256' })}`);
    assert.equal(res.status, 400, `${uri}: ${res.describe()}`);
    assert.equal(res.header('location'), undefined, `${uri}: no redirect`);
  }
});

test('client add: http only on loopback, private-use schemes only for public clients', async () => {
  const refused = [
    [['--secret', 'web-secret-0123456789', '--redirect-uri', 'http://rp.example/cb'], /only for 127\.0\.0\.1/],
    [['--secret', 'web-secret-0123456789', '--redirect-uri', 'com.example.app:/cb'], /native apps/],
    [['--public', '--redirect-uri', 'myapp:/cb'], /not an absolute https URI/],
  ];
  for (const [args, why] of refused) {
    const r = await gh.cli(['client', 'add', '--id', 'refused', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, why, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
  assert.equal((await gh.cli(['client', 'show', 'refused'])).code, 1, 'nothing was registered');
  for (const uri of ['http://127.0.0.1:7777/cb', 'http://[::1]:7777/cb', 'http://localhost:7777/cb']) {
    const r = await gh.cli(['client', 'add', '--id', `loop-${randomString(4)}`, '--secret', 'loop-secret-0123456789', '--redirect-uri', uri]);
    assert.equal(r.code, 0, `${uri}: ${r.stderr}`);
  }
});

test('a loopback IP redirect URI accepts any port the app opened (RFC 8252 §7.3); localhost and other paths do not', async () => {
  const app = await gh.addClient({ id: 'loopback-app', redirectUris: ['http://127.0.0.1/oauth2/cb', 'http://localhost:7777/cb'], isPublic: true, scope: 'openid' });
  const verifier = randomString(32);
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const presented = 'http://127.0.0.1:51234/oauth2/cb';
  const params = { client_id: app.id, redirect_uri: presented, response_type: 'code', scope: 'openid', state: 'loop', code_challenge: challenge, code_challenge_method: 'S256' };
  const r = await gh.authorize(params, { username: user.username, password: user.password });
  assert.ok(r.redirect, `a redirect to the app's port: ${r.response.describe()}`);
  const back = new URL(r.response.header('location'));
  assert.equal(`${back.origin}${back.pathname}`, presented);
  const res = await gh.token(codeGrant(app, back.searchParams.get('code'), { code_verifier: verifier, redirect_uri: presented }));
  assert.equal(res.status, 200, res.describe());
  for (const uri of ['http://127.0.0.1:51234/oauth2/other', 'http://localhost:7778/cb', 'http://127.0.0.1:51234/oauth2/cb#f', 'http://[::1]:51234/oauth2/cb']) {
    const bad = await gh.get(`/auth/authorize?${new URLSearchParams({ ...params, redirect_uri: uri })}`);
    assert.equal(bad.status, 400, `${uri}: ${bad.describe()}`);
    assert.equal(bad.header('location'), undefined, `${uri}: no redirect`);
  }
});

test("a client stored before today's rules is named at start, with its member and why, and keeps working", async () => {
  const old = await gh.addClient({ id: 'old-rp', secret: 'old-rp-secret-0123456789', redirectUris: 'https://old.example/cb', scope: 'openid' });
  // what an older version let through: http on a host that is not loopback
  querySql(gh.db, `UPDATE clients SET redirect_uris = 'http://old.example/cb' WHERE id = '${old.id}'`);
  assert.equal(await gh.stop(), null);
  const from = gh.logSize();
  await gh.start();
  /* the check runs once the server listens, at its first chore (every 2 s) */
  const found = () => gh.logSince(from, Infinity).split('\n').filter((l) => l.includes('"event":"client_refused_today"'));
  for (let waited = 0; found().length === 0 && waited < 5000; waited += 100) await sleep(100);
  const warned = found().map((l) => JSON.parse(l));
  assert.equal(warned.length, 1, `one warning, for old-rp only: ${JSON.stringify(warned)}`);
  assert.equal(warned[0].client_id, old.id);
  assert.equal(warned[0].field, 'redirect_uris');
  assert.match(warned[0].error, /http is allowed only for 127\.0\.0\.1/);
  const r = await gh.authorize({ client_id: old.id, redirect_uri: 'http://old.example/cb', response_type: 'code', scope: 'openid', state: 's' }, { username: user.username, password: user.password });
  assert.ok(r.redirect?.searchParams.get('code'), `still served as registered: ${r.response.describe()}`);
});
