// Signing keys: `gatehouse keys rotate` on a running server is picked up
// without a restart (the new key signs, the old one stays in the JWKS so the
// tokens it signed still verify), `signing_alg = ES256` gives ES256
// id_tokens and access tokens that a certified relying party (openid-client)
// validates, and `access_token_alg = ES256` signs access tokens with an ES256
// key while id_tokens stay RS256, each algorithm with its own key (and its own
// rotation); `signing_alg = EdDSA` signs with Ed25519 keys (RFC 8037).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import * as oidc from 'openid-client';

import { USERINFO_PATH, codeGrant, decodeJwt, setup, sleep, useGatehouse, verifyJwt } from './lib/harness.mjs';

const rs = useGatehouse({ label: 'gatehouse-rs256' });
const es = useGatehouse({ label: 'gatehouse-es256', config: { signing_alg: 'ES256' } });
const mixed = useGatehouse({ label: 'gatehouse-mixed', config: { access_token_alg: 'ES256' } });
const ed = useGatehouse({ label: 'gatehouse-eddsa', config: { signing_alg: 'EdDSA' } });
const ps = useGatehouse({ label: 'gatehouse-ps256', config: { signing_alg: 'PS256' } });

const user = { username: 'keyuser', password: 'pa55-Word!x', email: 'k@example.com', nickname: 'k' };
const clients = {};

setup(async () => {
  for (const [name, gh] of Object.entries({ rs, es, mixed, ed, ps })) {
    clients[name] = await gh.addClient({ id: `keys-${name}`, secret: `keys-${name}-secret-0123`, redirectUris: 'https://rp.example/cb' });
    await gh.addUser(user);
  }
});

/** Code flow over HTTP; resolves to the token answer. */
async function tokens(gh, client) {
  const params = { client_id: client.id, redirect_uri: client.redirectUri, response_type: 'code', scope: 'openid profile', state: 's' };
  const r = await gh.authorize(params, { username: user.username, password: user.password });
  assert.ok(r.redirect, `authorize: ${r.response.describe()}`);
  const res = await gh.token(codeGrant(client, r.redirect.searchParams.get('code')));
  assert.equal(res.status, 200, res.describe());
  return res.json;
}

async function jwks(gh) {
  return (await gh.get('/oauth2/v1/keys')).json;
}

test('keys rotate: a running server signs with the new key within seconds, the old key stays published', async () => {
  const before = await tokens(rs, clients.rs);
  const oldKid = decodeJwt(before.access_token).header.kid;
  const r = await rs.cli(['keys', 'rotate', '--now']);
  assert.equal(r.code, 0, r.stderr);

  let after;
  for (let i = 0; i < 40; i++) { // the key ring reloads every 2 s
    after = await tokens(rs, clients.rs);
    if (decodeJwt(after.access_token).header.kid !== oldKid) break;
    await sleep(250);
  }
  const newKid = decodeJwt(after.access_token).header.kid;
  assert.notEqual(newKid, oldKid, 'new tokens are signed by the new key');
  assert.equal(decodeJwt(after.id_token).header.kid, newKid, 'id_tokens too');

  const set = await jwks(rs);
  assert.deepEqual(set.keys.map((k) => k.kid).sort(), [oldKid, newKid].sort(), 'both keys published');
  assert.ok(verifyJwt(before.id_token, set), 'a token of the old key still verifies against the JWKS');
  const old = await rs.get(USERINFO_PATH, { headers: { authorization: `Bearer ${before.access_token}` } });
  assert.equal(old.status, 200, `the old key's access token still works: ${old.describe()}`);
});

/**
 * A code flow by openid-client (a certified relying party) against gh, which
 * validates the id_token; then the userinfo it fetches with the access token.
 * Resolves to the token answer.
 */
