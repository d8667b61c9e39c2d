// The seed 004 authorization code flow with a certified relying party
// (openid-client v6): discovery, an authorization URL with state and nonce,
// login and consent over HTTP, the code grant with full ID token validation
// (signature against the JWKS, iss, aud, nonce, exp), userinfo, and refresh
// token rotation. The token answer is also checked against seed 004's shape.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as oidc from 'openid-client';

import {
  CookieJar,
  assertSeedError,
  decodeJwt,
  refreshGrant,
  setup,
  useGatehouse,
  USERINFO_PATH,
  verifyJwt,
} from './lib/harness.mjs';

const gh = useGatehouse();

const SEED_TOKEN_MEMBERS = ['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type'];

let client;
let user;
let jwks;
const jar = new CookieJar(); // one browser for the whole file
const state = {};

/** A relying party configuration; `exchanges` records each raw token endpoint answer. */
async function relyingParty(auth) {
  const exchanges = [];
  const config = await oidc.discovery(new URL(gh.base), client.id, { client_secret: client.secret }, auth, {
    execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks],
  });
  config[oidc.customFetch] = async (url, options) => {
    const res = await fetch(url, options);
    if (new URL(url).pathname === '/oauth2/v1/token') {
      exchanges.push({ status: res.status, headers: res.headers, text: await res.clone().text() });
    }
    return res;
  };
  return { config, exchanges };
}

/** Drives the browser part for an authorization URL built by openid-client; returns the callback URL. */
async function frontChannel(config, params) {
  const url = oidc.buildAuthorizationUrl(config, params);
  assert.equal(url.origin + url.pathname, gh.url('/auth/authorize'));
  const r = await gh.authorize(url.href, { username: user.username, password: user.password, jar });
  assert.ok(r.redirect, `authorize should end in a redirect to the client: ${r.response.describe()}`);
  assert.equal(r.redirect.origin + r.redirect.pathname, client.redirectUri);
  return r;
}

function assertSeedTokenAnswer(exchange, scopes) {
  assert.equal(exchange.status, 200);
  assert.match(exchange.headers.get('cache-control') ?? '', /(^|,)\s*no-store\s*(,|$)/i, 'Cache-Control: no-store');
  assert.match(exchange.headers.get('content-type') ?? '', /^application\/json/i);
  const body = JSON.parse(exchange.text);
  assert.deepEqual(Object.keys(body).sort(), SEED_TOKEN_MEMBERS, 'seed 004 token answer members');
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.expires_in, 3599);
  assert.deepEqual(body.scope.split(' ').sort(), scopes.slice().sort());
  for (const m of ['access_token', 'refresh_token', 'id_token']) assert.ok(body[m].length > 0, m);
}

