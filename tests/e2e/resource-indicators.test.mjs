// Resource indicators (RFC 8707): `resource` at the authorization and token
// endpoints (absolute URI without fragment; it may repeat), allowed per
// client (`client add --resource URI`), access tokens audience-restricted to
// it (aud), a refresh that narrows it, invalid_target otherwise. oauth4webapi
// drives the code flow with PKCE; the rest is plain HTTP.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as oauth from 'oauth4webapi';

import { CookieJar, decodeJwt, setup, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse({ config: { error_style: 'rfc6749' } });

const API = 'https://api.example/';
const FILES = 'urn:example:files';
const REDIRECT = 'https://rp.example/cb';
const client = { id: 'ri', secret: 'ri-secret-0123456789', redirectUri: REDIRECT };
let user;

setup(async () => {
  const r = await gh.cli(['client', 'add', '--id', client.id, '--secret', client.secret, '--redirect-uri', REDIRECT,
    '--scope', 'openid profile api:read', '--grant', 'authorization_code', '--grant', 'refresh_token', '--grant', 'client_credentials',
    '--resource', API, '--resource', FILES]);
  assert.equal(r.code, 0, r.stderr);
  await gh.addClient({ id: 'plain', secret: 'plain-secret-0123456789', redirectUris: REDIRECT, grants: ['authorization_code', 'client_credentials'], scope: 'openid api:read' });
  user = await gh.addUser({ username: 'choi', password: 'correct horse 7', email: 'choi@example.com', nickname: 'choi' });
});

function authorizeQuery(extra, resources = []) {
  const q = new URLSearchParams({ client_id: client.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid api:read', state: 's', ...extra });
  for (const r of resources) q.append('resource', r);
  return q;
}

async function code(resources) {
  const r = await gh.authorize(gh.url(`/auth/authorize?${authorizeQuery({}, resources)}`), { username: user.username, password: user.password, jar: new CookieJar() });
  assert.ok(r.redirect?.searchParams.get('code'), r.redirect?.href ?? r.response.describe());
  return r.redirect.searchParams.get('code');
}

function tokenRequest(fields, resources = []) {
  const body = new URLSearchParams({ client_id: client.id, client_secret: client.secret, ...fields });
  for (const r of resources) body.append('resource', r);
  return gh.post('/oauth2/v1/token', body);
}

test('oauth4webapi: the code flow with two resources, the token narrowed to one', async () => {
  const as = await oauth.processDiscoveryResponse(new URL(gh.base), await oauth.discoveryRequest(new URL(gh.base), { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
  const c = { client_id: client.id };
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(as.authorization_endpoint);
  url.search = authorizeQuery({ code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st' }, [API, FILES]).toString();
  const r = await gh.authorize(url.href, { username: user.username, password: user.password, jar: new CookieJar() });
  const params = oauth.validateAuthResponse(as, c, r.redirect, 'st');
  const res = await oauth.authorizationCodeGrantRequest(as, c, oauth.ClientSecretPost(client.secret), params, REDIRECT, verifier, {
    additionalParameters: [['resource', API]], [oauth.allowInsecureRequests]: true,
  });
  const body = await oauth.processAuthorizationCodeResponse(as, c, res);
  assert.equal(decodeJwt(body.access_token).payload.aud, API, 'audience-restricted to the resource asked for');
  /* refresh: narrowed to the other granted resource; a resource never granted is refused without spending the token */
  let refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: body.refresh_token }, ['https://other.example/']);
  assert.equal(refreshed.status, 400);
  assert.equal(refreshed.json.error, 'invalid_target');
  refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: body.refresh_token }, [FILES]);
  assert.equal(refreshed.status, 200, refreshed.text);
  assert.equal(decodeJwt(refreshed.json.access_token).payload.aud, FILES);
  const all = await tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshed.json.refresh_token });
  assert.deepEqual(decodeJwt(all.json.access_token).payload.aud, [API, FILES], 'no resource asked: all the grant holds');
});

test('a resource-bound token is not for userinfo; introspection names its audience', async () => {
  const res = await tokenRequest({ grant_type: 'authorization_code', code: await code([API]), redirect_uri: REDIRECT });
  assert.equal(res.status, 200, res.text);
  assert.equal(decodeJwt(res.json.access_token).payload.aud, API);
  const info = await gh.userinfo(res.json.access_token);
  assert.equal(info.status, 401);
  const intro = await gh.introspect({ token: res.json.access_token, client_id: client.id, client_secret: client.secret });
  assert.equal(intro.json.active, true);
  assert.equal(intro.json.aud, API);
  const plain = await tokenRequest({ grant_type: 'authorization_code', code: await code([]), redirect_uri: REDIRECT });
  assert.equal(decodeJwt(plain.json.access_token).payload.aud, gh.base, 'without resource: this server');
  assert.equal((await gh.userinfo(plain.json.access_token)).status, 200);
});

test('invalid_target: a resource not allowed, malformed, or not in the grant', async () => {
  for (const [what, resource] of [['not allowed', 'https://evil.example/'], ['a fragment', 'https://api.example/#x'], ['relative', '/api']]) {
    const res = await gh.get(`/auth/authorize?${authorizeQuery({}, [resource])}`);
    assert.equal(res.status, 302, what);
    assert.equal(new URL(res.header('location')).searchParams.get('error'), 'invalid_target', what);
  }
  const res = await tokenRequest({ grant_type: 'authorization_code', code: await code([API]), redirect_uri: REDIRECT }, [FILES]);
  assert.equal(res.status, 400);
  assert.equal(res.json.error, 'invalid_target', 'the token request names a resource the authorization did not');
  const many = Array.from({ length: 9 }, (_, i) => `https://r${i}.example/`);
  const tooMany = await gh.get(`/auth/authorize?${authorizeQuery({}, many)}`);
  assert.equal(tooMany.status, 400, 'over the declared count: a page');
});

test('client_credentials: the client\'s resources only; a client without resources may name none', async () => {
  let res = await tokenRequest({ grant_type: 'client_credentials', scope: 'api:read' }, [API]);
  assert.equal(res.status, 200, res.text);
  assert.equal(decodeJwt(res.json.access_token).payload.aud, API);
  res = await tokenRequest({ grant_type: 'client_credentials', scope: 'api:read' }, ['https://evil.example/']);
  assert.equal(res.json.error, 'invalid_target');
  res = await gh.post('/oauth2/v1/token', new URLSearchParams({ grant_type: 'client_credentials', client_id: 'plain', client_secret: 'plain-secret-0123456789', resource: API }));
  assert.equal(res.json.error, 'invalid_target');
});

test('resources through PAR, repeated in the pushed body', async () => {
  const body = authorizeQuery({ client_secret: client.secret, state: 'par' }, [API, FILES]);
  const pushed = await gh.post('/oauth2/v1/par', body);
  assert.equal(pushed.status, 201, pushed.text);
  const r = await gh.authorize(gh.url(`/auth/authorize?${new URLSearchParams({ client_id: client.id, request_uri: pushed.json.request_uri })}`), { username: user.username, password: user.password, jar: new CookieJar() });
  const res = await tokenRequest({ grant_type: 'authorization_code', code: r.redirect.searchParams.get('code'), redirect_uri: REDIRECT });
  assert.deepEqual(decodeJwt(res.json.access_token).payload.aud, [API, FILES]);
});

test('client add --resource refuses what is not an absolute URI without fragment; show lists them', async () => {
  for (const bad of ['api', 'https://api.example/#frag', 'https://api.example/ x']) {
    const r = await gh.cli(['client', 'add', '--id', 'bad-res', '--secret', 'bad-res-secret-0123', '--grant', 'client_credentials', '--resource', bad]);
    assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
  }
  const shown = JSON.parse((await gh.cli(['client', 'show', client.id])).stdout);
  assert.deepEqual(shown.resources, [API, FILES]);
});
