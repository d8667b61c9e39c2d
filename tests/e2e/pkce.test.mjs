// PKCE (RFC 7636, S256 only): a public client signs a user in with
// openid-client and no secret; a wrong or missing code_verifier gets nothing,
// for public and confidential clients alike; a public client cannot go
// without PKCE, and the plain method is not accepted.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as oidc from 'openid-client';

import { codeGrant, setup, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse();

let spa;
let web;
let user;

setup(async () => {
  spa = await gh.addClient({ id: 'spa', redirectUris: 'https://spa.example/cb', isPublic: true, scope: 'openid profile' });
  web = await gh.addClient({ id: 'rp-pkce', secret: 'rp-pkce-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await gh.addUser({ username: 'ivan', password: 'i_van-Pass-1234', email: 'ivan@example.com', nickname: 'iv' });
});

/** An error in the seed 004 shape; the contract leaves the code open for PKCE failures. */
function assertSeedShapedError(res, what) {
  assert.equal(res.status, 400, `${what}: ${res.describe()}`);
  const j = res.json;
  assert.ok(j && /^\d{5}$/.test(j.error?.code) && typeof j.error.message === 'string' && j.payload === null, `${what}: ${res.describe()}`);
}

async function codeWithChallenge(client, challenge, method = 'S256') {
  return gh.obtainCode(client, user, { extra: { code_challenge: challenge, code_challenge_method: method } });
}

test('a public client completes the code flow with S256 and no secret (openid-client)', async () => {
  const config = await oidc.discovery(new URL(gh.base), spa.id, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks],
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: spa.redirectUri,
    scope: 'openid profile',
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const r = await gh.authorize(url.href, { username: user.username, password: user.password });
  assert.ok(r.redirect, r.response.describe());
  const tokens = await oidc.authorizationCodeGrant(config, r.redirect, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  assert.equal(tokens.claims().sub, user.sub);
  const info = await oidc.fetchUserInfo(config, tokens.access_token, user.sub);
  assert.equal(info.nickname, user.nickname);
});

test('a wrong or missing code_verifier gets no tokens (public and confidential clients)', async () => {
  const verifier = oidc.randomPKCECodeVerifier();
  const challenge = await oidc.calculatePKCECodeChallenge(verifier);
  const other = oidc.randomPKCECodeVerifier();
  for (const client of [spa, web]) {
    const body = (code, extra) => {
      const b = codeGrant(client, code, extra);
      if (!client.secret) delete b.client_secret;
      return b;
    };
    const a = await codeWithChallenge(client, challenge);
    assertSeedShapedError(await gh.token(body(a.code, { code_verifier: other })), `${client.id}: wrong verifier`);
    const b = await codeWithChallenge(client, challenge);
    assertSeedShapedError(await gh.token(body(b.code)), `${client.id}: no verifier`);
    const c = await codeWithChallenge(client, challenge);
    const ok = await gh.token(body(c.code, { code_verifier: verifier }));
    assert.equal(ok.status, 200, `${client.id}: the right verifier: ${ok.describe()}`);
  }
});

test('a public client without PKCE, or with the plain method, gets no tokens', async () => {
  const attempts = [{}, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }];
  for (const extra of attempts) {
    const params = { scope: 'openid profile', response_type: 'code', state: 's', redirect_uri: spa.redirectUri, client_id: spa.id, ...extra };
    const r = await gh.authorize(params, { username: user.username, password: user.password });
    const code = r.redirect?.searchParams.get('code');
    if (!code) {
      assert.ok(r.redirect?.searchParams.get('error') || r.response.status >= 400, `refused: ${r.redirect ?? r.response.describe()}`);
      continue;
    }
    const body = { grant_type: 'authorization_code', code, client_id: spa.id, redirect_uri: spa.redirectUri };
    if (extra.code_challenge) body.code_verifier = extra.code_challenge;
    assertSeedShapedError(await gh.token(body), `public client, ${extra.code_challenge_method ?? 'no PKCE'}`);
  }
});