setup(async () => {
  client = await gh.addClient({ id: 'rp-code', secret: 'rp-code-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await gh.addUser({ username: 'alice', password: 'correct horse 7', email: 'alice@example.com', nickname: 'ali' });
  jwks = (await gh.get('/oauth2/v1/keys')).json;
});

test('code flow: login, consent, code grant with a validated id_token (client_secret_post)', async () => {
  const { config, exchanges } = await relyingParty(oidc.ClientSecretPost(client.secret));
  state.config = config;
  const expectedState = oidc.randomState();
  const expectedNonce = oidc.randomNonce();
  const r = await frontChannel(config, { redirect_uri: client.redirectUri, scope: 'openid profile', state: expectedState, nonce: expectedNonce });
  assert.deepEqual(r.history.filter((h) => h.form).map((h) => h.form), ['login', 'consent'], 'first visit: login, then consent');
  assert.equal(r.redirect.searchParams.get('state'), expectedState);
  assert.equal(r.redirect.searchParams.get('iss'), gh.base, 'RFC 9207 iss');

  const tokens = await oidc.authorizationCodeGrant(config, r.redirect, { expectedState, expectedNonce, idTokenExpected: true });
  assert.equal(exchanges.length, 1);
  assertSeedTokenAnswer(exchanges[0], ['openid', 'profile']);

  const claims = tokens.claims();
  const now = Math.floor(Date.now() / 1000);
  assert.equal(claims.iss, gh.base);
  assert.ok(claims.aud === client.id || (Array.isArray(claims.aud) && claims.aud.includes(client.id)), `aud ${claims.aud}`);
  assert.equal(claims.sub, user.sub, 'sub is the one `user add` printed');
  assert.equal(claims.nonce, expectedNonce);
  assert.ok(claims.exp > now && claims.iat <= now + 5 && claims.exp > claims.iat, `exp ${claims.exp} iat ${claims.iat} now ${now}`);
  assert.ok(verifyJwt(tokens.id_token, jwks), 'id_token signature verifies with the key its kid names');
  assert.equal(decodeJwt(tokens.id_token).header.alg, 'RS256');
  state.tokens = tokens;
});

test('userinfo answers the seed 004 claims for openid profile', async () => {
  const info = await oidc.fetchUserInfo(state.config, state.tokens.access_token, user.sub);
  assert.deepEqual(info, { sub: user.sub, nickname: user.nickname, email: user.email, preferred_username: user.username });
});

test('userinfo takes the token from the header, a POST form body, or the query (seed 001)', async () => {
  const token = state.tokens.access_token;
  const expected = { sub: user.sub, nickname: user.nickname, email: user.email, preferred_username: user.username };
  const answers = {
    header: await gh.userinfo(token),
    form: await gh.post(USERINFO_PATH, { access_token: token }),
    query: await gh.get(`${USERINFO_PATH}?${new URLSearchParams({ access_token: token })}`),
  };
  for (const [how, res] of Object.entries(answers)) {
    assert.equal(res.status, 200, `${how}: ${res.describe()}`);
    assert.match(res.header('content-type') ?? '', /^application\/json/i, how);
    assert.deepEqual(res.json, expected, how);
  }
});

test('refresh token grant rotates the refresh token and gives a working access token', async () => {
  const { config, exchanges } = await relyingParty(oidc.ClientSecretPost(client.secret));
  const old = state.tokens;
  const fresh = await oidc.refreshTokenGrant(config, old.refresh_token);
  assert.equal(exchanges[0].status, 200);
  assert.match(exchanges[0].headers.get('cache-control') ?? '', /no-store/i);
  assert.equal(fresh.token_type.toLowerCase(), 'bearer');
  assert.equal(fresh.expires_in, 3599);
  assert.deepEqual(fresh.scope.split(' ').sort(), ['openid', 'profile'], 'same scopes as granted');
  assert.ok(fresh.refresh_token && fresh.refresh_token !== old.refresh_token, 'a new refresh token');
  assert.notEqual(fresh.access_token, old.access_token);
  const info = await oidc.fetchUserInfo(config, fresh.access_token, user.sub);
  assert.equal(info.sub, user.sub);

  const again = await oidc.refreshTokenGrant(config, fresh.refresh_token);
  assert.ok(again.access_token, 'the new refresh token works');

  // RFC 9700 §4.14.2: presenting a rotated-out token revokes the whole family
  const replay = await gh.token(refreshGrant(client, old.refresh_token));
  assertSeedError(replay, '10051', 'the rotated-out refresh token is refused');
  const afterReuse = await gh.token(refreshGrant(client, again.refresh_token));
  assertSeedError(afterReuse, '10051', 'reuse revoked the newest token of the family too');
});

test('a second authorization (client_secret_basic) skips login and the remembered consent', async () => {
  const { config, exchanges } = await relyingParty(oidc.ClientSecretBasic(client.secret));
  const expectedState = oidc.randomState();
  const expectedNonce = oidc.randomNonce();
  const r = await frontChannel(config, { redirect_uri: client.redirectUri, scope: 'openid profile', state: expectedState, nonce: expectedNonce });
  assert.equal(r.history.length, 1, 'straight to the redirect: session and consent are remembered');
  const tokens = await oidc.authorizationCodeGrant(config, r.redirect, { expectedState, expectedNonce, idTokenExpected: true });
  assertSeedTokenAnswer(exchanges[0], ['openid', 'profile']);
  assert.equal(tokens.claims().sub, user.sub);
  assert.notEqual(tokens.access_token, state.tokens.access_token);
});
