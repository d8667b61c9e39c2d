// Issue 17 item 13 (server half): refresh_grace. Two tabs refreshing with the
// same refresh token at once must not be taken for theft when a grace is
// configured: within refresh_grace seconds of its first rotation, a rotated
// token presented again gets a fresh pair in the same grant. Without a grace
// (the default) the reuse revokes the whole grant, as RFC 9700 §4.14.2 reuse
// detection wants; after the grace, reuse is theft again.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertSeedError, refreshGrant, setup, sleep, useGatehouse } from './lib/harness.mjs';

const GRACE = 2;
const PARALLEL = 8;
const graceful = useGatehouse({ config: { refresh_grace: GRACE }, label: `refresh_grace=${GRACE}` });
const strict = useGatehouse({ label: 'default (no grace)' });

const spec = { id: 'tabs', secret: 'tabs-secret-0123456789', redirectUris: 'https://rp.example/cb' };
const person = { username: 'tab', password: 'Qv7-Pelx-52345', email: 'tab@example.test', nickname: 'tab' };
const clients = new Map();

setup(async () => {
  for (const server of [graceful, strict]) {
    clients.set(server, await server.addClient(spec));
    await server.addUser(person);
  }
});

/** PARALLEL refreshes of one refresh token at once; resolves to the answers. */
function refreshAtOnce(server, token) {
  const client = clients.get(server);
  return Promise.all(Array.from({ length: PARALLEL }, () => server.token(refreshGrant(client, token))));
}

test('within the grace, parallel refreshes with one token all succeed and the grant lives on', async () => {
  const client = clients.get(graceful);
  const t = await graceful.obtainTokens(client, person);
  const answers = await refreshAtOnce(graceful, t.refresh_token);
  for (const a of answers) assert.equal(a.status, 200, a.describe());
  const fresh = new Set(answers.map((a) => a.json.refresh_token));
  assert.equal(fresh.size, PARALLEL, 'each answer is a fresh pair');
  for (const a of answers) assert.equal((await graceful.userinfo(a.json.access_token)).status, 200, 'not revoked');
  assert.equal((await graceful.userinfo(t.access_token)).status, 200, 'the first access token is not revoked either');
  // every branch keeps rotating
  for (const a of answers.slice(0, 2)) assert.equal((await graceful.token(refreshGrant(client, a.json.refresh_token))).status, 200);
});

test('after the grace, presenting the rotated token again is theft: the grant is revoked', async () => {
  const client = clients.get(graceful);
  const t = await graceful.obtainTokens(client, person);
  const next = await graceful.token(refreshGrant(client, t.refresh_token));
  assert.equal(next.status, 200, next.describe());
  await sleep((GRACE + 1) * 1000 + 100);
  assertSeedError(await graceful.token(refreshGrant(client, t.refresh_token)), '10051', 'reuse after the grace');
  assertSeedError(await graceful.token(refreshGrant(client, next.json.refresh_token)), '10051', 'the successor is revoked');
  assertSeedError(await graceful.userinfo(next.json.access_token), '10075', "the successor's access token is revoked");
});

test('without a grace (the default), parallel refreshes have one winner and the reuse revokes the grant', async () => {
  const client = clients.get(strict);
  const t = await strict.obtainTokens(client, person);
  const answers = await refreshAtOnce(strict, t.refresh_token);
  const won = answers.filter((a) => a.status === 200);
  assert.equal(won.length, 1, `one winner: ${answers.map((a) => a.status).join(' ')}`);
  for (const a of answers.filter((x) => x.status !== 200)) assertSeedError(a, '10051', 'a losing refresh');
  assertSeedError(await strict.token(refreshGrant(client, won[0].json.refresh_token)), '10051', "the winner's token is revoked with its grant");
  assertSeedError(await strict.userinfo(won[0].json.access_token), '10075', "the winner's access token is revoked");
});
