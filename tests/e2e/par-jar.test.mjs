// Pushed authorization requests (RFC 9126) and JWT-secured authorization
// requests (RFC 9101), with openid-client 6 unmodified: PAR with a secret,
// JAR by value and JAR inside PAR with private_key_jwt, each through the
// whole code flow. Then the rules: a pushed request is single use and its
// client's only; a client (or a server) that requires PAR takes nothing
// else, also not a tampered form after sign-in; request objects that do not
// verify (alg none, another key, another audience, a nested request_uri)
// get an error page; the pushed body is checked and bounded.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import * as oidc from 'openid-client';

import { CookieJar, setup, useGatehouse } from './lib/harness.mjs';
import { formData, parseForms } from './lib/html.mjs';
import { clientKey, noneJwt, signJwt, writeJwks } from './lib/client-keys.mjs';

const gh = useGatehouse({ config: { error_style: 'rfc6749' } });
const strict = useGatehouse({ config: { require_pushed_authorization_requests: 'yes' }, label: 'require_pushed_authorization_requests' });

const REDIRECT = 'https://rp.example/cb';
const PAR_PATH = '/oauth2/v1/par';
let key, user, secretClient, parClient;

setup(async () => {
  key = await clientKey('ES256');
  const file = writeJwks(gh.dir, 'jar', [key]);
  let r = await gh.cli(['client', 'add', '--id', 'jar', '--jwks', file, '--redirect-uri', REDIRECT]);
  assert.equal(r.code, 0, r.stderr);
  secretClient = await gh.addClient({ id: 'par', secret: 'par-secret-0123456789', redirectUris: REDIRECT });
  r = await gh.cli(['client', 'add', '--id', 'par-only', '--secret', 'par-only-secret-0123', '--redirect-uri', REDIRECT, '--require-par']);
  assert.equal(r.code, 0, r.stderr);
  parClient = { id: 'par-only', secret: 'par-only-secret-0123', redirectUri: REDIRECT };
  user = await gh.addUser({ username: 'park', password: 'correct horse 7', email: 'park@example.com', nickname: 'park' });
  await strict.addClient({ id: 'any', secret: 'any-secret-0123456789', redirectUris: REDIRECT });
  await strict.addUser({ username: 'park', password: 'correct horse 7', email: 'park@example.com', nickname: 'park' });
});

async function configFor(server, clientId, auth, metadata = {}) {
  return oidc.discovery(new URL(server.base), clientId, metadata, auth, { execute: [oidc.allowInsecureRequests] });
}

/** Signs in and consents at url; resolves to the redirect back to the client. */
async function front(server, url) {
  const r = await server.authorize(url.href ?? url, { username: user.username, password: user.password, jar: new CookieJar() });
  assert.ok(r.redirect, r.response.describe());
  return r.redirect;
}

async function codeFlow(server, config, build) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = await build({ redirect_uri: REDIRECT, scope: 'openid profile', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const back = await front(server, url);
  return oidc.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state });
}

function pushed(fields, client = secretClient) {
  return gh.postForm(PAR_PATH, { client_id: client.id, client_secret: client.secret, ...fields });
}

test('metadata: the PAR endpoint, request objects and what is required', async () => {
  const d = (await gh.get('/.well-known/oauth-authorization-server')).json;
  assert.equal(d.pushed_authorization_request_endpoint, gh.url(PAR_PATH));
  assert.equal(d.require_pushed_authorization_requests, false);
  assert.equal(d.request_parameter_supported, true);
  assert.deepEqual(d.request_object_signing_alg_values_supported, ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519']);
  assert.equal((await strict.get('/.well-known/oauth-authorization-server')).json.require_pushed_authorization_requests, true);
});

test('openid-client: PAR with client_secret_basic, then the code flow', async () => {
  const config = await configFor(gh, secretClient.id, oidc.ClientSecretBasic(secretClient.secret));
  const tokens = await codeFlow(gh, config, (p) => oidc.buildAuthorizationUrlWithPAR(config, p));
  assert.ok(tokens.access_token && tokens.id_token);
});

test('openid-client: JAR by value, signed with the client key, private_key_jwt at the token endpoint', async () => {
  const config = await configFor(gh, 'jar', oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }));
  const tokens = await codeFlow(gh, config, async (p) => {
    const url = await oidc.buildAuthorizationUrlWithJAR(config, p, { key: key.privateKey, kid: key.kid });
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request']);
    return url;
  });
  assert.ok(tokens.access_token && tokens.id_token);
});

test('openid-client: JAR inside PAR', async () => {
  const config = await configFor(gh, 'jar', oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }));
  const tokens = await codeFlow(gh, config, async (p) => {
    const { searchParams } = await oidc.buildAuthorizationUrlWithJAR(config, p, { key: key.privateKey, kid: key.kid });
    return oidc.buildAuthorizationUrlWithPAR(config, searchParams);
  });
  assert.ok(tokens.access_token);
});