async function relyingPartyFlow(gh, client, state) {
  const config = await oidc.discovery(new URL(gh.base), client.id, { client_secret: client.secret }, oidc.ClientSecretPost(client.secret), {
    execute: [oidc.allowInsecureRequests],
  });
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: client.redirectUri, scope: 'openid profile', nonce, state });
  const r = await gh.authorize(url.href, { username: user.username, password: user.password });
  assert.ok(r.redirect, `authorize: ${r.response.describe()}`);
  const t = await oidc.authorizationCodeGrant(config, r.redirect, { expectedNonce: nonce, expectedState: state });
  const info = await oidc.fetchUserInfo(config, t.access_token, t.claims().sub);
  assert.equal(info.nickname, user.nickname);
  return t;
}

test('signing_alg = ES256: discovery, JWKS and tokens use ES256, and openid-client validates them', async () => {
  const d = (await es.get('/.well-known/openid-configuration')).json;
  assert.deepEqual(d.id_token_signing_alg_values_supported, ['ES256']);
  const set = await jwks(es);
  assert.ok(set.keys.length >= 1 && set.keys.every((k) => k.kty === 'EC' && k.crv === 'P-256' && k.alg === 'ES256'), JSON.stringify(set));

  const t = await relyingPartyFlow(es, clients.es, 'es');
  assert.equal(decodeJwt(t.id_token).header.alg, 'ES256');
  assert.equal(decodeJwt(t.access_token).header.alg, 'ES256');
});

test('signing_alg = EdDSA: Ed25519 keys in the JWKS, EdDSA tokens that openid-client validates, at_hash over SHA-512', async () => {
  const d = (await ed.get('/.well-known/openid-configuration')).json;
  assert.deepEqual(d.id_token_signing_alg_values_supported, ['EdDSA']);
  const set = await jwks(ed);
  assert.ok(set.keys.length >= 1 && set.keys.every((k) => k.kty === 'OKP' && k.crv === 'Ed25519' && k.alg === 'EdDSA' && !k.d), JSON.stringify(set));

  const t = await relyingPartyFlow(ed, clients.ed, 'ed');
  const id = decodeJwt(t.id_token), at = decodeJwt(t.access_token);
  assert.deepEqual([id.header.alg, at.header.alg, at.header.typ], ['EdDSA', 'EdDSA', 'at+jwt']);
  assert.ok(verifyJwt(t.id_token, set) && verifyJwt(t.access_token, set), 'both verify against the JWKS');
  // OpenID Connect Core §3.1.3.6 with the hash EdDSA over Ed25519 takes (SHA-512), as oauth4webapi checks it
  const digest = crypto.createHash('sha512').update(t.access_token).digest();
  assert.equal(id.payload.at_hash, digest.subarray(0, 32).toString('base64url'));

  // a rotation makes another Ed25519 key, which signs at once with --now
  const r = await ed.cli(['--config', ed.configPath, 'keys', 'rotate', '--alg', 'EdDSA', '--now']);
  assert.equal(r.code, 0, r.stderr);
  const newKid = r.stdout.trim();
  let after;
  for (let i = 0; i < 40; i++) { // the key ring reloads every 2 s
    after = await tokens(ed, clients.ed);
    if (decodeJwt(after.access_token).header.kid === newKid) break;
    await sleep(250);
  }
  assert.equal(decodeJwt(after.access_token).header.kid, newKid, 'the new Ed25519 key signs');
  assert.equal((await ed.get(USERINFO_PATH, { headers: { authorization: `Bearer ${t.access_token}` } })).status, 200, 'the old key\'s token still works');
});

