// private_key_jwt client authentication (RFC 7523 §2.2, OpenID Connect Core
// §9) with unmodified independent clients: openid-client 6 through the whole
// code flow, refresh, revocation and introspection with a client registered
// with `--jwks FILE`, and oauth4webapi's client_credentials grant with a
// client registered with `--jwks-uri`. Then what must be refused: a replayed
// assertion, alg none, HS256 made with the public key, another audience, a
// lifetime too long, iss ≠ sub, a secret for a key-bound client, two methods
// at once; and a hostile jwks_uri (slow, huge, redirecting, on a private
// address) that changes nothing and costs bounded time.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';

import { CookieJar, setup, useGatehouse } from './lib/harness.mjs';
import { clientKey, jwksServer, noneJwt, signJwt, writeJwks } from './lib/client-keys.mjs';

// the keys' servers below are on loopback, which a jwks_uri may use only when allowed
const gh = useGatehouse({ config: { error_style: 'rfc6749', jwks_uri_timeout: 1, jwks_uri_private: 'yes' } });
const guarded = useGatehouse({ config: { error_style: 'rfc6749' }, label: 'jwks_uri_private = no (default)' });

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
let inlineKey, uriKey, jwks, user;
const REDIRECT = 'https://rp.example/cb';

setup(async () => {
  inlineKey = await clientKey('ES256');
  uriKey = await clientKey('RS256');
  const file = writeJwks(gh.dir, 'inline', [inlineKey]);
  let r = await gh.cli(['client', 'add', '--id', 'pkjwt', '--jwks', file, '--redirect-uri', REDIRECT, '--scope', 'openid profile email offline_access']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /client_secret/, 'a key-bound client gets no secret');
  jwks = await jwksServer([uriKey]);
  r = await gh.cli(['client', 'add', '--id', 'pkjwt-uri', '--jwks-uri', jwks.url, '--grant', 'client_credentials', '--scope', 'api:read']);
  assert.equal(r.code, 0, r.stderr);
  user = await gh.addUser({ username: 'kim', password: 'correct horse 7', email: 'kim@example.com', nickname: 'kim' });
});

after(() => jwks?.close());

function assertion(key, clientId, over = {}) {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(key, { iss: clientId, sub: clientId, aud: gh.base, iat: now, exp: now + 60, jti: crypto.randomUUID(), ...over });
}

function withAssertion(clientAssertion, fields = {}) {
  return { client_assertion_type: JWT_BEARER, client_assertion: clientAssertion, ...fields };
}

function assertInvalidClient(res, what) {
  assert.equal(res.status, 401, `${what}: ${res.text}`);
  assert.equal(res.json.error, 'invalid_client', what);
}

