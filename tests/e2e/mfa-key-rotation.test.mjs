// The key that seals TOTP secrets at rest can change without losing anyone's
// authenticator (docs/mfa.md, "Changing the key"): moving from the generated
// key to a configured mfa_secret_key, then rotating mfa_secret_key with
// mfa_secret_key_previous. A secret sealed under an older key still opens at
// sign-in and is re-sealed under the current key as it is read; `gatehouse
// user mfa --reseal` re-seals the rest at once and deletes the generated key
// from the database once nothing needs it. The database records which key
// is in use: an instance or a command with another key is told, and seals
// nothing under it. Codes come from otplib.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { generate } from 'otplib';

import { querySql, setup, sleep, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse(); // no mfa_secret_key: the generated key, kept in the database
const REDIRECT = 'https://rp.example/cb';
const K1 = 'first-mfa-secret-key-0123456789-abcdef';
const K2 = 'second-mfa-secret-key-0123456789-abcdef';

let client;
let user;
let secret;
setup(async () => {
  client = await gh.addClient({ id: 'rp-rotation', secret: 'rp-rotation-secret-0123456789', redirectUris: REDIRECT });
  user = await gh.addUser({ username: 'rotor', password: 'Lantern-first-pw-123', email: 'rotor@example.com', nickname: 'ro' });
  const r = await gh.cli(['user', 'mfa', user.username, '--add-totp']);
  assert.equal(r.code, 0, r.stderr);
  secret = new URL(r.stdout.trim()).searchParams.get('secret');
});

/** A code for a step after the last one used (a code is good once), now or the next. */
let lastStep = -Infinity;
async function nextCode() {
  for (;;) {
    const now = Math.floor(Date.now() / 30000);
    const step = Math.max(lastStep + 1, now);
    if (step <= now + 1) {
      lastStep = step;
      return generate({ secret, epoch: step * 30 + 1 });
    }
    await sleep(1000);
  }
}

/** Signs in with the password and a code; resolves to the walk. */
async function signIn() {
  const params = { client_id: client.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' };
  return gh.authorize(params, { username: user.username, password: user.password, otp: await nextCode() });
}

async function restartWith(config) {
  assert.equal(await gh.stop(), null);
  gh.config = config;
  await gh.start();
}

const reseal = () => gh.cli(['--config', gh.configPath, 'user', 'mfa', '--reseal']);
const storedKey = () => querySql(gh.db, "SELECT count(*) FROM settings WHERE name = 'mfa_key'");

test('from the generated key to mfa_secret_key, then to another: every sign-in keeps its authenticator', async () => {
  // 1. a configured key: the generated one still opens, and the secret is re-sealed as it is read
  await restartWith({ mfa_secret_key: K1 });
  const from = gh.logSize();
  const first = await signIn();
  assert.ok(first.redirect, first.response.describe());
  assert.match(gh.logSince(from, Infinity), /"event":"mfa_secret_resealed"/);
  assert.equal(storedKey(), '1', 'the generated key stays until --reseal says nothing needs it');
  let r = await reseal();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /re-sealed 0, already under mfa_secret_key 1, unreadable 0/);
  assert.match(r.stdout, /generated key is deleted/);
  assert.equal(storedKey(), '0', 'a copy of the database alone now opens nothing');

  // 2. rotation: the new key with the old one as previous; --reseal moves every secret
  await restartWith({ mfa_secret_key: K2, mfa_secret_key_previous: K1 });
  r = await reseal();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /re-sealed 1, already under mfa_secret_key 0, unreadable 0/);

  // 3. an instance or a command left with the old key: told, and nothing is sealed under it
  const before = gh.logSize();
  await restartWith({ mfa_secret_key: K1 });
  assert.match(gh.logSince(before, Infinity), /"event":"mfa_key_mismatch"/);
  r = await reseal();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not the key the servers use/);
  r = await gh.cli(['--config', gh.configPath, 'user', 'mfa', user.username, '--add-totp']);
  assert.equal(r.code, 1, 'no secret sealed under a key the servers do not use');
  assert.match(r.stderr, /not the key the servers use/);

  // 4. the previous key can go: every secret is under the new one (two
  // sign-ins in all: a code is good once, and two steps are at hand)
  await restartWith({ mfa_secret_key: K2 });
  const last = await signIn();
  assert.ok(last.redirect, `the authenticator works with the new key alone: ${last.response.describe()}`);
});
