// error_style = rfc6749 end to end: the token endpoint answers RFC 6749 §5.2
// errors (name, status, invalid_client with a Basic challenge), userinfo
// answers RFC 6750 §3 (401 + `Bearer error="invalid_token"`, 403
// insufficient_scope, and a bare `Bearer` challenge with no error code when
// the request carries no token at all, §3.1).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { basicAuth, codeGrant, refreshGrant, setup, useGatehouse, USERINFO_PATH } from './lib/harness.mjs';

const gh = useGatehouse({ config: { error_style: 'rfc6749' } });

let client;
let machine;
let user;

setup(async () => {
  client = await gh.addClient({ id: 'rp-rfc', secret: 'rp-rfc-secret-0123456789', redirectUris: 'https://rp.example/cb', scope: 'openid profile' });
  machine = await gh.addClient({ id: 'svc-rfc', secret: 'svc-rfc-secret-0123456789', redirectUris: 'https://svc.example/cb', scope: 'openid profile api', grants: ['client_credentials'] });
  user = await gh.addUser({ username: 'alice', password: 'correct horse 7', email: 'alice@example.com', nickname: 'ali' });
});

/** An RFC 6749 §5.2 error: status, JSON, the error name, a description, no-store. */
function assertRfcError(res, status, error, what) {
  const ctx = `${what}: ${res.describe()}`;
  assert.equal(res.status, status, ctx);
  assert.match(res.header('content-type') ?? '', /^application\/json/i, ctx);
  assert.match(res.header('cache-control') ?? '', /no-store/i, ctx);
  assert.equal(res.json?.error, error, ctx);
  assert.equal(typeof res.json.error_description, 'string', ctx);
  assert.equal(res.json.payload, undefined, `${what}: not the seed envelope`);
}

const secretPost = (c) => ({ client_id: c.id, client_secret: c.secret });

test('token endpoint: invalid_request and unsupported_grant_type (400)', async () => {
  assertRfcError(await gh.token({ ...secretPost(client) }), 400, 'invalid_request', 'grant_type missing');
  assertRfcError(await gh.token({ grant_type: 'password', ...secretPost(client) }), 400, 'unsupported_grant_type', 'password grant');
  const twice = 'grant_type=client_credentials&grant_type=client_credentials&client_id=svc-rfc&client_secret=svc-rfc-secret-0123456789';
  const res = await gh.post('/oauth2/v1/token', twice, { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertRfcError(res, 400, 'invalid_request', 'grant_type repeated');
});

test('token endpoint: invalid_client is 401 with a Basic challenge', async () => {
  const basic = await gh.token({ grant_type: 'client_credentials' }, { basic: { id: machine.id, secret: 'wrong-secret-0000' } });
  assertRfcError(basic, 401, 'invalid_client', 'wrong secret over Basic');
  assert.match(basic.header('www-authenticate') ?? '', /^Basic\b/, 'Basic challenge');
  const post = await gh.token({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'whatever-0000' });
  assertRfcError(post, 401, 'invalid_client', 'unknown client in the body');
  assert.match(post.header('www-authenticate') ?? '', /^Basic\b/, 'a 401 always carries a challenge');
  const none = await gh.token({ grant_type: 'client_credentials', client_id: machine.id });
  assertRfcError(none, 401, 'invalid_client', 'confidential client without its secret');
});

test('token endpoint: unauthorized_client, invalid_grant, invalid_scope (400)', async () => {
  assertRfcError(await gh.token({ grant_type: 'client_credentials', ...secretPost(client) }), 400, 'unauthorized_client', 'grant not registered');
  assertRfcError(await gh.token(codeGrant(client, 'no-such-code')), 400, 'invalid_grant', 'unknown code');
  const tokens = await gh.obtainTokens(client, user, { scope: 'openid' });
  assertRfcError(await gh.token(refreshGrant(client, tokens.refresh_token, { scope: 'openid profile' })), 400, 'invalid_scope', 'wider scope on refresh');
  assertRfcError(await gh.token(refreshGrant(client, 'no-such-refresh-token')), 400, 'invalid_grant', 'unknown refresh token');
  assertRfcError(await gh.token({ grant_type: 'client_credentials', scope: 'email', ...secretPost(machine) }), 400, 'invalid_scope', 'unregistered scope');
});

test('userinfo without any token: 401 with a bare Bearer challenge and no error code', async () => {
  for (const [what, headers] of [
    ['no Authorization', {}],
    ['another scheme', { authorization: basicAuth(client.id, client.secret) }],
  ]) {
    const res = await gh.get(USERINFO_PATH, { headers });
    assert.equal(res.status, 401, `${what}: ${res.describe()}`);
    assert.equal(res.header('www-authenticate'), 'Bearer', what);
    assert.equal(res.json?.error, undefined, `${what}: no error code`);
  }
});

test('userinfo with a bad token: 401 Bearer error="invalid_token"', async () => {
  for (const [what, headers] of [
    ['garbage', { authorization: 'Bearer abc.def.ghi' }],
    ['empty Bearer', { authorization: 'Bearer ' }],
  ]) {
    const res = await gh.get(USERINFO_PATH, { headers });
    assertRfcError(res, 401, 'invalid_token', what);
    assert.equal(res.header('www-authenticate'), 'Bearer error="invalid_token"', what);
  }
});

test('userinfo with a token lacking openid: 403 Bearer error="insufficient_scope"', async () => {
  const t = await gh.token({ grant_type: 'client_credentials', ...secretPost(machine) });
  assert.equal(t.status, 200, t.describe());
  assert.equal(t.json.scope, 'api', 'no scope of a person for a client alone');
  const res = await gh.userinfo(t.json.access_token);
  assertRfcError(res, 403, 'insufficient_scope', 'client_credentials token');
  assert.equal(res.header('www-authenticate'), 'Bearer error="insufficient_scope"');
});

test('userinfo with the token sent two ways: 400 Bearer error="invalid_request"', async () => {
  const tokens = await gh.obtainTokens(client, user);
  const res = await gh.get(`${USERINFO_PATH}?access_token=${tokens.access_token}`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  assertRfcError(res, 400, 'invalid_request', 'header and query');
  assert.equal(res.header('www-authenticate'), 'Bearer error="invalid_request"');
});
