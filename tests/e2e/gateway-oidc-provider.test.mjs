// The gateway with a third-party OpenID provider (node-oidc-provider, run by
// tests/platforms/oidc-provider.mjs) as its `kind = oidc` platform, driven
// over HTTP the way the gateway's page and a browser would: the login URL,
// the provider's sign-in and consent forms, the callback's code and state
// posted to the login API, then user info normalised to {email, name,
// profile, platform}, re-consent refused for oidc, logout, and revoke, which
// must revoke the tokens at the provider (RFC 7009) so that the next login
// asks for consent again.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Gateway, OidcProviderPlatform, assertCookie, assertEnvelope, setCookies } from './lib/gateway.mjs';
import { CookieJar, randomString, useServer, walkAuthorize } from './lib/harness.mjs';

const PLATFORM = 'op';
const ACCOUNT = {
  username: 'ada',
  password: `pw-${randomString()}`,
  claims: {
    sub: 'ada-0815',
    name: 'Ada Lovelace',
    nickname: 'ada',
    email: 'ada@provider.example',
    email_verified: true,
    picture: 'https://pictures.provider.example/ada.png',
  },
};
const CLIENT = { id: 'gatehouse-gateway', secret: `op-secret-${randomString(24)}` };

describe('gateway with node-oidc-provider as an oidc platform', () => {
  let platforms;
  const gw = new Gateway({ platforms: () => platforms });
  const provider = { jar: new CookieJar() };
  let op;

  before(async () => {
    await gw.reserve();
    op = new OidcProviderPlatform({ client: { ...CLIENT, redirectUri: gw.callbackUrl(PLATFORM) }, account: ACCOUNT });
    await op.start();
    platforms = {
      [PLATFORM]: {
        kind: 'oidc',
        issuer: op.issuer,
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        scope: 'openid profile email',
        label: 'Test Provider',
      },
    };
  });
  useServer(gw);
  after(async () => {
    await op?.stop();
  });

  /** The login URL from the gateway, walked through the provider's forms; resolves to the callback URL. */
  async function signInAtProvider(jar) {
    const res = await gw.api('GET', `/oauth2/api/login/${PLATFORM}`, { jar });
    const env = assertEnvelope(res, 200, true, 'login URL');
    const url = new URL(env.body);
    assert.equal(url.origin, op.issuer, 'the login URL points at the provider');
    assert.equal(url.searchParams.get('client_id'), CLIENT.id);
    assert.equal(url.searchParams.get('redirect_uri'), gw.callbackUrl(PLATFORM));
    assert.ok(url.searchParams.get('state'), 'a state');
    const walk = await walkAuthorize(url.href, { ...ACCOUNT, jar: provider.jar });
    assert.ok(walk.redirect, `the provider should redirect back, ended at ${walk.response.describe()}`);
    assert.equal(walk.redirect.origin + walk.redirect.pathname, `${gw.base}/oauth2/callback`);
    assert.equal(walk.redirect.searchParams.get('platform'), PLATFORM);
    assert.equal(walk.redirect.searchParams.get('state'), url.searchParams.get('state'));
    return { callback: walk.redirect, forms: walk.history.map((h) => h.form).filter(Boolean) };
  }

  /** The whole login: provider, then the callback's code and state posted to the gateway. */
  async function login(jar) {
    const { callback, forms } = await signInAtProvider(jar);
    const page = await gw.get(callback.pathname + callback.search);
    assert.equal(page.status, 200, 'the callback serves the page');
    assert.match(page.header('content-type') ?? '', /^text\/html/);
    const code = callback.searchParams.get('code');
    const state = callback.searchParams.get('state');
    const iss = callback.searchParams.get('iss');
    const bound = jar.get('gw_login'); /* the browser's login cookie, spent by the login */
    const res = await gw.login(PLATFORM, code, state, jar, iss);
    assertEnvelope(res, 200, true, 'login');
    return { res, code, state, iss, bound, forms };
  }

  const state = {};

  test('the platform list names the provider for the page', async () => {
    const env = assertEnvelope(await gw.api('GET', '/oauth2/api/platforms'), 200, true, 'platforms');
    assert.deepEqual(env.body, [{ name: PLATFORM, kind: 'oidc', label: 'Test Provider' }]);
  });

  test('login through the provider sets the access and refresh cookies', async () => {
    const jar = new CookieJar();
    const { res, code, state: st, iss, bound, forms } = await login(jar);
    assert.deepEqual(forms, ['login', 'consent'], 'first login: sign-in and consent at the provider');
    const cookies = setCookies(res);
    for (const name of ['access', 'refresh']) {
      assertCookie(cookies[name]);
      assert.equal(cookies[name].value.split('.').length, 3, `${name}: a JWT`);
    }
    Object.assign(state, { jar, code, state: st, iss, bound });
  });

  test('the same code and state cannot log in twice', async () => {
    const same = new CookieJar(); /* the same browser, its login cookie kept */
    same.take({ setCookies: [`gw_login=${state.bound}`] });
    const res = await gw.login(PLATFORM, state.code, state.state, same, state.iss);
    assertEnvelope(res, 400, false, 'replayed login');
    assert.equal(res.setCookies.length, 0, 'no cookie for a replay');
  });

  test('user info is the provider account, normalised', async () => {
    const env = assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar: state.jar }), 200, true, 'userinfo');
    assert.deepEqual(env.body, {
      email: ACCOUNT.claims.email,
      name: ACCOUNT.claims.name,
      profile: ACCOUNT.claims.picture,
      platform: PLATFORM,
    });
  });

  test('user info without the access cookie is refused in the envelope', async () => {
    assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo'), 401, false, 'userinfo without cookie');
  });

  test('auto login with a valid access cookie succeeds', async () => {
    assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar: state.jar }), 200, true, 'auto login');
  });

  test('re-consent is not offered for an oidc platform', async () => {
    assertEnvelope(await gw.api('PUT', '/oauth2/api/login/put', { jar: state.jar }), 400, false, 're-consent');
  });

  test('logout clears both cookies and the refresh record', async () => {
    const refresh = state.jar.get('refresh');
    const res = await gw.api('POST', '/oauth2/api/logout', { jar: state.jar });
    assertEnvelope(res, 200, true, 'logout');
    const cookies = setCookies(res);
    for (const name of ['access', 'refresh']) assertCookie(cookies[name], { maxAge: 0 });
    assert.equal(state.jar.size, 0);
    assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar: state.jar }), 401, false, 'userinfo after logout');
    const refreshOnly = new CookieJar();
    refreshOnly.take({ setCookies: [`refresh=${refresh}`] });
    assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar: refreshOnly }), 401, false, 'auto login with a forgotten refresh token');
  });

  test('revoke unlinks at the provider (RFC 7009), logs out, and the next login asks consent again', async () => {
    const jar = new CookieJar();
    const again = await login(jar);
    assert.deepEqual(again.forms, [], 'signed in and consented at the provider already: no form');
    const mark = Date.now();
    const res = await gw.api('DELETE', '/oauth2/api/revoke', { jar });
    assertEnvelope(res, 200, true, 'revoke');
    assert.equal(jar.size, 0, 'both cookies cleared');
    const events = (await op.events()).filter((e) => e.at >= mark).map((e) => e.event);
    assert.ok(
      events.some((e) => e === 'grant.revoked' || e.endsWith('_token.destroyed')),
      `the provider should have revoked the gateway's token, saw ${JSON.stringify(events)}`,
    );
    assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 401, false, 'userinfo after revoke');
    const third = await login(new CookieJar());
    assert.deepEqual(third.forms, ['consent'], 'after revoke the provider asks for consent again');
  });

  test('an unknown platform gets the envelope, not a login URL', async () => {
    assertEnvelope(await gw.api('GET', '/oauth2/api/login/nosuchplatform'), 404, false, 'unknown platform');
  });
});
