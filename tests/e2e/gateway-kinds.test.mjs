// The other platform kinds through the same API, each against its stand-in:
// kakao (numeric id, nested kakao_account, unlink with the access token,
// re-consent through `scope`), google (OpenID userinfo, RFC 7009-style
// revoke of the refresh token, no re-consent), github (token answer chosen
// by Accept, e-mail from /user/emails when /user hides it, name falling back
// to the login, DELETE /applications/{client_id}/grant, no re-consent).
// Fields the user did not consent to come back null.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { github, GITHUB_USER } from '../platforms/github.mjs';
import { google, GOOGLE_USER } from '../platforms/google.mjs';
import { kakao, KAKAO_USER } from '../platforms/kakao.mjs';
import { CookieJar, assertCookie, assertEnvelope, setCookies, useGateway } from './lib/gateway.mjs';

const platforms = { kakao: kakao(), google: google(), github: github() };
before(() => Promise.all(Object.values(platforms).map((p) => p.start())));
after(() => Promise.all(Object.values(platforms).map((p) => p.stop())));
const gw = useGateway({ platforms: () => Object.fromEntries(Object.entries(platforms).map(([n, p]) => [n, p.config()])) });

const EXPECTED = {
  kakao: {
    path: '/oauth/authorize',
    scope: null, // consent items come from the app's settings
    info: { email: KAKAO_USER.kakao_account.email, name: '홍길동', profile: KAKAO_USER.kakao_account.profile.profile_image_url },
  },
  google: {
    path: '/o/oauth2/v2/auth',
    scope: 'openid email profile',
    info: { email: GOOGLE_USER.email, name: GOOGLE_USER.name, profile: GOOGLE_USER.picture },
  },
  github: {
    path: '/login/oauth/authorize',
    scope: 'read:user user:email',
    info: { email: 'octocat@github.com', name: GITHUB_USER.login, profile: GITHUB_USER.avatar_url },
  },
};

for (const [name, want] of Object.entries(EXPECTED)) {
  const platform = platforms[name];
  describe(name, () => {
    test('login URL, login, cookies, normalised user info', async () => {
      const url = await gw.loginUrl(name);
      assert.equal(url.origin + url.pathname, platform.url(want.path));
      assert.equal(url.searchParams.get('scope'), want.scope);
      assert.ok(url.searchParams.get('state'));
      const { res, jar } = await gw.signIn(name);
      assertEnvelope(res, 200, true, 'login');
      const cookies = setCookies(res);
      assertCookie(cookies.access, { maxAge: 900 });
      assertCookie(cookies.refresh, { maxAge: 14 * 86400 });
      const info = assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 200, true, 'userinfo');
      assert.deepEqual(info.body, { ...want.info, platform: name });
    });

    test('auto-login with the refresh cookie only', async () => {
      const { jar } = await gw.signIn(name);
      const only = new CookieJar();
      only.take({ setCookies: [`refresh=${jar.get('refresh')}`] });
      assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar: only }), 200, true);
      assert.ok(only.get('access'));
    });

    test('revoke unlinks at the platform and deletes the account', async () => {
      const { jar } = await gw.signIn(name);
      const access = jar.get('access');
      const before = platform.revoked.length;
      assertEnvelope(await gw.api('DELETE', '/oauth2/api/revoke', { jar }), 200, true, 'revoke');
      assert.equal(platform.revoked.length, before + 1);
      const stale = new CookieJar();
      stale.take({ setCookies: [`access=${access}`] });
      assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar: stale }), 401, false);
    });

    test('logout', async () => {
      const { jar } = await gw.signIn(name);
      assertEnvelope(await gw.api('POST', '/oauth2/api/logout', { jar }), 200, true);
      assert.equal(jar.size, 0);
    });
  });
}

test('kakao re-consent asks again for the scope items', async () => {
  const { jar } = await gw.signIn('kakao');
  const j = assertEnvelope(await gw.api('PUT', '/oauth2/api/login/put', { jar }), 200, true);
  const url = new URL(j.body);
  assert.equal(url.searchParams.get('scope'), 'profile_nickname,profile_image,account_email');
  assert.ok(url.searchParams.get('state'));
});

test('google and github have no re-consent: flag false with a reason', async () => {
  for (const name of ['google', 'github']) {
    const { jar } = await gw.signIn(name);
    const j = assertEnvelope(await gw.api('PUT', '/oauth2/api/login/put', { jar }), 400, false, name);
    assert.match(j.message, new RegExp(`^${name} has no separate consent`));
  }
});

test('what was not consented to is null, never invented', async () => {
  const k = platforms.kakao;
  const saved = k.user;
  k.user = { id: 987, kakao_account: { profile: { nickname: '무명' } } };
  try {
    const { jar } = await gw.signIn('kakao');
    const info = assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 200, true);
    assert.deepEqual(info.body, { email: null, name: '무명', profile: null, platform: 'kakao' });
  } finally {
    k.user = saved;
  }
});

test('github: an e-mail in /user is used as is; without a primary verified address, null', async () => {
  const g = platforms.github;
  g.user = { ...GITHUB_USER, name: 'The Octocat', email: 'public@example.com' };
  let { jar } = await gw.signIn('github');
  let info = assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 200, true);
  assert.equal(info.body.email, 'public@example.com');
  assert.equal(info.body.name, 'The Octocat');
  g.user = { ...GITHUB_USER, id: 42 };
  g.emails = [{ email: 'unverified@example.com', primary: true, verified: false }];
  ({ jar } = await gw.signIn('github'));
  info = assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 200, true);
  assert.equal(info.body.email, null);
  g.user = GITHUB_USER;
  g.emails = undefined;
});

test('signing in again updates the same account', async () => {
  const first = await gw.signIn('google');
  const second = await gw.signIn('google');
  const sub = (jar) => JSON.parse(Buffer.from(jar.get('access').split('.')[1], 'base64url')).sub;
  assert.equal(sub(first.jar), sub(second.jar));
});
