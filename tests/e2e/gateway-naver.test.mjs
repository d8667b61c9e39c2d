// The gateway's seed 002 API end to end with one platform, naver (a
// stand-in speaking Naver Login's documented shapes): the login URL and its
// state, the login setting both cookies, user info normalised, auto-login
// with an access cookie, with a refresh cookie only (rotation: the old one
// is dead afterwards), and with nothing; re-consent (auth_type=reprompt);
// logout killing the refresh record; revoke unlinking at naver and deleting
// the account.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { naver, NAVER_USER } from '../platforms/naver.mjs';
import { CookieJar, assertCookie, assertEnvelope, decodeJwt, followAuthorize, setCookies, useGateway } from './lib/gateway.mjs';

const platform = naver();
before(() => platform.start());
after(() => platform.stop());
// refresh_grace = 0: a replayed refresh cookie is reuse at once (the grace
// period is gateway-refresh-grace.test.mjs's)
const gw = useGateway({ platforms: () => ({ naver: platform.config() }), settings: { refresh_grace: 0 } });

const ACCESS_TTL = 900;
const REFRESH_TTL = 14 * 86400;

test('the login URL is naver\'s authorize URL with a fresh state', async () => {
  const res = await gw.api('GET', '/oauth2/api/login/naver');
  const j = assertEnvelope(res, 200, true, 'login url');
  assert.equal(j.message, 'naver authorization url response success');
  const url = new URL(j.body);
  assert.equal(url.origin + url.pathname, platform.url('/oauth2.0/authorize'));
  assert.equal(url.searchParams.get('response_type'), 'code');
  assert.equal(url.searchParams.get('client_id'), platform.clientId);
  assert.equal(url.searchParams.get('redirect_uri'), `${gw.base}/oauth2/callback?platform=naver`);
  const state = url.searchParams.get('state');
  assert.match(state, /^[A-Za-z0-9_-]{43}$/);
  const again = await gw.loginUrl('naver');
  assert.notEqual(again.searchParams.get('state'), state, 'a fresh state each time');
  // only the login cookie that binds the state to this browser (gateway-csrf.test.mjs)
  assert.deepEqual(res.setCookies.map((l) => l.split('=')[0]), ['gw_login']);
});

test('an unknown platform is a 404 envelope', async () => {
  assertEnvelope(await gw.api('GET', '/oauth2/api/login/nosuch'), 404, false);
  assertEnvelope(await gw.api('POST', '/oauth2/api/login/nosuch', { body: { code: 'c', state: 's' } }), 404, false);
  assertEnvelope(await gw.api('GET', '/oauth2/api/nothing-here'), 404, false);
});

test('login sets the access and refresh cookies and userinfo is normalised', async () => {
  const { res, jar } = await gw.signIn('naver');
  const j = assertEnvelope(res, 200, true, 'login');
  assert.equal(j.message, 'authorized success');
  assert.equal(j.body, null);
  const cookies = setCookies(res);
  assertCookie(cookies.access, { maxAge: ACCESS_TTL });
  assertCookie(cookies.refresh, { maxAge: REFRESH_TTL });
  const access = decodeJwt(cookies.access.value);
  assert.equal(access.header.alg, 'HS256');
  assert.equal(access.payload.token_use, 'access');
  assert.equal(access.payload.exp - access.payload.iat, ACCESS_TTL);
  for (const c of [cookies.access.value, cookies.refresh.value]) {
    assert.ok(!c.includes('naver-at-') && !JSON.stringify(decodeJwt(c).payload).includes('naver-'), 'no platform token in a cookie');
  }
  const info = await gw.api('GET', '/oauth2/api/userinfo', { jar });
  const u = assertEnvelope(info, 200, true, 'userinfo');
  assert.equal(u.message, 'user info response success');
  assert.deepEqual(u.body, { email: NAVER_USER.email, name: NAVER_USER.name, profile: NAVER_USER.profile_image, platform: 'naver' });
  // the token request carried naver's required fields
  const exchange = platform.calls('token').at(-1);
  assert.equal(exchange.fields.grant_type, 'authorization_code');
  assert.equal(exchange.fields.client_secret, platform.clientSecret);
  assert.ok(exchange.fields.state);
});

test('userinfo without a valid access cookie is 401', async () => {
  assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo'), 401, false);
  const jar = new CookieJar();
  jar.take({ setCookies: ['access=eyJhbGciOiJIUzI1NiJ9.e30.AAAA'] });
  assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 401, false);
});

