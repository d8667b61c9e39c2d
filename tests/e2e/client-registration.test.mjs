// Dynamic client registration (RFC 7591) and its management (RFC 7592) at
// /oauth2/v1/register, with unmodified independent clients: openid-client 6's
// dynamicClientRegistration then a whole code flow with PKCE as the new
// public client (policy open), oauth4webapi's dynamicClientRegistrationRequest
// and processDynamicClientRegistrationResponse with an initial access token
// (policy initial_access_token) then client credentials as the new
// confidential client. Then RFC 7592 read, update (the registration access
// token is replaced) and delete, and what must be refused: no endpoint with
// the policy off; in an open registration a confidential client,
// client_credentials, token exchange, gatehouse:admin or another scope
// outside openid profile email offline_access, keys and logout URIs; bad
// redirect URIs (invalid_redirect_uri); a huge body; too many registrations
// from one address; a wrong, old or other client's registration access
// token; an initial access token missing, used up (also by concurrent
// registrations) or expired. A dynamic client nobody uses is deleted after
// registration_unused_ttl, and operators see dynamic clients marked.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';

import { CookieJar, request, setup, sleep, useGatehouse } from './lib/harness.mjs';

const REGISTER = '/oauth2/v1/register';
const open = useGatehouse({ config: { error_style: 'rfc6749', registration_policy: 'open', registration_rate: 0 }, label: 'open' });
const iat = useGatehouse({ config: { error_style: 'rfc6749', registration_policy: 'initial_access_token', registration_rate: 0 }, label: 'initial_access_token' });
const off = useGatehouse({ config: { error_style: 'rfc6749' }, label: 'off (default)' });
const small = useGatehouse({
  config: { error_style: 'rfc6749', registration_policy: 'open', registration_rate: 4, registration_unused_ttl: 4 },
  label: 'open, 4 per hour, unused ttl 4 s',
});