test('signing_alg = PS256: RSA keys named PS256 in the JWKS, RSASSA-PSS tokens that openid-client validates', async () => {
  const d = (await ps.get('/.well-known/openid-configuration')).json;
  assert.deepEqual(d.id_token_signing_alg_values_supported, ['PS256']);
  const set = await jwks(ps);
  assert.ok(set.keys.length >= 1 && set.keys.every((k) => k.kty === 'RSA' && k.alg === 'PS256' && !k.d), JSON.stringify(set));
  const t = await relyingPartyFlow(ps, clients.ps, 'ps');
  const id = decodeJwt(t.id_token), at = decodeJwt(t.access_token);
  assert.deepEqual([id.header.alg, at.header.alg], ['PS256', 'PS256']);
  assert.ok(verifyJwt(t.id_token, set) && verifyJwt(t.access_token, set), 'both verify as PSS against the JWKS');
  // the same signing input signed twice differs (PSS's salt): a fresh access token's signature is not the old one's
  const again = await tokens(ps, clients.ps);
  assert.notEqual(again.access_token.split('.')[2], t.access_token.split('.')[2]);
});

/** The kids `keys list` shows as signing, by algorithm. */
async function signingKids(gh) {
  const r = await gh.cli(['keys', 'list']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((line) => line.split('\t'));
  return Object.fromEntries(rows.filter((row) => row[3] === 'signing').map(([kid, alg]) => [alg, kid]));
}

test('access_token_alg = ES256: access tokens ES256, id_tokens RS256, each from its own key; openid-client validates them', async () => {
  const d = (await mixed.get('/.well-known/openid-configuration')).json;
  assert.deepEqual(d.id_token_signing_alg_values_supported, ['RS256'], 'id_tokens stay RS256 (OpenID Connect Discovery 1.0 §3)');
  const signing = await signingKids(mixed);
  assert.deepEqual(Object.keys(signing).sort(), ['ES256', 'RS256'], 'one signing key per algorithm');
  const set = await jwks(mixed);
  assert.deepEqual(set.keys.map((k) => `${k.kid} ${k.alg}`).sort(), [`${signing.ES256} ES256`, `${signing.RS256} RS256`].sort());

  const t = await relyingPartyFlow(mixed, clients.mixed, 'mixed');
  const idHeader = decodeJwt(t.id_token).header;
  const atHeader = decodeJwt(t.access_token).header;
  assert.deepEqual([idHeader.alg, idHeader.kid], ['RS256', signing.RS256]);
  assert.deepEqual([atHeader.alg, atHeader.kid, atHeader.typ], ['ES256', signing.ES256, 'at+jwt']);
  assert.ok(verifyJwt(t.access_token, set), 'the access token verifies against the JWKS');
});

test('keys rotate with two algorithms: a new key for each, both picked up within seconds, the old ones still published', async () => {
  const before = await tokens(mixed, clients.mixed);
  const old = await signingKids(mixed);
  const r = await mixed.cli(['--config', mixed.configPath, 'keys', 'rotate', '--now']); // the server's configuration: both algorithms
  assert.equal(r.code, 0, r.stderr);
  const printed = r.stdout.trim().split('\n');
  const now = await signingKids(mixed);
  assert.deepEqual(printed, [now.RS256, now.ES256], 'the new kids, id tokens\' first');
  assert.ok(now.RS256 !== old.RS256 && now.ES256 !== old.ES256, 'both algorithms rotated');

  let after;
  for (let i = 0; i < 40; i++) { // the key ring reloads every 2 s
    after = await tokens(mixed, clients.mixed);
    if (decodeJwt(after.access_token).header.kid === now.ES256) break;
    await sleep(250);
  }
  assert.equal(decodeJwt(after.access_token).header.kid, now.ES256, 'access tokens by the new ES256 key');
  assert.equal(decodeJwt(after.id_token).header.kid, now.RS256, 'id_tokens by the new RS256 key');
  const set = await jwks(mixed);
  assert.deepEqual(set.keys.map((k) => k.kid).sort(), [old.RS256, old.ES256, now.RS256, now.ES256].sort(), 'all four published');
  const info = await mixed.get(USERINFO_PATH, { headers: { authorization: `Bearer ${before.access_token}` } });
  assert.equal(info.status, 200, `the old ES256 key's access token still works: ${info.describe()}`);
});
