// Issue 17 item 4: a credential change ends everything. After `gatehouse
// user passwd`, the person's old sign-in session needs a new sign-in, the
// old refresh token is refused, and the old access token is refused at
// userinfo and introspects inactive; the new password then works and gives
// working tokens. `user remove` likewise leaves no old token working.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertSeedError, codeGrant, refreshGrant, request, setup, useGatehouse } from './lib/harness.mjs';
import { postForms } from './lib/html.mjs';

const gh = useGatehouse({ label: 'credential-change' });
const REDIRECT = 'https://rp.example/cb';
let web;
const ada = { username: 'ada', password: 'a_da-first-pw-123', email: 'ada@example.test', nickname: 'ada' };
const bob = { username: 'bob', password: 'b_ob-first-pw-123', email: 'bob@example.test', nickname: 'bob' };

setup(async () => {
  web = await gh.addClient({ id: 'web', secret: 'web-secret-0123456789', redirectUris: REDIRECT });
  await gh.addUser(ada);
  await gh.addUser(bob);
});

/** Signs in through the browser flow: { jar, tokens } (one refresh done, so the family has history). */
async function signedIn(user) {
  const { code, jar } = await gh.obtainCode(web, user);
  const first = await gh.token(codeGrant(web, code));
  assert.equal(first.status, 200, first.describe());
  const refreshed = await gh.token(refreshGrant(web, first.json.refresh_token));
  assert.equal(refreshed.status, 200, refreshed.describe());
  return { jar, first: first.json, tokens: refreshed.json };
}

/** GET /auth/authorize with the browser's cookies: 'code' when it redirects with one, 'login' on the sign-in page. */
async function authorizeWith(jar) {
  const url = gh.authorizeUrl({ client_id: web.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile', state: 'st' });
  const res = await request('GET', url, { headers: jar.headers() });
  if (res.status === 302 && new URL(res.header('location')).searchParams.get('code')) return 'code';
  if (res.status === 200 && postForms(res.text).some((f) => f.inputs.some((i) => i.name === 'password'))) return 'login';
  return res.describe();
}

async function assertAccessDead(token, what) {
  assertSeedError(await gh.userinfo(token), '10075', `${what} at userinfo`);
  const i = await gh.introspect({ client_id: web.id, client_secret: web.secret, token });
  assert.equal(i.status, 200, i.describe());
  assert.deepEqual(i.json, { active: false }, `${what} introspects inactive`);
}

test('user passwd ends the sessions and every grant of the person, and only theirs', async () => {
  const a = await signedIn(ada);
  const b = await signedIn(bob);
  assert.equal(await authorizeWith(a.jar), 'code', 'the session works before');
  assert.equal((await gh.userinfo(a.tokens.access_token)).status, 200, 'the access token works before');

  const r = await gh.cli(['user', 'passwd', ada.username, '--password', 'a_da-second-pw-456']);
  assert.equal(r.code, 0, r.stderr);

  assert.equal(await authorizeWith(a.jar), 'login', 'the old session needs a new sign-in');
  assertSeedError(await gh.token(refreshGrant(web, a.tokens.refresh_token)), '10051', 'the old refresh token');
  await assertAccessDead(a.tokens.access_token, 'the old access token');
  await assertAccessDead(a.first.access_token, 'the access token before the refresh');

  // bob is untouched
  assert.equal(await authorizeWith(b.jar), 'code', "another person's session lives on");
  assert.equal((await gh.userinfo(b.tokens.access_token)).status, 200);
  assert.equal((await gh.token(refreshGrant(web, b.tokens.refresh_token))).status, 200);

  // the new password signs in and its tokens work
  const again = await signedIn({ ...ada, password: 'a_da-second-pw-456' });
  assert.equal((await gh.userinfo(again.tokens.access_token)).status, 200, 'new tokens work');
});

test('user remove: no old token of the person keeps working', async () => {
  const carl = { username: 'carl', password: 'c_arl-first-pw-123', email: 'carl@example.test', nickname: 'carl' };
  await gh.addUser(carl);
  const c = await signedIn(carl);
  const r = await gh.cli(['user', 'remove', carl.username]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await authorizeWith(c.jar), 'login');
  assertSeedError(await gh.token(refreshGrant(web, c.tokens.refresh_token)), '10051', 'the old refresh token');
  await assertAccessDead(c.tokens.access_token, 'the old access token');
});
