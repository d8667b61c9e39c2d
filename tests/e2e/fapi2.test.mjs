// The FAPI 2.0 Security Profile switch (`client add --security-profile
// fapi2`, issue 23 item 9): openid-client 6, unmodified, goes through the
// whole flow as the profile asks (PAR, PKCE, private_key_jwt with ES256 and
// the issuer as aud, DPoP); then each piece left out is refused: an
// authorization request not pushed, no PKCE, an RS256 assertion, another
// aud, a token request without DPoP; its codes live 60 s at most; a server
// that signs with RS256 cannot serve such a client; and registration refuses
// what the profile does not allow (a secret, an http redirect URI, the
// device grant).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import * as oidc from 'openid-client';

import { CookieJar, TOKEN_PATH, decodeJwt, querySql, setup, useGatehouse } from './lib/harness.mjs';
import { clientKey, signJwt, writeJwks } from './lib/client-keys.mjs';

const gh = useGatehouse({ config: { error_style: 'rfc6749', signing_alg: 'ES256', code_ttl: 300 } });
const rs = useGatehouse({ label: 'signing_alg RS256', config: { error_style: 'rfc6749' } });

const REDIRECT = 'https://bank.example/cb';
const PAR_PATH = '/oauth2/v1/par';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
let esKey, rsKey, edKey, psKey, user;

setup(async () => {
  esKey = await clientKey('ES256');
  rsKey = await clientKey('RS256');
  edKey = await clientKey('EdDSA');
  psKey = await clientKey('PS256');
  for (const server of [gh, rs]) {
    const file = writeJwks(server.dir, 'fapi', [esKey, rsKey, edKey, psKey]);
    const r = await server.cli(['client', 'add', '--id', 'fapi', '--jwks', file, '--redirect-uri', REDIRECT, '--scope', 'openid profile', '--security-profile', 'fapi2']);
    assert.equal(r.code, 0, r.stderr);
  }
  user = await gh.addUser({ username: 'fay', password: 'Lantern-first-pw-123', email: 'fay@example.com', nickname: 'fay' });
});

async function configFor(server, key = esKey) {
  return oidc.discovery(new URL(server.base), 'fapi', {}, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), { execute: [oidc.allowInsecureRequests] });
}

function assertion(server, key, over = {}) {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(key, { iss: 'fapi', sub: 'fapi', aud: server.base, iat: now, exp: now + 60, jti: crypto.randomUUID(), ...over });
}

async function pushed(server, fields, { key = esKey, aud } = {}) {
  const a = await assertion(server, key, aud ? { aud } : {});
  return server.postForm(PAR_PATH, { client_id: 'fapi', client_assertion_type: JWT_BEARER, client_assertion: a, ...fields });
}

function pkce() {
  const verifier = oidc.randomPKCECodeVerifier();
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
}

const request = (challenge) => ({ response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile', state: 's-fapi', ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}) });

/** The code of a pushed request (PKCE), signed in and consented. */
async function pushedCode() {
  const p = pkce();
  const res = await pushed(gh, request(p.challenge));
  assert.equal(res.status, 201, res.describe());
  const url = gh.url(`/auth/authorize?client_id=fapi&request_uri=${encodeURIComponent(res.json.request_uri)}`);
  const r = await gh.authorize(url, { username: user.username, password: user.password, jar: new CookieJar() });
  assert.ok(r.redirect, r.response.describe());
  return { code: r.redirect.searchParams.get('code'), verifier: p.verifier };
}

test('registration: the admin model says fapi2; a secret, an http redirect URI or the device grant are refused', async () => {
  const r = await gh.cli(['client', 'show', 'fapi']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /security_profile/);
  const refused = [
    [['--secret', 'fapi-secret-0123456789', '--redirect-uri', REDIRECT], /security_profile/],
    [['--public', '--redirect-uri', REDIRECT], /security_profile/],
    [['--jwks', writeJwks(gh.dir, 'loop', [esKey]), '--redirect-uri', 'http://127.0.0.1:9/cb'], /redirect_uris/],
    [['--jwks', writeJwks(gh.dir, 'dev', [esKey]), '--grant', 'urn:ietf:params:oauth:grant-type:device_code'], /grant_types/],
  ];
  for (const [i, [args, field]] of refused.entries()) {
    const out = await gh.cli(['client', 'add', '--id', `fapi-bad-${i}`, ...args, '--security-profile', 'fapi2']);
    assert.equal(out.code, 2, `${args.join(' ')}: ${out.stdout}${out.stderr}`);
    assert.match(out.stderr, field, args.join(' '));
  }
  const unknown = await gh.cli(['client', 'update', 'fapi', '--security-profile', 'fapi9']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /fapi2 or none/);
});

test('openid-client: PAR, PKCE, private_key_jwt (ES256, aud = issuer) and DPoP, all together', async () => {
  const config = await configFor(gh);
  const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT, scope: 'openid profile', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }, { DPoP });
  const r = await gh.authorize(url.href, { username: user.username, password: user.password, jar: new CookieJar() });
  assert.ok(r.redirect, r.response.describe());
  assert.equal(r.redirect.searchParams.get('iss'), gh.base, 'RFC 9207 iss');
  const tokens = await oidc.authorizationCodeGrant(config, r.redirect, { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP });
  assert.equal(tokens.token_type.toLowerCase(), 'dpop');
  assert.ok(decodeJwt(tokens.access_token).payload.cnf.jkt, 'sender-constrained');
  assert.equal(decodeJwt(tokens.id_token).header.alg, 'ES256');
  const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims().sub, { DPoP });
  assert.equal(info.nickname, 'fay');
});

