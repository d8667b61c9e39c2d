// A gateway behind a TLS-terminating proxy: with an https public_url its
// cookies carry Secure (and still HttpOnly, SameSite=Lax, Path=/), also
// when they are cleared, and the platform is sent back to the https callback.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { naver } from '../platforms/naver.mjs';
import { CookieJar, assertCookie, assertEnvelope, followAuthorize, setCookies, useGateway } from './lib/gateway.mjs';

const PUBLIC = 'https://gateway.example';
const platform = naver();
before(() => platform.start());
after(() => platform.stop());
const gw = useGateway({ platforms: () => ({ naver: platform.config() }), settings: { public_url: PUBLIC } });

test('cookies are Secure under an https public URL', async () => {
  const url = await gw.loginUrl('naver');
  assert.equal(url.searchParams.get('redirect_uri'), `${PUBLIC}/oauth2/callback?platform=naver`);
  const { code, state } = await followAuthorize(url, PUBLIC);
  const jar = new CookieJar();
  const res = await gw.login('naver', code, state, jar);
  assertEnvelope(res, 200, true, 'login');
  const cookies = setCookies(res);
  assertCookie(cookies.access, { secure: true, maxAge: 900 });
  assertCookie(cookies.refresh, { secure: true });
  assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 200, true);
  const logout = setCookies(await gw.api('POST', '/oauth2/api/logout', { jar }));
  assertCookie(logout.access, { secure: true, maxAge: 0 });
});
