// Signing keys: `gatehouse keys rotate` on a running server is picked up
// without a restart (the new key signs, the old one stays in the JWKS so the
// tokens it signed still verify), and `signing_alg = ES256` gives ES256
// id_tokens and access tokens that a certified relying party (openid-client)
// validates.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as oidc from 'openid-client';

import { USERINFO_PATH, codeGrant, decodeJwt, setup, sleep, useGatehouse, verifyJwt } from './lib/harness.mjs';

const rs = useGatehouse({ label: 'gatehouse-rs256' });
const es = useGatehouse({ label: 'gatehouse-es256', config: { signing_alg: 'ES256' } });

const user = { username: 'keyuser', password: 'pa55-Word!x', email: 'k@example.com', nickname: 'k' };
const clients = {};

setup(async () => {
  for (const [name, gh] of Object.entries({ rs, es })) {
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
  const r = await rs.cli(['keys', 'rotate']);
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

test('signing_alg = ES256: discovery, JWKS and tokens use ES256, and openid-client validates them', async () => {
  const d = (await es.get('/.well-known/openid-configuration')).json;
  assert.deepEqual(d.id_token_signing_alg_values_supported, ['ES256']);
  const set = await jwks(es);
  assert.ok(set.keys.length >= 1 && set.keys.every((k) => k.kty === 'EC' && k.crv === 'P-256' && k.alg === 'ES256'), JSON.stringify(set));

  const client = clients.es;
  const config = await oidc.discovery(new URL(es.base), client.id, { client_secret: client.secret }, oidc.ClientSecretPost(client.secret), {
    execute: [oidc.allowInsecureRequests],
  });
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: client.redirectUri, scope: 'openid profile', nonce, state: 'es' });
  const r = await es.authorize(url.href, { username: user.username, password: user.password });
  assert.ok(r.redirect, `authorize: ${r.response.describe()}`);
  const t = await oidc.authorizationCodeGrant(config, r.redirect, { expectedNonce: nonce, expectedState: 'es' });
  assert.equal(decodeJwt(t.id_token).header.alg, 'ES256');
  assert.equal(decodeJwt(t.access_token).header.alg, 'ES256');
  const info = await oidc.fetchUserInfo(config, t.access_token, t.claims().sub);
  assert.equal(info.nickname, user.nickname);
});