test('an authorization request that was not pushed is refused', async () => {
  const p = pkce();
  const res = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: 'fapi', ...request(p.challenge) })}`);
  assert.equal(res.status, 302, res.describe());
  const back = new URL(res.header('location'));
  assert.equal(back.searchParams.get('error'), 'invalid_request');
  assert.match(back.searchParams.get('error_description'), /pushed/);
});

test('PAR: no PKCE, an RS256 assertion, another aud: refused', async () => {
  let res = await pushed(gh, request(null));
  assert.equal(res.status, 400, res.describe());
  assert.equal(res.json.error, 'invalid_request');
  assert.match(res.json.error_description, /PKCE/);
  const { challenge } = pkce();
  res = await pushed(gh, request(challenge), { key: rsKey });
  assert.equal(res.status, 401, res.describe());
  assert.equal(res.json.error, 'invalid_client');
  assert.match(res.json.error_description, /ES256/);
  for (const aud of [gh.url(TOKEN_PATH), gh.url(PAR_PATH), [gh.base, gh.url(TOKEN_PATH)]]) {
    res = await pushed(gh, request(challenge), { aud });
    assert.equal(res.status, 401, `${JSON.stringify(aud)}: ${res.describe()}`);
    assert.equal(res.json.error, 'invalid_client');
  }
  res = await pushed(gh, request(challenge), { aud: [gh.base] });
  assert.equal(res.status, 201, `the issuer alone, in an array: ${res.describe()}`);
  for (const [alg, key] of [['EdDSA', edKey], ['PS256', psKey]]) {
    res = await pushed(gh, request(challenge), { key });
    assert.equal(res.status, 201, `a ${alg} assertion (FAPI 2.0 §5.4.1 allows it): ${res.describe()}`);
  }
});

test('the token request needs a DPoP proof; the code lives 60 s at most (code_ttl is 300 here)', async () => {
  const c = await pushedCode();
  const times = querySql(gh.db, "SELECT expires_at - auth_time FROM codes WHERE client_id = 'fapi' AND used_at IS NULL ORDER BY expires_at DESC LIMIT 1");
  assert.ok(Number(times) <= 61, `code lifetime ${times} s`);
  const res = await gh.postForm(TOKEN_PATH, { grant_type: 'authorization_code', code: c.code, code_verifier: c.verifier, redirect_uri: REDIRECT, client_id: 'fapi', client_assertion_type: JWT_BEARER, client_assertion: await assertion(gh, esKey) });
  assert.equal(res.status, 400, res.describe());
  assert.equal(res.json.error, 'invalid_dpop_proof');
});

test('a server that signs with RS256 cannot serve a FAPI 2.0 client: PAR says why', async () => {
  const { challenge } = pkce();
  const res = await pushed(rs, request(challenge));
  assert.equal(res.status, 400, res.describe());
  assert.equal(res.json.error, 'unauthorized_client');
  assert.match(res.json.error_description, /ES256/);
});