test('PAR answers 201 with a single-use request_uri of its client only', async () => {
  const res = await pushed({ response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 's1' });
  assert.equal(res.status, 201, res.text);
  assert.match(res.json.request_uri, /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{40,}$/);
  assert.equal(res.json.expires_in, 60);
  assert.match(res.header('cache-control'), /no-store/);
  const other = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: 'jar', request_uri: res.json.request_uri })}`);
  assert.equal(other.status, 400, "another client's request_uri");
  const url = gh.authorizeUrl({ client_id: secretClient.id, request_uri: res.json.request_uri });
  const first = await gh.get(url.slice(gh.base.length));
  assert.equal(first.status, 200, 'the sign-in page');
  const again = await gh.get(url.slice(gh.base.length));
  assert.equal(again.status, 400, 'used already');
  const made = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: secretClient.id, request_uri: 'urn:ietf:params:oauth:request_uri:madeup' })}`);
  assert.equal(made.status, 400);
});

test('the pushed parameters are the only ones used', async () => {
  const res = await pushed({ response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'pushed-state' });
  const back = await front(gh, gh.authorizeUrl({ client_id: secretClient.id, request_uri: res.json.request_uri, state: 'outer-state', redirect_uri: 'https://evil.example/cb' }));
  assert.equal(back.origin + back.pathname, REDIRECT);
  assert.equal(back.searchParams.get('state'), 'pushed-state');
});

test('a client that requires PAR: plain requests refused, pushed ones work, a tampered form after sign-in refused', async () => {
  const plain = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: parClient.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'x' })}`);
  assert.equal(plain.status, 302);
  assert.equal(new URL(plain.header('location')).searchParams.get('error'), 'invalid_request');
  const res = await pushed({ response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'p' }, parClient);
  const back = await front(gh, gh.authorizeUrl({ client_id: parClient.id, request_uri: res.json.request_uri }));
  assert.ok(back.searchParams.get('code'));
  /* the sign-in form carries the pushed request; changing it loses the mark */
  const again = await pushed({ response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'q' }, parClient);
  const jar = new CookieJar();
  const page = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: parClient.id, request_uri: again.json.request_uri })}`);
  jar.take(page);
  const [form] = parseForms(page.text);
  const data = formData(form, { username: user.username, password: user.password });
  data.set('scope', 'openid profile email');
  const tampered = await gh.post('/auth/authorize', data, { headers: jar.headers() });
  assert.equal(tampered.status, 302, tampered.describe());
  assert.equal(new URL(tampered.header('location')).searchParams.get('error'), 'invalid_request');
});

test('require_pushed_authorization_requests = yes: every client must push', async () => {
  const plain = await strict.get(`/auth/authorize?${new URLSearchParams({ client_id: 'any', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'x' })}`);
  assert.equal(new URL(plain.header('location')).searchParams.get('error'), 'invalid_request');
  const res = await strict.postForm(PAR_PATH, { client_id: 'any', client_secret: 'any-secret-0123456789', response_type: 'code', redirect_uri: REDIRECT, scope: 'openid' });
  assert.equal(res.status, 201, res.text);
});

test('request objects that do not verify get an error page', async () => {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'jar', aud: gh.base, client_id: 'jar', response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 's', exp: now + 60 };
  const stranger = await clientKey('ES256', key.kid);
  const cases = {
    'alg none': noneJwt(claims),
    'another key': await signJwt(stranger, claims),
    'another audience': await signJwt(key, { ...claims, aud: 'https://other.example' }),
    'expired': await signJwt(key, { ...claims, exp: now - 10 }),
    'a nested request_uri': await signJwt(key, { ...claims, request_uri: 'https://evil.example/r' }),
    'another client_id inside': await signJwt(key, { ...claims, client_id: 'par' }),
  };
  for (const [what, request] of Object.entries(cases)) {
    const res = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: 'jar', request })}`);
    assert.equal(res.status, 400, what);
    assert.match(res.header('content-type'), /text\/html/, what);
    assert.equal(res.header('location'), undefined, `${what}: no redirect`);
  }
  const good = await signJwt(key, claims, { typ: 'oauth-authz-req+jwt' });
  const noKeys = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: 'par', request: good })}`);
  assert.equal(noKeys.status, 400, 'a client without keys');
  const ok = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: 'jar', request: good })}`);
  assert.equal(ok.status, 200, 'the sign-in page for a good one');
});

test('PAR refusals: request_uri pushed, unregistered redirect_uri, no client authentication, bad request object, too much', async () => {
  let res = await pushed({ response_type: 'code', redirect_uri: REDIRECT, request_uri: 'urn:x' });
  assert.equal(res.status, 400);
  assert.equal(res.json.error, 'invalid_request');
  res = await pushed({ response_type: 'code', redirect_uri: 'https://evil.example/cb' });
  assert.equal(res.json.error, 'invalid_request');
  res = await gh.postForm(PAR_PATH, { client_id: secretClient.id, response_type: 'code', redirect_uri: REDIRECT });
  assert.equal(res.status, 401);
  assert.equal(res.json.error, 'invalid_client');
  res = await gh.postForm(PAR_PATH, { client_id: 'jar', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await signJwt(key, { iss: 'jar', sub: 'jar', aud: gh.base, exp: Math.floor(Date.now() / 1000) + 60, jti: crypto.randomUUID() }),
    request: noneJwt({ response_type: 'code', redirect_uri: REDIRECT }) });
  assert.equal(res.json.error, 'invalid_request_object');
  const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`x${i}`, 'y']));
  res = await pushed({ response_type: 'code', redirect_uri: REDIRECT, ...many });
  assert.equal(res.status, 400);
  res = await pushed({ response_type: 'code', redirect_uri: REDIRECT, state: 'x'.repeat(3000) });
  assert.equal(res.status, 400, 'over the declared length');
});
