// Token revocation (RFC 7009) and introspection (RFC 7662): a client hands
// back its refresh token (the whole grant dies: the refresh family and the
// access tokens issued from it) or its access token (denied
// by jti at userinfo and introspection until it expires); introspection shows
// a confidential client the members of its own live tokens and nothing of
// anyone else's; unknown and garbage tokens answer 200 / {"active":false};
// client authentication fails as at the token endpoint, in both error styles.
// openid-client drives the standard calls; raw requests check the wire.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { before, test } from 'node:test';

import * as oidc from 'openid-client';

import {
  DISCOVERY_PATH,
  INTROSPECT_PATH,
  REVOKE_PATH,
  assertSeedError,
  codeGrant,
  decodeJwt,
  refreshGrant,
  sleep,
  useGatehouse,
} from './lib/harness.mjs';

const gh = useGatehouse();
const SHORT_TTL = 2;
const rfc = useGatehouse({ config: { error_style: 'rfc6749', access_token_ttl: SHORT_TTL }, label: 'gatehouse (rfc6749)' });

const REDIRECT_URI = 'https://rp.example/cb';
const GRANTS = ['authorization_code', 'refresh_token', 'client_credentials'];

let alpha; // the confidential client whose tokens are revoked and introspected
let beta; // another confidential client
let pub; // a public client
let user;

before(async () => {
  alpha = await gh.addClient({ id: 'alpha', secret: 'alpha-secret-0123456789', redirectUris: REDIRECT_URI, grants: GRANTS });
  beta = await gh.addClient({ id: 'beta', secret: 'beta-secret-0123456789', redirectUris: REDIRECT_URI, grants: GRANTS });
  pub = await gh.addClient({ id: 'pub', redirectUris: REDIRECT_URI, isPublic: true });
  user = await gh.addUser({ username: 'rita', password: 'pa55-Word!r_ita', email: 'rita@example.test', nickname: 'rita' });
  await rfc.addClient({ id: 'alpha', secret: 'alpha-secret-0123456789', redirectUris: REDIRECT_URI, grants: GRANTS });
  await rfc.addClient({ id: 'pub', redirectUris: REDIRECT_URI, isPublic: true });
});

/** Fresh user tokens of alpha (or of the public client, with PKCE). */
async function userTokens(client = alpha) {
  if (!client.isPublic) return gh.obtainTokens(client, user, { scope: 'openid profile' });
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const extra = { code_challenge: challenge, code_challenge_method: 'S256' };
  const { code } = await gh.obtainCode(client, user, { scope: 'openid profile', extra });
  const res = await gh.token({ grant_type: 'authorization_code', code, client_id: client.id, redirect_uri: client.redirectUri, code_verifier: verifier });
  assert.equal(res.status, 200, res.describe());
  return res.json;
}

const auth = (client) => ({ client_id: client.id, client_secret: client.secret });

/** A relying party (openid-client) configured from discovery for client. */
function relyingParty(server, client, clientAuth = oidc.ClientSecretPost()) {
  return oidc.discovery(new URL(server.base), client.id, client.secret, clientAuth, { execute: [oidc.allowInsecureRequests] });
}

async function introspect(client, token, server = gh) {
  const res = await server.introspect({ ...auth(client), token });
  assert.equal(res.status, 200, res.describe());
  assert.match(res.header('content-type') ?? '', /^application\/json/i);
  assert.match(res.header('cache-control') ?? '', /no-store/i);
  return res.json;
}

function assertRevoked(res, what) {
  assert.equal(res.status, 200, `${what}: ${res.describe()}`);
  assert.equal(res.text, '', `${what}: RFC 7009 §2.2 answers with an empty body`);
  assert.match(res.header('cache-control') ?? '', /no-store/i, `${what}: Cache-Control`);
}

