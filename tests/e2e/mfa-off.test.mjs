// Turning the authenticator app off at /account/mfa (issue 21 item 1,
// docs/mfa.md): the "Turn off" form needs a current code (checked by an
// independent implementation, otplib) or a recovery code and the CSRF token;
// a wrong code is refused and counted; a right one removes the TOTP secret
// and the recovery codes, keeps the passkeys, ends the member's other
// sessions (not this one), is audited as mfa.remove, and the next sign-in no
// longer asks for a code. Both languages.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { generate } from 'otplib';

import { CookieJar, querySql, setup, sleep, useGatehouse } from './lib/harness.mjs';
import { formData, postForms, visibleText } from './lib/html.mjs';

const gh = useGatehouse();
const REDIRECT = 'https://rp.example/cb';
const MFA = '/account/mfa';
let client;

setup(async () => {
  client = await gh.addClient({ id: 'rp-off', secret: 'rp-off-secret-0123456789', redirectUris: REDIRECT });
});

let users = 0;
async function newUser() {
  users += 1;
  return gh.addUser({ username: `off${users}`, password: `Lighthouse-${users}-pw-551`, email: `off${users}@example.com`, nickname: `off${users}` });
}

/** The code of secret `offset` steps from now (otplib, not our code). */
const totp = (secret, offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * offset });

/** Waits, when needed, so that the next 8 seconds stay inside one 30-second step. */
async function freshStep() {
  const into = (Date.now() / 1000) % 30;
  if (into > 22) await sleep((30 - into) * 1000 + 200);
}

/** Signs user in (with otp when asked); resolves to the walk. */
const signIn = (user, { jar = new CookieJar(), otp } = {}) =>
  gh.authorize({ client_id: client.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' }, { username: user.username, password: user.password, jar, otp });

/** The "Turn off" form of the status page. */
function offForm(page) {
  const form = postForms(page.text).find((f) => f.inputs.some((i) => i.name === 'action' && i.value === 'off'));
  assert.ok(form, `a Turn off form: ${visibleText(page.text).slice(0, 300)}`);
  return form;
}

const turnOff = (jar, form, fill) => gh.post(MFA, new URLSearchParams(formData(form, fill)), { headers: jar.headers() });

/** A member with a CLI-confirmed TOTP, a recovery set and a passkey row,
 * signed in in two browsers (the codes of the previous step and this one:
 * ±1 step is accepted, each once). */
async function enrolled() {
  const user = await newUser();
  const added = await gh.cli(['user', 'mfa', user.username, '--add-totp']);
  assert.equal(added.code, 0, added.stderr);
  const secret = new URL(added.stdout.trim()).searchParams.get('secret');
  querySql(gh.db, `INSERT INTO passkeys (credential_id, sub, public_key, alg, sign_count, flags, name, created_at) VALUES ('pk-${user.sub}', '${user.sub}', 'pk', -7, 0, 0, 'Laptop', 1)`);
  await freshStep();
  const jar = new CookieJar(), other = new CookieJar();
  assert.ok((await signIn(user, { jar, otp: await totp(secret, -1) })).redirect, 'signed in with a code');
  assert.ok((await signIn(user, { jar: other, otp: await totp(secret) })).redirect, 'another browser too');
  const page = await gh.get(MFA, { headers: jar.headers() });
  assert.equal(page.status, 200, page.describe());
  const renew = postForms(page.text).find((f) => f.inputs.some((i) => i.name === 'action' && i.value === 'recovery'));
  const made = await gh.post(MFA, new URLSearchParams(formData(renew)), { headers: jar.headers() });
  const codes = [...made.text.matchAll(/<li><code>([0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
  assert.equal(codes.length, 10);
  return { user, secret, jar, other, codes };
}

const count = (table, sub) => querySql(gh.db, `SELECT COUNT(*) FROM ${table} WHERE sub = '${sub}'`);

test('a wrong code or a forged form is refused; a right code turns the app off, keeps the passkeys, ends the other sessions', async () => {
  const { user, secret, jar, other } = await enrolled();
  const page = await gh.get(MFA, { headers: jar.headers() });
  const form = offForm(page);
  assert.match(page.text, /<label for="off-otp">Code or recovery code<\/label>/, 'the field has its label');

  const forged = await turnOff(jar, form, { otp: await totp(secret), csrf: 'not-the-token' });
  assert.equal(forged.status, 403, 'CSRF-checked');
  const right = await totp(secret, 1);
  const wrong = await turnOff(jar, form, { otp: right === '000000' ? '111111' : '000000' });
  assert.equal(wrong.status, 401, wrong.describe());
  assert.match(wrong.text, /aria-invalid="true"/);
  assert.match(visibleText(wrong.text), /The code is not correct/);
  assert.equal(count('mfa_totp', user.sub), '1', 'still on');
  const malformed = await turnOff(jar, form, { otp: 'abc' });
  assert.equal(malformed.status, 400);

  /* the sign-ins used the codes up to this step's: the next step's (±1) proves it */
  const done = await turnOff(jar, form, { otp: await totp(secret, 1) });
  assert.equal(done.status, 303, done.describe());
  assert.equal(done.header('location'), '/account?done=mfa_off');
  assert.equal(count('mfa_totp', user.sub), '0', 'the secret is gone');
  assert.equal(count('mfa_recovery', user.sub), '0', 'the recovery codes are gone');
  assert.equal(count('passkeys', user.sub), '1', 'the passkeys stay');
  assert.equal(querySql(gh.db, `SELECT COUNT(*) FROM events WHERE action = 'mfa.remove' AND target = '${user.sub}'`), '1');

  const back = await gh.get(done.header('location'), { headers: jar.headers() });
  assert.equal(back.status, 200, 'this session stays');
  assert.match(visibleText(back.text), /Sign-ins no longer ask for its codes/);
  assert.match(back.text, /data-factor="totp" data-state="off"/);
  assert.equal((await gh.get(MFA, { headers: other.headers() })).status, 401, 'the other session was ended');

  const plain = await signIn(user);
  assert.ok(plain.redirect, `signed in with the password alone: ${plain.response.describe()}`);
  assert.equal(plain.redirect.searchParams.get('error'), null);
});

test('a recovery code turns it off too; in Korean', async () => {
  const { user, jar, codes } = await enrolled();
  const page = await gh.get(MFA, { headers: jar.headers({ 'accept-language': 'ko' }) });
  assert.ok(visibleText(page.text).includes('인증 앱 사용 중지'));
  const done = await turnOff(jar, offForm(page), { otp: codes[3] });
  assert.equal(done.status, 303, done.describe());
  assert.equal(count('mfa_totp', user.sub), '0');
  const back = await gh.get('/account?done=mfa_off', { headers: jar.headers({ 'accept-language': 'ko' }) });
  assert.ok(visibleText(back.text).includes('다른 세션은 로그아웃'));
});
