// A replayed authorization code (RFC 6749 §4.1.2, RFC 9700 §4.5): the replay
// is always refused; when the code's own client replays it, the grant the
// first redemption started is revoked — every access token issued from it
// (also those of later refreshes) and its refresh tokens — for a public
// client always, for a confidential one with code_replay_revokes = all, the
// default since issue 17 (RFC 6749 §4.1.2). With code_replay_revokes = public
// a confidential client's replay leaves its tokens working.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import { assertSeedError, codeGrant, refreshGrant, setup, useGatehouse } from './lib/harness.mjs';

const lenient = useGatehouse({ config: { code_replay_revokes: 'public' }, label: 'code_replay_revokes=public' });
const strict = useGatehouse({ label: 'default (code_replay_revokes=all)' });

const REDIRECT = 'https://rp.example/cb';
const spec = {
  spa: { id: 'spa', redirectUris: 'https://spa.example/cb', isPublic: true },
  web: { id: 'web', secret: 'web-secret-0123456789', redirectUris: REDIRECT },
  other: { id: 'other', secret: 'other-secret-0123456789', redirectUris: REDIRECT },
};
const clients = new Map(); // server -> { spa, web, other, user }

setup(async () => {
  for (const server of [lenient, strict]) {
    const c = {};
    for (const [name, s] of Object.entries(spec)) c[name] = await server.addClient(s);
    c.user = await server.addUser({ username: 'paz', password: 'p_az-Pass-12345', email: 'paz@example.test', nickname: 'paz' });
    clients.set(server, c);
  }
});

/** A code for client on server, with its token request (PKCE for a public client). */
async function redeemable(server, client) {
  const { user } = clients.get(server);
  if (!client.isPublic) {
    const { code } = await server.obtainCode(client, user);
    return codeGrant(client, code);
  }
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const { code } = await server.obtainCode(client, user, { extra: { code_challenge: challenge, code_challenge_method: 'S256' } });
  return codeGrant(client, code, { code_verifier: verifier });
}

/** Redeems a code, refreshes once; resolves to { grant, first, refreshed } (the two token answers). */
async function grantWithRefresh(server, client) {
  const grant = await redeemable(server, client);
  const first = await server.token(grant);
  assert.equal(first.status, 200, first.describe());
  const refreshed = await server.token(refreshGrant(client, first.json.refresh_token));
  assert.equal(refreshed.status, 200, refreshed.describe());
  return { grant, first: first.json, refreshed: refreshed.json };
}

async function assertGrantRevoked(server, client, { first, refreshed }) {
  for (const [what, t] of [['first', first], ['refreshed', refreshed]])
    assertSeedError(await server.userinfo(t.access_token), '10075', `the ${what} access token after the replay`);
  assertSeedError(await server.token(refreshGrant(client, refreshed.refresh_token)), '10051', 'the live refresh token after the replay');
}

test('a public client replays its code: refused, and every token of the grant is revoked', async () => {
  const { spa } = clients.get(lenient);
  const g = await grantWithRefresh(lenient, spa);
  assert.equal((await lenient.userinfo(g.first.access_token)).status, 200, 'live before the replay');
  assertSeedError(await lenient.token(g.grant), '10051', 'the replayed code');
  await assertGrantRevoked(lenient, spa, g);
  const other = await grantWithRefresh(lenient, spa);
  assert.equal((await lenient.userinfo(other.refreshed.access_token)).status, 200, 'another grant of the same client and user lives on');
});

test('with code_replay_revokes = public a confidential client replaying its code is refused and keeps its tokens', async () => {
  const { web } = clients.get(lenient);
  const g = await grantWithRefresh(lenient, web);
  assertSeedError(await lenient.token(g.grant), '10051', 'the replayed code');
  assert.equal((await lenient.userinfo(g.first.access_token)).status, 200);
  assert.equal((await lenient.token(refreshGrant(web, g.refreshed.refresh_token))).status, 200);
});

test('by default (code_replay_revokes = all) a confidential client replaying its code loses the grant', async () => {
  const { web } = clients.get(strict);
  const g = await grantWithRefresh(strict, web);
  assertSeedError(await strict.token(g.grant), '10051', 'the replayed code');
  await assertGrantRevoked(strict, web, g);
  const again = await strict.introspect({ client_id: web.id, client_secret: web.secret, token: g.refreshed.access_token });
  assert.deepEqual(again.json, { active: false }, 'introspection agrees');
});

test('a used code presented by another client is refused and revokes nothing', async () => {
  const { web, other } = clients.get(strict);
  const g = await grantWithRefresh(strict, web);
  assertSeedError(await strict.token({ ...g.grant, client_id: other.id, client_secret: other.secret }), '10051', 'the code under another client');
  assert.equal((await strict.userinfo(g.refreshed.access_token)).status, 200);
  assert.equal((await strict.token(refreshGrant(web, g.refreshed.refresh_token))).status, 200);
});
