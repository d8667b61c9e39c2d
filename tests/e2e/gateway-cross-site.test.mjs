// Cross-site requests to the gateway's state-changing calls (issue 17, item
// 2): logout, revoke, login/auto, login/put and the login POST refuse a
// request that Sec-Fetch-Site marks cross-site or same-site, one whose Origin
// is not the public URL's, and one whose body is not declared JSON (what a
// cross-site <form enctype=text/plain> sends). A refused call answers 403,
// sets no cookie and changes nothing: the person stays signed in, the
// refresh cookie is not rotated, the account is not unlinked, the login
// state is not spent. The gateway's own page (same origin, JSON) still works.
// The browser's side is gateway-browser-csrf.test.mjs.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { naver } from '../platforms/naver.mjs';
import { CookieJar, assertEnvelope, followAuthorize, useGateway } from './lib/gateway.mjs';

const platform = naver();
before(() => platform.start());
after(() => platform.stop());
// refresh_grace = 0: a rotated refresh cookie would be dead at once, so a
// refused auto-login that rotated anyway would show
const gw = useGateway({ platforms: () => ({ naver: platform.config() }), settings: { refresh_grace: 0 } });

const JSON_TYPE = { 'content-type': 'application/json' };
const HOSTILE = {
  'Sec-Fetch-Site: cross-site': { ...JSON_TYPE, 'sec-fetch-site': 'cross-site' },
  'Sec-Fetch-Site: same-site': { ...JSON_TYPE, 'sec-fetch-site': 'same-site' },
  'Origin of another site': { ...JSON_TYPE, origin: 'http://evil.example' },
  'Origin of another port': () => ({ ...JSON_TYPE, origin: gw.base.replace(/:\d+$/, ':1') }),
  'Origin: null': { ...JSON_TYPE, origin: 'null' },
  'a text/plain form': { 'content-type': 'text/plain' },
  'an urlencoded form': { 'content-type': 'application/x-www-form-urlencoded' },
  'no content type': { 'content-type': '' },
};
const CALLS = [
  ['POST', '/oauth2/api/logout'],
  ['DELETE', '/oauth2/api/revoke'],
  ['POST', '/oauth2/api/login/auto'],
  ['PUT', '/oauth2/api/login/put'],
];

function assertRefused(res, what) {
  const j = assertEnvelope(res, 403, false, what);
  assert.deepEqual(res.setCookies, [], `${what}: no cookie`);
  return j;
}

test('logout, revoke, auto-login and re-consent refuse cross-site requests and change nothing', async () => {
  const { jar } = await gw.signIn('naver');
  const refreshOnly = new CookieJar();
  refreshOnly.take({ setCookies: [`refresh=${jar.get('refresh')}`] });
  const revoked = platform.revoked.length;
  for (const [how, h] of Object.entries(HOSTILE)) {
    const headers = typeof h === 'function' ? h() : h;
    for (const [method, path] of CALLS) {
      const body = headers['content-type'] === 'text/plain' ? '{}' : undefined;
      assertRefused(await gw.api(method, path, { jar, headers, body }), `${method} ${path}, ${how}`);
      assertRefused(await gw.api('POST', '/oauth2/api/login/auto', { jar: refreshOnly, headers, body }), `auto-login by refresh, ${how}`);
    }
  }
  assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 200, true, 'still signed in');
  assert.equal(platform.revoked.length, revoked, 'not unlinked at the platform');
  // the refresh cookie was neither rotated nor forgotten
  assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar: refreshOnly }), 200, true, 'the refresh cookie still rotates');
});

test('the login POST refuses cross-site requests without spending the state', async () => {
  const jar = new CookieJar();
  const { code, state } = await followAuthorize(await gw.loginUrl('naver', jar), gw.base);
  for (const [how, h] of Object.entries(HOSTILE)) {
    const headers = typeof h === 'function' ? h() : h;
    const body = JSON.stringify({ code, state });
    assertRefused(await gw.api('POST', '/oauth2/api/login/naver', { jar, headers, body }), `login, ${how}`);
  }
  assertEnvelope(await gw.login('naver', code, state, jar), 200, true, 'the same state, then from the page');
});

test("the gateway's own page: same-origin JSON calls work", async () => {
  const { jar } = await gw.signIn('naver');
  const page = { ...JSON_TYPE, origin: gw.base, 'sec-fetch-site': 'same-origin' };
  assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar, headers: page }), 200, true, 'auto-login');
  assertEnvelope(await gw.api('PUT', '/oauth2/api/login/put', { jar, headers: page }), 200, true, 're-consent');
  assertEnvelope(await gw.api('POST', '/oauth2/api/logout', { jar, headers: { ...page, 'content-type': 'application/json; charset=utf-8' } }), 200, true, 'logout');
  assert.equal(jar.get('access'), undefined, 'signed out');
  // Sec-Fetch-Site: none (typed by the person) and no Origin are not cross-site
  const other = (await gw.signIn('naver')).jar;
  assertEnvelope(await gw.api('DELETE', '/oauth2/api/revoke', { jar: other, headers: { ...JSON_TYPE, 'sec-fetch-site': 'none' } }), 200, true, 'revoke');
});
