// Federated sign-in with real OpenID providers upstream (issue 19):
// node-oidc-provider (tests/platforms/oidc-provider.mjs) and a second
// Gatehouse. The server discovers each, sends the person there with state,
// nonce, PKCE (S256) and the partner's login_hint and ui_locales, checks the
// id_token and iss, and the partner gets the member's own sub with idp = the
// platform's name; a second sign-in finds the link. Each server keeps its
// own cookies (one jar per origin, as a browser keeps them per host).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { OidcProviderPlatform } from './lib/gateway.mjs';
import { CookieJar, Gatehouse, codeGrant, decodeJwt, randomString, request, useServer, walkAuthorize } from './lib/harness.mjs';
import { FederatedServer, follow, platformButton, submit, allow } from './lib/federation.mjs';

const ACCOUNT = {
  username: 'ada',
  password: `pw-${randomString()}`,
  claims: { sub: 'ada-0815', name: 'Ada Lovelace', nickname: 'ada', email: 'ada@provider.example', email_verified: true },
};
const OP_CLIENT = { id: 'ottm-at-op', secret: `op-secret-${randomString(24)}` };
const UP_CLIENT = { id: 'ottm-at-up', secret: `up-secret-${randomString(24)}` };
const UP_USER = { username: 'grace', password: `pw-${randomString()}`, email: 'grace@up.example', nickname: 'grace' };
const REDIRECT = 'https://partner.example/cb';

describe('node-oidc-provider and another Gatehouse as upstream providers', () => {
  let platforms;
  let op;
  const up = useServer(new Gatehouse({ label: 'upstream gatehouse' }));
  const gh = new FederatedServer({ platforms: () => platforms });
  let partner;

  before(async () => {
    await gh.reserve();
    op = new OidcProviderPlatform({ client: { ...OP_CLIENT, redirectUri: gh.callbackUrl('op') }, account: ACCOUNT });
    await op.start();
    await up.start();
    await up.addClient({ ...UP_CLIENT, redirectUris: gh.callbackUrl('up') });
    await up.addUser(UP_USER);
    platforms = {
      op: { kind: 'oidc', issuer: op.issuer, client_id: OP_CLIENT.id, client_secret: OP_CLIENT.secret, label: 'Test Provider' },
      up: { kind: 'oidc', issuer: up.base, client_id: UP_CLIENT.id, client_secret: UP_CLIENT.secret, label: 'Upstream' },
    };
  });
  useServer(gh);
  before(async () => {
    await gh.start();
    partner = await gh.addClient({ id: 'partner', secret: 'partner-secret-0123456789', redirectUris: [REDIRECT] });
  });
  after(async () => {
    await op?.stop();
  });

  /** The partner's request, the platform's button, the provider's own forms, back here. */
  async function signIn(name, upstream, { jar = new CookieJar(), upJar = new CookieJar(), credentials } = {}) {
    const start = gh.authorizeUrl({ client_id: partner.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile email', state: randomString(), login_hint: 'hint-x', ui_locales: 'ko en' });
    const page = await request('GET', start, { headers: jar.headers() });
    jar.take(page);
    const first = await request('GET', platformButton(page.text, gh.base, name), { headers: jar.headers() });
    jar.take(first);
    assert.equal(first.status, 302);
    const at = new URL(first.header('location'));
    assert.equal(at.origin, new URL(upstream).origin, 'sent to the provider');
    const walk = await walkAuthorize(at.href, { ...credentials, jar: upJar });
    assert.ok(walk.redirect, `the provider sends the person back: ${walk.response.describe()}`);
    assert.equal(walk.redirect.origin + walk.redirect.pathname, gh.callbackUrl(name));
    const back = await follow(walk.redirect.href, { jar, stopAt: REDIRECT });
    return { at, back, jar, upJar };
  }

  async function finish(out) {
    let { back } = out;
    if (!back.redirect && /name="nickname"/.test(back.res.text)) back = await submit(back.res, back.url, { jar: out.jar, button: 'create', stopAt: REDIRECT });
    if (!back.redirect) back = await allow(back.res, back.url, { jar: out.jar, stopAt: REDIRECT });
    const t = await gh.token(codeGrant(partner, back.redirect.searchParams.get('code')));
    assert.equal(t.status, 200, t.text);
    return decodeJwt(t.json.id_token).payload;
  }

  for (const [name, upstream, credentials] of [['op', () => op.issuer, ACCOUNT], ['up', () => up.base, UP_USER]]) {
    test(`${name}: discovery, PKCE, nonce, forwarded hints; the same sub the next time`, async () => {
      const out = await signIn(name, upstream(), { credentials });
      const q = out.at.searchParams;
      assert.equal(q.get('redirect_uri'), gh.callbackUrl(name));
      assert.equal(q.get('code_challenge_method'), 'S256');
      for (const p of ['state', 'nonce', 'code_challenge']) assert.match(q.get(p) ?? '', /^[A-Za-z0-9_-]{43}$/, p);
      assert.equal(q.get('login_hint'), 'hint-x');
      assert.equal(q.get('ui_locales'), 'ko en');
      const first = await finish(out);
      assert.equal(first.idp, name);
      const again = await signIn(name, upstream(), { credentials, upJar: out.upJar });
      assert.ok(again.back.redirect, 'linked and consented: straight back to the partner');
      const second = await finish(again);
      assert.equal(second.sub, first.sub);
    });
  }
});
