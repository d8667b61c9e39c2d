// The console's client gatehouse-console at `serve` start (docs/admin.md
// "Console"): created when missing; when present, only what the console
// needs is put back (its redirect and post-logout URIs at this issuer, the
// code grant, openid and gatehouse:admin in its scope, no secret), and an
// operator's other changes (a name, more URIs, more scopes, require_mfa)
// survive a restart. An issuer change replaces the old console addresses.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { querySql, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse({ label: 'console-registration' });
const OPS_URI = 'https://ops.example/console/cb';

async function consoleClient() {
  const r = await gh.cli(['client', 'show', 'gatehouse-console']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function update(args) {
  const r = await gh.cli(['client', 'update', 'gatehouse-console', ...args]);
  assert.equal(r.code, 0, r.stderr);
}

async function restart() {
  assert.equal(await gh.stop(), null);
  await gh.start();
}

function serveUpdates() {
  return Number(querySql(gh.db, "SELECT count(*) FROM events WHERE action = 'client.update' AND actor = 'serve'"));
}

test('a start keeps the operator\'s changes to the console\'s client', async () => {
  const made = await consoleClient();
  assert.deepEqual(made.redirect_uris, [`${gh.base}/admin/callback`]);
  await update(['--name', 'Our console', '--redirect-uri', `${gh.base}/admin/callback`, '--redirect-uri', OPS_URI,
    '--scope', 'openid gatehouse:admin profile', '--require-mfa', '--grant', 'authorization_code', '--grant', 'refresh_token']);
  const before = await consoleClient();
  await restart();
  assert.deepEqual(await consoleClient(), before);
  assert.equal(serveUpdates(), 0, 'nothing to put back, nothing written');
});

test('a start puts back only what the console needs', async () => {
  await update(['--redirect-uri', OPS_URI, '--scope', 'profile', '--grant', 'refresh_token']);
  await restart();
  const c = await consoleClient();
  assert.deepEqual(c.redirect_uris, [OPS_URI, `${gh.base}/admin/callback`]);
  assert.equal(c.scope, 'profile openid gatehouse:admin');
  assert.deepEqual(c.grant_types, ['authorization_code', 'refresh_token']);
  assert.equal(c.client_name, 'Our console');
  assert.equal(c.require_mfa, true);
  assert.equal(c.token_endpoint_auth_method, 'none');
  assert.equal(serveUpdates(), 1);
});

test('after an issuer change the old console addresses are replaced, the others kept', async () => {
  const old = gh.base;
  gh.issuer = `http://localhost:${gh.port}`;
  await restart();
  const c = await consoleClient();
  assert.deepEqual(c.redirect_uris, [OPS_URI, `${gh.issuer}/admin/callback`]);
  assert.deepEqual(c.post_logout_redirect_uris, [`${gh.issuer}/admin/`]);
  assert.ok(!JSON.stringify(c).includes(`${old}/admin/`), 'no address of the old issuer');
});