test('metadata advertises private_key_jwt and only the algorithms verified', async () => {
  const d = (await gh.get('/.well-known/oauth-authorization-server')).json;
  for (const m of ['token_endpoint', 'revocation_endpoint', 'introspection_endpoint']) {
    assert.ok(d[`${m}_auth_methods_supported`].includes('private_key_jwt'), m);
    assert.deepEqual(d[`${m}_auth_signing_alg_values_supported`], ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'], m);
  }
});

test('openid-client 6: code flow, refresh, revocation and introspection with private_key_jwt (--jwks)', async () => {
  const config = await oidc.discovery(new URL(gh.base), 'pkjwt', {}, oidc.PrivateKeyJwt({ key: inlineKey.privateKey, kid: inlineKey.kid }), {
    execute: [oidc.allowInsecureRequests],
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT, scope: 'openid profile offline_access', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const r = await gh.authorize(url.href, { username: user.username, password: user.password, jar: new CookieJar() });
  assert.ok(r.redirect, r.response.describe());
  const tokens = await oidc.authorizationCodeGrant(config, r.redirect, { pkceCodeVerifier: verifier, expectedState: state });
  assert.ok(tokens.access_token && tokens.id_token && tokens.refresh_token);
  assert.equal(tokens.claims().sub.length > 0, true);
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token);
  const info = await oidc.tokenIntrospection(config, refreshed.access_token);
  assert.equal(info.active, true);
  assert.equal(info.client_id, 'pkjwt');
  await oidc.tokenRevocation(config, refreshed.access_token);
  assert.equal((await oidc.tokenIntrospection(config, refreshed.access_token)).active, false, 'revoked with private_key_jwt');
});

test('oauth4webapi: client_credentials with private_key_jwt (--jwks-uri, fetched once and cached)', async () => {
  const as = await oauth.processDiscoveryResponse(new URL(gh.base), await oauth.discoveryRequest(new URL(gh.base), { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
  const client = { client_id: 'pkjwt-uri' };
  const auth = oauth.PrivateKeyJwt({ key: uriKey.privateKey, kid: uriKey.kid });
  const hitsBefore = jwks.hits;
  for (let i = 0; i < 2; i++) {
    const res = await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams({ scope: 'api:read' }), { [oauth.allowInsecureRequests]: true });
    const body = await oauth.processClientCredentialsResponse(as, client, res);
    assert.equal(body.token_type.toLowerCase(), 'bearer');
    assert.equal(body.scope, 'api:read');
  }
  assert.equal(jwks.hits - hitsBefore <= 1, true, 'the jwks_uri document is cached');
});

test('an assertion is single use (jti)', async () => {
  const a = await assertion(inlineKey, 'pkjwt');
  const first = await gh.introspect(withAssertion(a, { token: 'x' }));
  assert.equal(first.status, 200, first.text);
  assertInvalidClient(await gh.introspect(withAssertion(a, { token: 'x' })), 'replayed assertion');
});

test('refused: none, HS256 with the public key, wrong aud, long life, expired, iss ≠ sub, unknown key', async () => {
  const now = Math.floor(Date.now() / 1000);
  const base = { iss: 'pkjwt', sub: 'pkjwt', aud: gh.base, exp: now + 60, jti: crypto.randomUUID() };
  assertInvalidClient(await gh.introspect(withAssertion(noneJwt(base), { token: 'x' })), 'alg none');
  const pub = Buffer.from(JSON.stringify(inlineKey.publicJwk));
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'HS256', kid: inlineKey.kid })}.${b64({ ...base, jti: crypto.randomUUID() })}`;
  const hs = `${input}.${crypto.createHmac('sha256', pub).update(input).digest('base64url')}`;
  assertInvalidClient(await gh.introspect(withAssertion(hs, { token: 'x' })), 'HS256 keyed with the public key');
  assertInvalidClient(await gh.introspect(withAssertion(await assertion(inlineKey, 'pkjwt', { aud: 'https://other.example' }), { token: 'x' })), 'another aud');
  assertInvalidClient(await gh.introspect(withAssertion(await assertion(inlineKey, 'pkjwt', { exp: now + 3600 }), { token: 'x' })), 'an hour to live');
  assertInvalidClient(await gh.introspect(withAssertion(await assertion(inlineKey, 'pkjwt', { exp: now - 5 }), { token: 'x' })), 'expired');
  assertInvalidClient(await gh.introspect(withAssertion(await assertion(inlineKey, 'pkjwt', { iss: 'pkjwt-uri' }), { token: 'x' })), 'iss is another client');
  assertInvalidClient(await gh.introspect(withAssertion(await assertion(inlineKey, 'pkjwt', { jti: undefined }), { token: 'x' })), 'no jti');
  const stranger = await clientKey('ES256', inlineKey.kid);
  assertInvalidClient(await gh.introspect(withAssertion(await assertion(stranger, 'pkjwt'), { token: 'x' })), 'a key not registered');
  assertInvalidClient(await gh.introspect(withAssertion(await assertion(inlineKey, 'pkjwt-uri'), { token: 'x' })), "the other client's id with this key");
});

test('a key-bound client has no secret to try, and one request uses one method', async () => {
  assertInvalidClient(await gh.introspect({ token: 'x', client_id: 'pkjwt', client_secret: 'guess-guess-guess' }), 'secret for a key-bound client');
  assertInvalidClient(await gh.introspect({ token: 'x', client_id: 'pkjwt' }), 'bare client_id');
  const twice = await gh.introspect(withAssertion(await assertion(inlineKey, 'pkjwt'), { token: 'x', client_secret: 'x' }));
  assert.equal(twice.status, 400, twice.text);
  assert.equal(twice.json.error, 'invalid_request');
});

test('a hostile jwks_uri (slow, huge, redirecting) changes nothing and costs bounded time', async () => {
  const hostile = await jwksServer([uriKey]);
  try {
    const r = await gh.cli(['client', 'add', '--id', 'hostile', '--jwks-uri', hostile.url, '--grant', 'client_credentials', '--scope', 'api:read']);
    assert.equal(r.code, 0, r.stderr);
    const cc = async () => gh.token(withAssertion(await assertion(uriKey, 'hostile'), { grant_type: 'client_credentials' }));
    hostile.misbehave((req, res) => res.writeHead(302, { location: jwks.url }).end());
    assertInvalidClient(await cc(), 'redirecting jwks_uri');
  } finally {
    await hostile.close();
  }
  for (const [name, behave] of [
    ['slow', (req, res) => setTimeout(() => res.end(), 5000)],
    ['huge', (req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(`{"keys":[${'{"kty":"oct","k":"AAAA"},'.repeat(100000)}{}]}`); }],
  ]) {
    const s = await jwksServer([uriKey]);
    try {
      s.misbehave(behave);
      const r = await gh.cli(['client', 'add', '--id', `hostile-${name}`, '--jwks-uri', s.url, '--grant', 'client_credentials', '--scope', 'api:read']);
      assert.equal(r.code, 0, r.stderr);
      const started = Date.now();
      assertInvalidClient(await gh.token(withAssertion(await assertion(uriKey, `hostile-${name}`), { grant_type: 'client_credentials' })), `${name} jwks_uri`);
      assert.ok(Date.now() - started < 3000, `${name}: answered within the time limit (${Date.now() - started} ms)`);
      const hits = s.hits;
      assertInvalidClient(await gh.token(withAssertion(await assertion(uriKey, `hostile-${name}`), { grant_type: 'client_credentials' })), `${name} again`);
      assert.equal(s.hits, hits, `${name}: a failed fetch is not repeated at once`);
    } finally {
      await s.close();
    }
  }
});

test('client add --jwks refuses private keys and files that are not a JWKS', async () => {
  const priv = await crypto.subtle.exportKey('jwk', inlineKey.privateKey);
  const file = path.join(gh.dir, 'private.jwks.json');
  fs.writeFileSync(file, JSON.stringify({ keys: [priv] }));
  let r = await gh.cli(['client', 'add', '--id', 'bad-jwks', '--jwks', file, '--grant', 'client_credentials']);
  assert.equal(r.code, 2, r.stderr);
  fs.writeFileSync(file, '{"keys": 3}');
  r = await gh.cli(['client', 'add', '--id', 'bad-jwks', '--jwks', file, '--grant', 'client_credentials']);
  assert.equal(r.code, 2, r.stderr);
  r = await gh.cli(['client', 'add', '--id', 'bad-jwks', '--jwks-uri', 'http://example.com/jwks', '--grant', 'client_credentials']);
  assert.equal(r.code, 2, 'http jwks_uri off loopback');
  const shown = JSON.parse((await gh.cli(['client', 'show', 'pkjwt'])).stdout);
  assert.equal(shown.token_endpoint_auth_method, 'private_key_jwt');
  assert.equal(shown.jwks.keys[0].kid, inlineKey.kid);
});

test('by default a jwks_uri on a loopback or private address is not fetched', async () => {
  const inside = await jwksServer([uriKey]);
  try {
    const r = await guarded.cli(['client', 'add', '--id', 'inside', '--jwks-uri', inside.url, '--grant', 'client_credentials', '--scope', 'api:read']);
    assert.equal(r.code, 0, r.stderr);
    const now = Math.floor(Date.now() / 1000);
    const a = await signJwt(uriKey, { iss: 'inside', sub: 'inside', aud: guarded.base, exp: now + 60, jti: crypto.randomUUID() });
    assertInvalidClient(await guarded.token(withAssertion(a, { grant_type: 'client_credentials' })), 'a jwks_uri on loopback');
    assert.equal(inside.hits, 0, 'no request reached it');
  } finally {
    await inside.close();
  }
});