test('discovery advertises both endpoints and how clients authenticate there', async () => {
  const d = (await gh.get(DISCOVERY_PATH)).json;
  assert.equal(d.revocation_endpoint, gh.url(REVOKE_PATH));
  assert.equal(d.introspection_endpoint, gh.url(INTROSPECT_PATH));
  assert.deepEqual(d.revocation_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
  assert.deepEqual(d.introspection_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
});

test('a live access token introspects with the RFC 7662 members (openid-client, Basic)', async () => {
  const tokens = await userTokens();
  const claims = decodeJwt(tokens.access_token).payload;
  const rp = await relyingParty(gh, alpha, oidc.ClientSecretBasic());
  const got = await oidc.tokenIntrospection(rp, tokens.access_token);
  const want = {
    active: true,
    scope: 'openid profile',
    client_id: alpha.id,
    username: user.username,
    token_type: 'Bearer',
    exp: claims.exp,
    iat: claims.iat,
    sub: user.sub,
    aud: gh.base,
    iss: gh.base,
    jti: claims.jti,
  };
  assert.deepEqual({ ...got }, want);
});

test('a live refresh token introspects as refresh_token', async () => {
  const tokens = await userTokens();
  const got = await introspect(alpha, tokens.refresh_token);
  const now = Math.floor(Date.now() / 1000);
  assert.equal(got.active, true);
  assert.equal(got.token_type, 'refresh_token');
  assert.equal(got.scope, 'openid profile');
  assert.equal(got.client_id, alpha.id);
  assert.equal(got.sub, user.sub);
  assert.equal(got.username, user.username);
  assert.equal(got.iss, gh.base);
  assert.ok(Math.abs(got.iat - now) < 60, `iat ${got.iat}`);
  assert.ok(got.exp > now + 3600, `exp ${got.exp} is the refresh token's, far off`);
});

test('a client_credentials token introspects without a username; its sub is the client', async () => {
  const res = await gh.token({ grant_type: 'client_credentials', ...auth(alpha) });
  assert.equal(res.status, 200, res.describe());
  const got = await introspect(alpha, res.json.access_token);
  assert.equal(got.active, true);
  assert.equal(got.sub, alpha.id);
  assert.equal(got.username, undefined);
});

test('revoking a refresh token kills its family: the grant fails and introspection says inactive', async () => {
  const first = await userTokens();
  const rotated = await gh.token(refreshGrant(alpha, first.refresh_token));
  assert.equal(rotated.status, 200, rotated.describe());
  const live = rotated.json.refresh_token;

  const rp = await relyingParty(gh, alpha);
  await oidc.tokenRevocation(rp, live); // openid-client accepts the answer
  assertRevoked(await gh.revoke({ ...auth(alpha), token: live, token_type_hint: 'refresh_token' }), 'revoking again');

  assertSeedError(await gh.token(refreshGrant(alpha, live)), '10051', 'refresh with the revoked token');
  assertSeedError(await gh.token(refreshGrant(alpha, first.refresh_token)), '10051', 'refresh with its used parent');
  assert.deepEqual(await introspect(alpha, live), { active: false });
  // RFC 7009 §2.1: the access tokens of the same grant go with it
  for (const t of [first.access_token, rotated.json.access_token]) {
    assertSeedError(await gh.userinfo(t), '10075', 'an access token of the revoked grant');
    assert.deepEqual(await introspect(alpha, t), { active: false });
  }
});

test('revoking an access token denies it at userinfo and introspection; the hint is only a hint', async () => {
  const tokens = await userTokens();
  assert.equal((await gh.userinfo(tokens.access_token)).status, 200);
  // the wrong hint: the server still finds the access token (RFC 7009 §2.1)
  const res = await gh.revoke({ ...auth(alpha), token: tokens.access_token, token_type_hint: 'refresh_token' });
  assertRevoked(res, 'revoking the access token');
  assertSeedError(await gh.userinfo(tokens.access_token), '10075', 'userinfo with a revoked access token');
  assert.deepEqual(await introspect(alpha, tokens.access_token), { active: false });
  assertRevoked(await gh.revoke({ ...auth(alpha), token: tokens.access_token }), 'revoking it twice');
  // the refresh token of the same grant is untouched
  assert.equal((await gh.token(refreshGrant(alpha, tokens.refresh_token))).status, 200);
});

test('unknown and garbage tokens: revoke answers 200, introspection {"active":false}', async () => {
  const { access_token: jwt } = await userTokens();
  const [h, p] = jwt.split('.');
  const garbage = [
    'no-such-token',
    crypto.randomBytes(32).toString('base64url'),
    'a.b.c',
    `${h}.${p}.${Buffer.from('forged').toString('base64url')}`,
    'é\u0001%00',
  ];
  for (const token of garbage) {
    assertRevoked(await gh.revoke({ ...auth(alpha), token }), `revoke ${token}`);
    assert.deepEqual(await introspect(alpha, token), { active: false }, `introspect ${token}`);
  }
  assertRevoked(await gh.revoke({ ...auth(alpha), token: jwt, token_type_hint: 'something_else' }), 'unknown hint');
});

test("another client's tokens are neither revoked nor shown", async () => {
  const tokens = await userTokens(alpha);
  assertRevoked(await gh.revoke({ ...auth(beta), token: tokens.access_token }), 'beta revokes alpha access token');
  assertRevoked(await gh.revoke({ ...auth(beta), token: tokens.refresh_token }), 'beta revokes alpha refresh token');
  assert.deepEqual(await introspect(beta, tokens.access_token), { active: false });
  assert.deepEqual(await introspect(beta, tokens.refresh_token), { active: false });
  assert.equal((await gh.userinfo(tokens.access_token)).status, 200, 'still valid at userinfo');
  assert.equal((await introspect(alpha, tokens.access_token)).active, true);
  assert.equal((await introspect(alpha, tokens.refresh_token)).active, true);
  assert.equal((await gh.token(refreshGrant(alpha, tokens.refresh_token))).status, 200, 'still refreshes');
});

test('a public client revokes its own tokens with its client_id alone but cannot introspect', async () => {
  const tokens = await userTokens({ ...pub, isPublic: true });
  assertSeedError(await gh.introspect({ client_id: pub.id, token: tokens.access_token }), '10076', 'public client introspects');
  assertRevoked(await gh.revoke({ client_id: pub.id, token: tokens.refresh_token }), 'public client revokes');
  assertSeedError(await gh.token({ grant_type: 'refresh_token', client_id: pub.id, refresh_token: tokens.refresh_token }), '10051', 'refresh after revocation');
});

test('bad requests and bad client authentication (seed 004 errors)', async () => {
  const { access_token: token } = await userTokens();
  for (const [path, name] of [[REVOKE_PATH, 'revoke'], [INTROSPECT_PATH, 'introspect']]) {
    assertSeedError(await gh.postForm(path, { client_id: alpha.id, client_secret: 'wrong', token }), '10076', `${name}: wrong secret`);
    assertSeedError(await gh.postForm(path, { client_id: 'nobody', client_secret: 'x', token }), '10076', `${name}: unknown client`);
    assertSeedError(await gh.postForm(path, { token }), '10076', `${name}: no client authentication`);
    assertSeedError(await gh.postForm(path, { token }, { basic: { id: alpha.id, secret: 'wrong' } }), '10076', `${name}: wrong Basic`);
    assertSeedError(await gh.postForm(path, auth(alpha)), '10051', `${name}: no token`);
    assertSeedError(await gh.postForm(path, { ...auth(alpha), token: '' }), '10051', `${name}: empty token`);
    const repeated = `${new URLSearchParams(auth(alpha))}&token=${token}&token=${token}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    assertSeedError(await gh.post(path, repeated, { headers: form }), '10051', `${name}: repeated token`);
    const json = JSON.stringify({ ...auth(alpha), token });
    assertSeedError(await gh.post(path, json, { headers: { 'content-type': 'application/json' } }), '10051', `${name}: JSON body`);
    assert.equal((await gh.get(path)).status, 405, `${name}: GET`);
  }
  assert.equal((await gh.userinfo(token)).status, 200, 'nothing above revoked the token');
});

test('rfc6749 style: invalid_client is 401 (Basic challenge), a revoked token a Bearer challenge', async () => {
  const cc = await rfc.token({ grant_type: 'client_credentials', client_id: 'alpha', client_secret: 'alpha-secret-0123456789' });
  assert.equal(cc.status, 200, cc.describe());
  const token = cc.json.access_token;
  const alphaRfc = { id: 'alpha', secret: 'alpha-secret-0123456789' };

  for (const path of [REVOKE_PATH, INTROSPECT_PATH]) {
    const basic = await rfc.postForm(path, { token }, { basic: { id: 'alpha', secret: 'wrong' } });
    assert.equal(basic.status, 401, `${path}: ${basic.describe()}`);
    assert.match(basic.header('www-authenticate') ?? '', /^Basic /, `${path}: challenge`);
    assert.equal(basic.json.error, 'invalid_client');
    const post = await rfc.postForm(path, { client_id: 'alpha', client_secret: 'wrong', token });
    assert.equal(post.status, 401, `${path}: ${post.describe()}`);
    assert.equal(post.json.error, 'invalid_client');
    const missing = await rfc.postForm(path, {}, { basic: alphaRfc });
    assert.equal(missing.status, 400, `${path}: ${missing.describe()}`);
    assert.equal(missing.json.error, 'invalid_request');
  }
  const pubRes = await rfc.introspect({ client_id: 'pub', token });
  assert.equal(pubRes.status, 401, pubRes.describe());
  assert.equal(pubRes.json.error, 'invalid_client');

  const rp = await relyingParty(rfc, { id: 'alpha', secret: alphaRfc.secret }, oidc.ClientSecretBasic());
  assert.equal((await oidc.tokenIntrospection(rp, token)).active, true);
  await oidc.tokenRevocation(rp, token);
  assert.equal((await oidc.tokenIntrospection(rp, token)).active, false);
  const ui = await rfc.userinfo(token);
  assert.equal(ui.status, 401, ui.describe());
  assert.match(ui.header('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
});

test('an expired access token is inactive and revoking it is a no-op 200', async () => {
  const cc = await rfc.token({ grant_type: 'client_credentials', client_id: 'alpha', client_secret: 'alpha-secret-0123456789' });
  assert.equal(cc.status, 200, cc.describe());
  const token = cc.json.access_token;
  assert.equal((await introspect({ id: 'alpha', secret: 'alpha-secret-0123456789' }, token, rfc)).active, true);
  await sleep((SHORT_TTL + 1) * 1000);
  assert.deepEqual(await introspect({ id: 'alpha', secret: 'alpha-secret-0123456789' }, token, rfc), { active: false });
  assertRevoked(await rfc.revoke({ client_id: 'alpha', client_secret: 'alpha-secret-0123456789', token }), 'revoke expired');
});