test('auto-login: a valid access cookie needs nothing', async () => {
  const { jar } = await gw.signIn('naver');
  const res = await gw.api('POST', '/oauth2/api/login/auto', { jar });
  const j = assertEnvelope(res, 200, true, 'auto');
  assert.equal(j.message, 'auto authorized success');
  assert.equal(res.setCookies.length, 0);
});

test('auto-login with the refresh cookie only rotates it; the old one is dead', async () => {
  const { jar } = await gw.signIn('naver');
  const refreshOnly = new CookieJar();
  refreshOnly.take({ setCookies: [`refresh=${jar.get('refresh')}`] });
  const old = refreshOnly.get('refresh');
  const res = await gw.api('POST', '/oauth2/api/login/auto', { jar: refreshOnly });
  assertEnvelope(res, 200, true, 'auto with refresh');
  const cookies = setCookies(res);
  assertCookie(cookies.access, { maxAge: ACCESS_TTL });
  assertCookie(cookies.refresh);
  assert.notEqual(cookies.refresh.value, old);
  assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar: refreshOnly }), 200, true, 'signed in again');
  // replaying the old refresh cookie fails, and ends the rotated session too
  const replay = new CookieJar();
  replay.take({ setCookies: [`refresh=${old}`] });
  assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar: replay }), 401, false, 'old refresh');
  const rotated = new CookieJar();
  rotated.take({ setCookies: [`refresh=${refreshOnly.get('refresh')}`] });
  assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar: rotated }), 401, false, 'family ended');
});

test('auto-login with no cookie, or an access cookie as refresh, is 401', async () => {
  assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto'), 401, false);
  const { jar } = await gw.signIn('naver');
  const swapped = new CookieJar();
  swapped.take({ setCookies: [`refresh=${jar.get('access')}`] });
  assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar: swapped }), 401, false);
});

test('re-consent gives naver\'s authorize URL with auth_type=reprompt', async () => {
  const { jar } = await gw.signIn('naver');
  const res = await gw.api('PUT', '/oauth2/api/login/put', { jar });
  const j = assertEnvelope(res, 200, true, 're-consent');
  const url = new URL(j.body);
  assert.equal(url.searchParams.get('auth_type'), 'reprompt');
  // it is a working login URL: its state signs in again
  const { code, state } = await followAuthorize(url, gw.base);
  assertEnvelope(await gw.login('naver', code, state, jar), 200, true);
  assertEnvelope(await gw.api('PUT', '/oauth2/api/login/put'), 401, false, 'without cookie');
});

test('logout clears both cookies and forgets the refresh record', async () => {
  const { jar } = await gw.signIn('naver');
  const refresh = jar.get('refresh');
  const res = await gw.api('POST', '/oauth2/api/logout', { jar });
  const j = assertEnvelope(res, 200, true, 'logout');
  assert.equal(j.message, 'logout success');
  const cookies = setCookies(res);
  assert.equal(cookies.access.attrs['max-age'], '0');
  assert.equal(cookies.refresh.attrs['max-age'], '0');
  assert.equal(jar.size, 0);
  const replay = new CookieJar();
  replay.take({ setCookies: [`refresh=${refresh}`] });
  assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar: replay }), 401, false, 'refresh after logout');
  assertEnvelope(await gw.api('POST', '/oauth2/api/logout'), 200, true, 'logout without cookies');
});

test('revoke unlinks at naver, deletes the account and logs out', async () => {
  const { jar } = await gw.signIn('naver');
  const access = jar.get('access');
  const before = platform.revoked.length;
  const res = await gw.api('DELETE', '/oauth2/api/revoke', { jar });
  assertEnvelope(res, 200, true, 'revoke');
  assert.equal(platform.revoked.length, before + 1, 'naver was asked to delete the token');
  const del = platform.calls('token').at(-1);
  assert.equal(del.fields.grant_type, 'delete');
  assert.equal(del.fields.service_provider, 'NAVER');
  assert.equal(setCookies(res).access.attrs['max-age'], '0');
  const stale = new CookieJar();
  stale.take({ setCookies: [`access=${access}`] });
  assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar: stale }), 401, false, 'account gone');
  assertEnvelope(await gw.api('DELETE', '/oauth2/api/revoke'), 401, false, 'revoke without cookie');
});
