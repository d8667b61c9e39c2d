// One sign-out (issue 19 item 6): when the gateway's platform is our own
// authorization server and its section says single_sign_out = true, the
// gateway's logout hands the page the server's RP-initiated logout URL
// (id_token_hint from the id_token the gateway kept sealed, the registered
// post_logout_redirect_uri back to the gateway); following it ends the
// server's session, so "Continue with OTTM" asks for the password again.
// Without the setting the logout answers null, as before. The platform list
// says which platforms can ask for consent again.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { request, useGatehouse } from './lib/harness.mjs';
import { CookieJar, assertEnvelope, useGateway } from './lib/gateway.mjs';
import { postForms } from './lib/html.mjs';

const gh = useGatehouse({ label: 'authorization server' });
const SECRET = 'gateway-secret-0123456789';
const ottm = () => ({ kind: 'oidc', issuer: gh.base, client_id: 'gateway', client_secret: SECRET, scope: 'openid profile email', label: 'OTTM' });
const gw = useGateway({
  platforms: () => ({
    ottm: { ...ottm(), single_sign_out: 'true' },
    plain: ottm(),
    nv: { kind: 'naver', client_id: 'nv', client_secret: 'nv-secret' },
  }),
});

let user;
let registered;
function register() {
  registered ??= (async () => {
    await gh.addClient({
      id: 'gateway',
      secret: SECRET,
      redirectUris: [`${gw.base}/oauth2/callback?platform=ottm`, `${gw.base}/oauth2/callback?platform=plain`],
      postLogoutRedirectUris: [`${gw.base}/`],
    });
    user = await gh.addUser({ username: 'sso', password: 'Lantern-second-Q77', email: 'sso@example.com', nickname: 'sso' });
  })();
  return registered;
}

/** Signs in at the gateway through the server with one browser (jar). */
async function signIn(platform, jar) {
  await register();
  const url = await gw.loginUrl(platform, jar);
  const r = await gh.authorize(url.href, { username: user.username, password: user.password, jar });
  assert.ok(r.redirect, `back at the gateway: ${r.response.describe()}`);
  const p = r.redirect.searchParams;
  assertEnvelope(await gw.login(platform, p.get('code'), p.get('state'), jar, p.get('iss')), 200, true, 'login');
  return r;
}

/** Whether the server still knows this browser: its sign-in page, or straight back. */
async function serverAsksPassword(platform, jar) {
  const url = await gw.loginUrl(platform, jar);
  const res = await request('GET', url.href, { headers: jar.headers() });
  return res.status === 200 && postForms(res.text).some((f) => f.inputs.some((i) => i.name === 'password'));
}

test('single_sign_out: the gateway logout ends the session at the server too', async () => {
  const jar = new CookieJar();
  await signIn('ottm', jar);
  assert.equal(await serverAsksPassword('ottm', jar), false, 'signed in at the server');
  const out = assertEnvelope(await gw.api('POST', '/oauth2/api/logout', { jar }), 200, true, 'logout');
  assert.equal(typeof out.body, 'string', 'the page is told where to go');
  const end = new URL(out.body);
  assert.equal(end.origin + end.pathname, gh.url('/auth/logout'));
  assert.equal(end.searchParams.get('post_logout_redirect_uri'), `${gw.base}/`);
  assert.equal(end.searchParams.get('client_id'), 'gateway');
  assert.ok(end.searchParams.get('id_token_hint'));
  const back = await request('GET', end.href, { headers: jar.headers() });
  jar.take(back);
  assert.equal(back.status, 302);
  assert.equal(back.header('location'), `${gw.base}/`);
  assert.equal(await serverAsksPassword('ottm', jar), true, 'Continue with OTTM asks for the password again');
});

test('without single_sign_out the logout leaves the server alone', async () => {
  const jar = new CookieJar();
  await signIn('plain', jar);
  const out = assertEnvelope(await gw.api('POST', '/oauth2/api/logout', { jar }), 200, true, 'logout');
  assert.equal(out.body, null);
  assert.equal(await serverAsksPassword('plain', jar), false);
});

test('the platform list says which platforms can ask for consent again', async () => {
  const list = assertEnvelope(await gw.api('GET', '/oauth2/api/platforms'), 200, true).body;
  assert.deepEqual(list.map((p) => [p.name, p.label, p.reconsent === true]), [['ottm', 'OTTM', false], ['plain', 'OTTM', false], ['nv', 'NAVER', true]]);
});
