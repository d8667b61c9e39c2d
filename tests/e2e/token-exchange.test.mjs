// Token exchange (RFC 8693): a service (confidential, allowed the grant and
// the resources it calls) exchanges a person's access token for one
// audience-restricted to the next service, through oauth4webapi's generic
// grant request. With an actor_token the new token says who acts (act,
// nested along a chain). What must be refused: missing or foreign tokens,
// other token types, a wider scope, a target the service may not name, a
// client without the grant. The new token belongs to the person's grant:
// revoking that grant revokes it too.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as oauth from 'oauth4webapi';

import { decodeJwt, setup, tamperSignature, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse({ config: { error_style: 'rfc6749' } });

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';
const ORDERS = 'https://orders.example/';
const web = { id: 'web', secret: 'web-secret-0123456789', redirectUri: 'https://web.example/cb' };
const svc = { id: 'svc', secret: 'svc-secret-0123456789' };
const svc2 = { id: 'svc2', secret: 'svc2-secret-0123456789' };
let user, as;

async function addService(c, resources) {
  const args = ['client', 'add', '--id', c.id, '--secret', c.secret, '--grant', EXCHANGE, '--grant', 'client_credentials', '--scope', 'openid profile orders:read'];
  for (const r of resources) args.push('--resource', r);
  const r = await gh.cli(args);
  assert.equal(r.code, 0, r.stderr);
}

setup(async () => {
  await gh.addClient({ ...web, redirectUris: web.redirectUri, scope: 'openid profile orders:read' });
  await addService(svc, [ORDERS]);
  await addService(svc2, ['https://billing.example/']);
  user = await gh.addUser({ username: 'jung', password: 'correct horse 7', email: 'jung@example.com', nickname: 'jung' });
  as = await oauth.processDiscoveryResponse(new URL(gh.base), await oauth.discoveryRequest(new URL(gh.base), { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
});

async function exchange(client, params) {
  const res = await oauth.genericTokenEndpointRequest(as, { client_id: client.id }, oauth.ClientSecretPost(client.secret), EXCHANGE, new URLSearchParams(params), { [oauth.allowInsecureRequests]: true });
  return { status: res.status, json: await res.json() };
}

function raw(client, params) {
  return gh.token({ grant_type: EXCHANGE, client_id: client.id, client_secret: client.secret, ...params });
}

test('metadata lists the grant', async () => {
  assert.ok(as.grant_types_supported.includes(EXCHANGE));
});

test('oauth4webapi: a person\'s token exchanged for one to the orders service, narrowed', async () => {
  const tokens = await gh.obtainTokens(web, user, { scope: 'openid profile orders:read' });
  const res = await oauth.genericTokenEndpointRequest(as, { client_id: svc.id }, oauth.ClientSecretPost(svc.secret), EXCHANGE,
    new URLSearchParams({ subject_token: tokens.access_token, subject_token_type: AT, resource: ORDERS, scope: 'orders:read', requested_token_type: AT }),
    { [oauth.allowInsecureRequests]: true });
  const body = await oauth.processGenericTokenEndpointResponse(as, { client_id: svc.id }, res);
  assert.equal(body.issued_token_type, AT);
  assert.equal(body.token_type, 'bearer');
  assert.equal(body.refresh_token, undefined);
  const before = decodeJwt(tokens.access_token).payload;
  const after = decodeJwt(body.access_token).payload;
  assert.equal(after.aud, ORDERS);
  assert.equal(after.sub, before.sub);
  assert.equal(after.client_id, svc.id);
  assert.equal(after.scope, 'orders:read');
  assert.ok(after.exp <= before.exp, 'lives no longer than the subject token');
  assert.equal(after.act, undefined, 'no actor: no act');
});

test('a pairwise client\'s token (its sub the client\'s own, the member sealed): exchanged for one with the sub the service sees', async () => {
  const pw = { id: 'web-pw', secret: 'web-pw-secret-0123456789', redirectUri: 'https://pw.example/cb' };
  await gh.addClient({ ...pw, redirectUris: pw.redirectUri, scope: 'openid profile orders:read', extraArgs: ['--subject-type', 'pairwise'] });
  const tokens = await gh.obtainTokens(pw, user, { scope: 'openid orders:read' });
  const before = decodeJwt(tokens.access_token).payload;
  assert.notEqual(before.sub, user.sub, 'the pairwise client\'s token carries its own sub');
  const res = await exchange(svc, { subject_token: tokens.access_token, subject_token_type: AT, resource: ORDERS });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  const after = decodeJwt(res.json.access_token).payload;
  assert.equal(after.sub, user.sub, 'the service (public subject type) sees the member\'s own sub');
  assert.equal(after.gh_member, undefined);
});

test('delegation: act names the actor, nested along the chain', async () => {
  const tokens = await gh.obtainTokens(web, user, { scope: 'openid orders:read' });
  const svcToken = (await gh.token({ grant_type: 'client_credentials', client_id: svc.id, client_secret: svc.secret, scope: 'orders:read' })).json.access_token;
  const first = await exchange(svc, { subject_token: tokens.access_token, subject_token_type: AT, actor_token: svcToken, actor_token_type: AT, resource: ORDERS });
  assert.equal(first.status, 200, JSON.stringify(first.json));
  assert.deepEqual(decodeJwt(first.json.access_token).payload.act, { sub: svc.id });
  const svc2Token = (await gh.token({ grant_type: 'client_credentials', client_id: svc2.id, client_secret: svc2.secret })).json.access_token;
  const second = await exchange(svc2, { subject_token: first.json.access_token, subject_token_type: AT, actor_token: svc2Token, actor_token_type: AT, audience: 'https://billing.example/' });
  assert.equal(second.status, 200, JSON.stringify(second.json));
  const claims = decodeJwt(second.json.access_token).payload;
  assert.deepEqual(claims.act, { sub: svc2.id, act: { sub: svc.id } });
  assert.equal(claims.aud, 'https://billing.example/');
});

test('revoking the person\'s grant revokes the exchanged token', async () => {
  const tokens = await gh.obtainTokens(web, user, { scope: 'openid orders:read' });
  const ex = await exchange(svc, { subject_token: tokens.access_token, subject_token_type: AT, resource: ORDERS });
  assert.equal(ex.status, 200);
  const live = await gh.introspect({ token: ex.json.access_token, client_id: svc.id, client_secret: svc.secret });
  assert.equal(live.json.active, true);
  const revoked = await gh.revoke({ token: tokens.refresh_token, client_id: web.id, client_secret: web.secret });
  assert.equal(revoked.status, 200);
  const dead = await gh.introspect({ token: ex.json.access_token, client_id: svc.id, client_secret: svc.secret });
  assert.equal(dead.json.active, false);
  const again = await raw(svc, { subject_token: tokens.access_token, subject_token_type: AT });
  assert.equal(again.json.error, 'invalid_request', 'a revoked subject token');
});

test('refusals with the RFC\'s error codes', async () => {
  const tokens = await gh.obtainTokens(web, user, { scope: 'openid orders:read' });
  const good = { subject_token: tokens.access_token, subject_token_type: AT };
  const cases = [
    ['no subject_token', { subject_token_type: AT }, 'invalid_request'],
    ['another subject_token_type', { ...good, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }, 'invalid_request'],
    ['a forged subject_token', { ...good, subject_token: tamperSignature(tokens.access_token) }, 'invalid_request'],
    ['an id_token as subject', { ...good, subject_token: tokens.id_token }, 'invalid_request'],
    ['requested refresh_token', { ...good, requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }, 'invalid_request'],
    ['actor_token without its type', { ...good, actor_token: tokens.access_token }, 'invalid_request'],
    ['a wider scope', { ...good, scope: 'openid profile orders:read' }, 'invalid_scope'],
    ['a resource not allowed', { ...good, resource: 'https://billing.example/' }, 'invalid_target'],
    ['an audience not allowed', { ...good, audience: 'https://evil.example/' }, 'invalid_target'],
  ];
  for (const [what, params, error] of cases) {
    const res = await raw(svc, params);
    assert.equal(res.status, 400, `${what}: ${res.text}`);
    assert.equal(res.json.error, error, what);
  }
  const notAllowed = await raw(web, good);
  assert.equal(notAllowed.json.error, 'unauthorized_client', 'a client without the grant');
});