const NATIVE = { application_type: 'native', redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' };
let user;

setup(async () => {
  user = await open.addUser({ username: 'reggie', password: 'Lantern-first-pw-123', email: 'reggie@example.com', nickname: 'reggie' });
});

function register(gh, body, { token, headers = {}, localAddress } = {}) {
  const h = { 'content-type': 'application/json', ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  return request('POST', gh.url(REGISTER), { headers: h, body: typeof body === 'string' ? body : JSON.stringify(body), localAddress });
}

function manage(method, uri, token, body) {
  const headers = { authorization: `Bearer ${token}` };
  if (body) headers['content-type'] = 'application/json';
  return request(method, uri, { headers, body: body ? JSON.stringify(body) : undefined });
}

function assertRefused(res, error, what, status = 400) {
  assert.equal(res.status, status, `${what}: ${res.describe()}`);
  assert.equal(res.json?.error, error, `${what}: ${res.text}`);
}

async function initialToken(args = []) {
  const r = await iat.cli(['client', 'initial-token', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.match(/^initial_access_token: (\S+)$/m)[1];
}

test('metadata names registration_endpoint only when registration_policy is not off', async () => {
  for (const gh of [open, iat]) {
    for (const p of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      assert.equal((await gh.get(p)).json.registration_endpoint, gh.url(REGISTER), `${gh.label} ${p}`);
    }
  }
  for (const p of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    assert.equal((await off.get(p)).json.registration_endpoint, undefined, p);
  }
  const r = await register(off, NATIVE);
  assert.equal(r.status, 404, r.describe());
  assert.equal((await off.cli(['client', 'list'])).stdout.split('\n').filter((l) => l.includes('dynamic')).length, 0);
});

test('openid-client 6: dynamicClientRegistration, then the code flow with PKCE as the new public client', async () => {
  const config = await oidc.dynamicClientRegistration(
    new URL(open.base),
    { ...NATIVE, client_name: 'Agent', scope: 'openid profile offline_access', grant_types: ['authorization_code', 'refresh_token'], logo_uri: 'https://agent.example/logo.png' },
    oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
  const meta = config.clientMetadata();
  assert.match(meta.client_id, /^[0-9a-f]{32}$/, 'a client_id the server chose');
  assert.equal(meta.client_secret, undefined, 'a public client has no secret');
  assert.equal(meta.logo_uri, undefined, 'an unknown member is ignored, not stored');
  assert.ok(meta.registration_access_token && meta.registration_client_uri.endsWith(`${REGISTER}/${meta.client_id}`));
  assert.equal(typeof meta.client_id_issued_at, 'number');

  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'http://127.0.0.1/cb', scope: 'openid profile offline_access', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const r = await open.authorize(url.href, { username: user.username, password: user.password, jar: new CookieJar() });
  assert.ok(r.redirect, r.response.describe());
  const tokens = await oidc.authorizationCodeGrant(config, r.redirect, { pkceCodeVerifier: verifier, expectedState: state });
  assert.equal(tokens.claims().sub, user.sub);
  assert.ok(tokens.refresh_token);
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token);

  /* without PKCE the public client gets no code */
  const plain = new URL(oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1/cb', scope: 'openid', state }));
  const noPkce = await open.authorize(plain.href, { username: user.username, password: user.password, jar: new CookieJar() });
  assert.equal(noPkce.redirect?.searchParams.get('code') ?? null, null, 'no code without PKCE');

  /* operators see it, marked */
  const list = await open.cli(['client', 'list']);
  assert.match(list.stdout, new RegExp(`^${meta.client_id}\tAgent\t.*\tdynamic$`, 'm'));
  const shown = JSON.parse((await open.cli(['client', 'show', meta.client_id])).stdout);
  assert.equal(shown.registered_by, 'dynamic');
  assert.equal(shown.application_type, 'native');
  const events = (await open.cli(['client', 'show', 'gatehouse-console'])).stdout;
  assert.match(events, /"registered_by": "operator"/);
});

test('oauth4webapi: registration with an initial access token, then client credentials as the new confidential client', async () => {
  const token = await initialToken(['--uses', '1']);
  const as = await oauth.processDiscoveryResponse(new URL(iat.base), await oauth.discoveryRequest(new URL(iat.base), { [oauth.allowInsecureRequests]: true }));
  const metadata = { client_name: 'Service', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', scope: 'api:read', contacts: ['ops@service.example'] };
  const res = await oauth.dynamicClientRegistrationRequest(as, metadata, { initialAccessToken: token, [oauth.allowInsecureRequests]: true });
  const client = await oauth.processDynamicClientRegistrationResponse(res);
  assert.ok(client.client_secret, 'a confidential client gets a generated secret');
  assert.equal(client.client_secret_expires_at, 0);
  assert.deepEqual(client.contacts, ['ops@service.example']);
  assert.deepEqual(client.response_types, []);

  const cc = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(client.client_secret), new URLSearchParams({ scope: 'api:read' }), { [oauth.allowInsecureRequests]: true });
  const tokens = await oauth.processClientCredentialsResponse(as, client, cc);
  assert.equal(tokens.scope, 'api:read');

  /* the token was good for one registration */
  const again = await register(iat, metadata, { token });
  assertRefused(again, 'invalid_token', 'a used-up initial access token', 401);
  assert.match(again.header('www-authenticate') ?? '', /Bearer/);
});

test('RFC 7592: read, update (a new registration access token), delete', async () => {
  const created = await register(open, { ...NATIVE, client_name: 'Before' });
  assert.equal(created.status, 201, created.describe());
  assert.equal(created.header('cache-control'), 'no-store');
  const { registration_client_uri: uri, registration_access_token: token1, client_id: id } = created.json;

  const read = await manage('GET', uri, token1);
  assert.equal(read.status, 200, read.describe());
  assert.equal(read.json.client_name, 'Before');
  assert.equal(read.json.registration_access_token, token1);

  const updated = await manage('PUT', uri, token1, { ...NATIVE, client_id: id, client_name: 'After', redirect_uris: ['http://127.0.0.1/cb2'] });
  assert.equal(updated.status, 200, updated.describe());
  assert.equal(updated.json.client_name, 'After');
  assert.deepEqual(updated.json.redirect_uris, ['http://127.0.0.1/cb2']);
  const token2 = updated.json.registration_access_token;
  assert.notEqual(token2, token1, 'the token is replaced');

  assertRefused(await manage('GET', uri, token1), 'invalid_token', 'the old registration access token', 401);
  assertRefused(await manage('GET', uri, `${token2}x`), 'invalid_token', 'a wrong registration access token', 401);
  assertRefused(await manage('PUT', uri, token2, { ...NATIVE, client_id: 'someone-else' }), 'invalid_client_metadata', 'PUT with another client_id');
  assertRefused(await manage('PUT', uri, token2, { ...NATIVE, client_id: id, grant_types: ['client_credentials'] }), 'invalid_client_metadata', 'PUT past the open limits');

  /* another client's token does not reach this one */
  const other = (await register(open, NATIVE)).json;
  assertRefused(await manage('GET', uri, other.registration_access_token), 'invalid_token', "another client's token", 401);
  /* nor does it reach an operator's client */
  assertRefused(await manage('GET', open.url(`${REGISTER}/gatehouse-console`), token2), 'invalid_token', "an operator's client", 401);

  const del = await manage('DELETE', uri, token2);
  assert.equal(del.status, 204, del.describe());
  assertRefused(await manage('GET', uri, token2), 'invalid_token', 'a deleted client (RFC 7592 §2.1)', 401);
  assert.notEqual((await open.cli(['client', 'show', id])).code, 0, 'the client is gone');
});

test('an open registration is a public client with PKCE and safe scopes only', async () => {
  const cases = [
    [{ ...NATIVE, token_endpoint_auth_method: 'client_secret_basic' }, 'a confidential client'],
    [{ ...NATIVE, redirect_uris: ['https://app.example/cb'], application_type: undefined, token_endpoint_auth_method: undefined }, 'the default method (client_secret_basic)'],
    [{ ...NATIVE, grant_types: ['client_credentials'], redirect_uris: undefined }, 'client_credentials'],
    [{ ...NATIVE, grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:token-exchange'] }, 'token exchange'],
    [{ ...NATIVE, scope: 'openid gatehouse:admin' }, 'gatehouse:admin'],
    [{ ...NATIVE, scope: 'openid api:write' }, 'a scope outside the safe set'],
    [{ ...NATIVE, jwks_uri: 'https://agent.example/jwks' }, 'a jwks_uri'],
    [{ ...NATIVE, backchannel_logout_uri: 'https://agent.example/logout' }, 'a back-channel logout URI'],
    [{ ...NATIVE, response_types: ['token'] }, 'the implicit flow'],
    [{ ...NATIVE, application_type: 'desktop' }, 'an unknown application_type'],
  ];
  for (const [body, what] of cases) assertRefused(await register(open, body), 'invalid_client_metadata', what);
  /* a registrant cannot pick its client_id or an operator's member */
  const r = await register(open, { ...NATIVE, client_id: 'gatehouse-console', resources: ['https://api.example/'], id_token_claims: ['groups'] });
  assert.equal(r.status, 201, r.describe());
  assert.notEqual(r.json.client_id, 'gatehouse-console');
  const shown = JSON.parse((await open.cli(['client', 'show', r.json.client_id])).stdout);
  assert.deepEqual([shown.resources, shown.id_token_claims], [[], []]);
  /* gatehouse:admin is never given, with an initial access token either */
  const token = await initialToken();
  assertRefused(await register(iat, { grant_types: ['client_credentials'], scope: 'gatehouse:admin' }, { token }), 'invalid_client_metadata', 'gatehouse:admin with an initial access token');
});

test('redirect URIs: invalid_redirect_uri', async () => {
  const cases = [
    [{ ...NATIVE, redirect_uris: ['http://127.0.0.1/cb#frag'] }, 'a fragment'],
    [{ ...NATIVE, redirect_uris: ['http://app.example/cb'] }, 'http off loopback'],
    [{ ...NATIVE, redirect_uris: ['javascript:alert(1)'] }, 'javascript:'],
    [{ ...NATIVE, application_type: 'web', redirect_uris: ['https://localhost/cb'] }, 'web on localhost'],
    [{ ...NATIVE, application_type: undefined, redirect_uris: ['http://127.0.0.1/cb'] }, 'web (the default) on loopback http'],
    [{ ...NATIVE, redirect_uris: [] }, 'none with authorization_code'],
  ];
  for (const [body, what] of cases) assertRefused(await register(open, body), 'invalid_redirect_uri', what);
  const web = await register(open, { ...NATIVE, application_type: 'web', redirect_uris: ['https://app.example/cb'] });
  assert.equal(web.status, 201, web.describe());
  const app = await register(open, { ...NATIVE, redirect_uris: ['com.example.agent:/cb'] });
  assert.equal(app.status, 201, `a native app's private-use scheme: ${app.describe()}`);
});

test('malformed and huge bodies', async () => {
  assertRefused(await register(open, '{"redirect_uris": ['), 'invalid_client_metadata', 'not JSON');
  assertRefused(await register(open, '[]'), 'invalid_client_metadata', 'not an object');
  assertRefused(await register(open, JSON.stringify(NATIVE), { headers: { 'content-type': 'text/plain' } }), 'invalid_client_metadata', 'not application/json');
  const big = JSON.stringify({ ...NATIVE, client_name: 'x'.repeat(40 * 1024) });
  assertRefused(await register(open, big), 'invalid_client_metadata', 'over 32 KiB', 413);
  const huge = JSON.stringify({ ...NATIVE, client_name: 'x'.repeat(100 * 1024) });
  assertRefused(await register(open, huge), 'invalid_client_metadata', "over the server's max_body", 413);
  assertRefused(await register(open, JSON.stringify(NATIVE).replace('{', '{"client_name":"a","client_name":"b",')), 'invalid_client_metadata', 'a duplicate member');
});

test('registrations are counted per address', async () => {
  const statuses = await Promise.all(Array.from({ length: 6 }, () => register(small, NATIVE, { localAddress: '127.0.0.9' }).then((r) => r.status)));
  assert.equal(statuses.filter((s) => s === 201).length, 4, `${statuses}`);
  const refused = await register(small, NATIVE, { localAddress: '127.0.0.9' });
  assertRefused(refused, 'slow_down', 'past registration_rate', 429);
  assert.ok(Number(refused.header('retry-after')) > 0);
  const elsewhere = await register(small, NATIVE, { localAddress: '127.0.0.10' });
  assert.equal(elsewhere.status, 201, `another address: ${elsewhere.describe()}`);
});

test('initial access tokens: required, single-use under concurrency, expiring', async () => {
  assertRefused(await register(iat, NATIVE), 'invalid_token', 'no initial access token', 401);
  assertRefused(await register(iat, NATIVE, { token: 'not-a-token' }), 'invalid_token', 'an unknown token', 401);
  const once = await initialToken(['--uses', '1']);
  const statuses = await Promise.all(Array.from({ length: 5 }, () => register(iat, NATIVE, { token: once }).then((r) => r.status)));
  assert.deepEqual(statuses.sort(), [201, 401, 401, 401, 401], 'exactly one registration per use');
  const twice = await initialToken(['--uses', '2']);
  assertRefused(await register(iat, { ...NATIVE, redirect_uris: ['http://app.example/'] }, { token: twice }), 'invalid_redirect_uri', 'a bad registration');
  assert.equal((await register(iat, NATIVE, { token: twice })).status, 201, 'a refused registration spends no use');
  assert.equal((await register(iat, NATIVE, { token: twice })).status, 201);
  const brief = await initialToken(['--ttl', '1']);
  await sleep(2100);
  assertRefused(await register(iat, NATIVE, { token: brief }), 'invalid_token', 'an expired token', 401);
});

test('an unused dynamic client is deleted on time with no registration to sweep it: the server\'s chore does', async () => {
  const from = small.logSize();
  const r = await register(small, NATIVE, { localAddress: '127.0.0.22' });
  assert.equal(r.status, 201, r.describe());
  const { client_id: id, registration_client_uri: uri, registration_access_token: token } = r.json;
  /* ttl 4 s, the chore every 2 s: gone 4–6 s after the registration (and a
   * second of whole-second timestamps) */
  const t0 = Date.now();
  while ((await small.cli(['client', 'show', id])).code === 0 && Date.now() - t0 < 9000) await sleep(250);
  const gone = Date.now() - t0;
  assert.ok(gone >= 3000 && gone < 8000, `deleted ${gone} ms after its registration`);
  assertRefused(await manage('GET', uri, token), 'invalid_token', 'an expired registration', 401);
  const expired = small.logSince(from, Infinity).split('\n').filter((l) => l.includes('"action":"client.register_expire"') && l.includes(id));
  assert.equal(expired.length, 1, 'one audit event');
});

test('a dynamic client nobody uses is deleted after registration_unused_ttl; one in use and operators\' clients stay', async () => {
  const member = await small.addUser({ username: 'ttl-user', password: 'Lantern-first-pw-123', email: 'ttl@example.com', nickname: 'ttl' });
  await small.addClient({ id: 'operator-app', redirectUris: 'https://op.example/cb' });
  const unused = await register(small, NATIVE, { localAddress: '127.0.0.20' });
  const used = await register(small, NATIVE, { localAddress: '127.0.0.20' });
  assert.equal(unused.status, 201, unused.describe());
  const { client_id: id, registration_client_uri: uri, registration_access_token: token } = unused.json;
  assert.equal((await manage('GET', uri, token)).status, 200);
  const config = new oidc.Configuration({ issuer: small.base, authorization_endpoint: small.url('/auth/authorize'), token_endpoint: small.url('/oauth2/v1/token') }, used.json.client_id, {}, oidc.None());
  oidc.allowInsecureRequests(config);
  const use = async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1/cb', scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const r = await small.authorize(url.href, { username: member.username, password: member.password, jar: new CookieJar() });
    assert.ok(r.redirect, r.response.describe());
    const code = await small.token({ grant_type: 'authorization_code', code: r.redirect.searchParams.get('code'), redirect_uri: 'http://127.0.0.1/cb', client_id: used.json.client_id, code_verifier: verifier });
    assert.equal(code.status, 200, code.describe());
  };
  /* whole seconds: uses 2 and 4 s in are written (every ttl/2); the sweep
   * of the registration 5 s in takes what was last used 4 s before and keeps
   * what was used 1 s before, which the chore's sweeps keep until 8 s in */
  await sleep(2100);
  await use();
  await sleep(2100);
  await use();
  await sleep(1000);
  assert.equal((await register(small, NATIVE, { localAddress: '127.0.0.21' })).status, 201);
  assertRefused(await manage('GET', uri, token), 'invalid_token', 'an expired registration', 401);
  assert.notEqual((await small.cli(['client', 'show', id])).code, 0, 'the unused client is gone');
  const kept = await small.cli(['client', 'show', used.json.client_id]);
  assert.equal(kept.code, 0, 'the client in use stays');
  assert.ok(JSON.parse(kept.stdout).last_used_at > used.json.client_id_issued_at, 'its last use is recorded');
  assert.equal((await small.cli(['client', 'show', 'operator-app'])).code, 0, "an operator's client stays");
});
