// The device authorization grant (RFC 8628), as a TV or console runs it: a
// certified client (openid-client v6) asks for a code and polls the token
// endpoint while the test, in a second "browser" (the harness's cookie jar and
// form walker), signs in at the verification URI, types the code and allows
// or denies. Covers pending → approve → tokens → userinfo, deny, expiry (a
// second server with device_code_ttl = 2), slow_down, wrong and used user
// codes, throttling of guesses, clients not registered for the grant, and
// single use of the device code under concurrent polls.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import * as oidc from 'openid-client';

import {
  CookieJar,
  DEVICE_GRANT,
  DEVICE_PATH,
  assertPageHeaders,
  assertSeedError,
  sleep,
  useGatehouse,
} from './lib/harness.mjs';
import { visibleText } from './lib/html.mjs';

const gh = useGatehouse({ config: { device_code_interval: 1 } });
const short = useGatehouse({ config: { device_code_interval: 1, device_code_ttl: 2 }, label: 'gatehouse-short-ttl' });

const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
const user = { username: 'player1', password: 'pa55-Word!x', email: 'p1@game.example', nickname: 'p1' };
let tv; // public client: device_code + refresh_token
let consoleClient; // confidential client: device_code only
const used = {}; // a user code that was approved

async function addDeviceClients(server) {
  const t = await server.addClient({ id: 'tv', redirectUris: [], scope: 'openid profile', grants: [DEVICE_GRANT, 'refresh_token'], isPublic: true });
  const c = await server.addClient({ id: 'console', secret: 'console-secret-0123456789', redirectUris: [], scope: 'openid profile email', grants: [DEVICE_GRANT] });
  return { t, c };
}

/** An openid-client configuration for the public TV client. */
function tvClient(server) {
  return oidc.discovery(new URL(server.base), 'tv', {}, oidc.None(), { execute: [oidc.allowInsecureRequests] });
}

/** One raw poll of the token endpoint. */
function poll(server, deviceCode, fields = { client_id: 'tv' }) {
  return server.token({ grant_type: DEVICE_GRANT, device_code: deviceCode, ...fields });
}

function assertPollError(res, error, what) {
  assert.equal(res.status, 400, `${what}: ${res.describe()}`);
  assert.match(res.header('content-type') ?? '', /^application\/json/i);
  assert.equal(res.json?.error, error, `${what}: ${res.describe()}`);
  assert.equal(typeof res.json.error_description, 'string');
}

/** The page's visible text, and it is a page with the usual protections. */
function pageText(res) {
  assert.match(res.header('content-type') ?? '', /^text\/html/i, res.describe());
  assertPageHeaders(res, res.url);
  return visibleText(res.text);
}

before(async () => {
  ({ t: tv, c: consoleClient } = await addDeviceClients(gh));
  await addDeviceClients(short);
  await gh.addUser(user);
  await short.addUser(user);
  await gh.addClient({ id: 'web', secret: 'web-secret-0123456789', redirectUris: 'https://web.example/cb' });
});

test('discovery names the device authorization endpoint and grant', async () => {
  const meta = (await gh.get('/.well-known/openid-configuration')).json;
  assert.equal(meta.device_authorization_endpoint, gh.url('/oauth2/v1/device/authorize'));
  assert.ok(meta.grant_types_supported.includes(DEVICE_GRANT));
});

test('device authorization answer (RFC 8628 §3.2)', async () => {
  const res = await gh.deviceAuthorize({ client_id: 'tv', scope: 'openid' });
  assert.equal(res.status, 200, res.describe());
  assert.match(res.header('cache-control') ?? '', /no-store/);
  const body = res.json;
  assert.deepEqual(Object.keys(body).sort(), ['device_code', 'expires_in', 'interval', 'user_code', 'verification_uri', 'verification_uri_complete']);
  assert.match(body.device_code, /^[A-Za-z0-9_-]{43}$/);
  assert.match(body.user_code, USER_CODE);
  assert.equal(body.verification_uri, gh.url(DEVICE_PATH));
  assert.equal(body.verification_uri_complete, `${gh.url(DEVICE_PATH)}?user_code=${body.user_code}`);
  assert.equal(body.expires_in, 600);
  assert.equal(body.interval, 1);
  const again = (await gh.deviceAuthorize({ client_id: 'tv', scope: 'openid' })).json;
  assert.notEqual(again.device_code, body.device_code);
  assert.notEqual(again.user_code, body.user_code);
});

test('public client: pending, the person approves, tokens, userinfo', async () => {
  const config = await tvClient(gh);
  const auth = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile' });
  assert.match(auth.user_code, USER_CODE);
  const early = await poll(gh, auth.device_code);
  assertPollError(early, 'authorization_pending', 'before the person answered');

  const polling = oidc.pollDeviceAuthorizationGrant(config, auth);
  const jar = new CookieJar();
  const first = await gh.get(new URL(auth.verification_uri_complete).pathname + new URL(auth.verification_uri_complete).search);
  assert.match(pageText(first), /Sign in/);
  const walk = await gh.device(auth.verification_uri_complete, { username: user.username, password: user.password, jar });
  assert.deepEqual(walk.history.map((h) => h.form).filter(Boolean), ['login', 'code', 'consent']);
  assert.equal(walk.response.status, 200);
  assert.match(pageText(walk.response), /Device connected/);

  const tokens = await polling;
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.equal(tokens.scope, 'openid profile');
  assert.ok(tokens.refresh_token, 'the client has the refresh_token grant');
  const claims = tokens.claims();
  assert.equal(claims.iss, gh.base);
  assert.equal(claims.aud, 'tv');
  assert.ok(claims.auth_time > 0);
  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.nickname, user.nickname);

  // the device code gave its tokens once
  assertSeedError(await poll(gh, auth.device_code), '10051', 'a redeemed device code (invalid_grant)');
  // and the refresh token works
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token);
  used.userCode = auth.user_code;
  used.jar = jar;
});

test('a used user code is refused with its own message', async () => {
  assert.ok(used.userCode, 'needs the approval test');
  const walk = await gh.device(undefined, { userCode: used.userCode.toLowerCase().replace('-', ''), jar: used.jar });
  assert.equal(walk.response.status, 400);
  assert.match(pageText(walk.response), /already been used/);
});

test('the person denies: access_denied', async () => {
  const config = await tvClient(gh);
  const auth = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
  const polling = oidc.pollDeviceAuthorizationGrant(config, auth);
  const walk = await gh.device(undefined, { username: user.username, password: user.password, userCode: auth.user_code, decision: 'deny' });
  assert.match(pageText(walk.response), /You denied access/);
  await assert.rejects(polling, (e) => e.error === 'access_denied');
  assertPollError(await poll(gh, auth.device_code), 'access_denied', 'denied, polled again');
});

test('polling faster than the interval: slow_down, and the interval grows by 5 s', async () => {
  const auth = (await gh.deviceAuthorize({ client_id: 'tv', scope: 'openid' })).json;
  assertPollError(await poll(gh, auth.device_code), 'authorization_pending', 'first poll');
  assertPollError(await poll(gh, auth.device_code), 'slow_down', 'at once');
  await sleep(1500); // past the original interval of 1 s, not past 1 + 5
  assertPollError(await poll(gh, auth.device_code), 'slow_down', 'after the old interval');
});

test('expiry: expired_token to the client, an invalid code to the person', async () => {
  const config = await tvClient(short);
  const auth = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
  assert.equal(auth.expires_in, 2);
  const polling = oidc.pollDeviceAuthorizationGrant(config, auth, undefined, { signal: AbortSignal.timeout(10000) });
  await assert.rejects(polling, (e) => e.error === 'expired_token');
  const walk = await short.device(undefined, { username: user.username, password: user.password, userCode: auth.user_code });
  assert.equal(walk.response.status, 400);
  assert.match(pageText(walk.response), /not valid or has expired/);
});

test('wrong user codes: a clear message, then the right code still works', async () => {
  const auth = (await gh.deviceAuthorize({ client_id: 'tv', scope: 'openid' })).json;
  const jar = new CookieJar();
  for (const wrong of ['BCDF-GHJK', 'hello']) {
    const walk = await gh.device(undefined, { username: user.username, password: user.password, userCode: wrong, jar });
    assert.equal(walk.response.status, 400, walk.response.describe());
    assert.match(pageText(walk.response), /That code is not valid or has expired/);
  }
  const walk = await gh.device(undefined, { userCode: ` ${auth.user_code.toLowerCase()} `, jar });
  assert.match(pageText(walk.response), /Device connected/);
});

test('guessing is throttled per session', async () => {
  const auth = (await gh.deviceAuthorize({ client_id: 'tv', scope: 'openid' })).json;
  const jar = new CookieJar();
  for (let i = 0; i < 5; i++) {
    const walk = await gh.device(undefined, { username: user.username, password: user.password, userCode: 'ZZZZ-ZZZZ', jar });
    assert.equal(walk.response.status, 400, `attempt ${i + 1}: ${walk.response.describe()}`);
  }
  const blocked = await gh.device(undefined, { userCode: auth.user_code, jar });
  assert.equal(blocked.response.status, 429, blocked.response.describe());
  assert.match(pageText(blocked.response), /Too many wrong codes/);
  // another session is not blocked by this one
  const other = await gh.device(undefined, { username: user.username, password: user.password, userCode: auth.user_code });
  assert.match(pageText(other.response), /Device connected/);
});

test('the page needs a signed-in person and a valid CSRF token', async () => {
  const get = await gh.get(DEVICE_PATH);
  assert.equal(get.status, 200);
  assert.match(pageText(get), /Sign in/);
  const post = await gh.post(DEVICE_PATH, new URLSearchParams({ step: 'code', user_code: 'BCDF-GHJK', csrf: 'x' }));
  assert.equal(post.status, 403);
  assert.match(pageText(post), /This form is no longer valid/);
  const repeated = await gh.get(`${DEVICE_PATH}?user_code=A&user_code=B`);
  assert.equal(repeated.status, 400);
  assert.match(pageText(repeated), /Invalid sign-in request/);
});

test('clients: registration for the grant, scopes, authentication', async () => {
  assertSeedError(await gh.deviceAuthorize({ client_id: 'web', client_secret: 'web-secret-0123456789' }), '10076', 'not registered for the grant');
  assertSeedError(await gh.deviceAuthorize({ client_id: 'nobody' }), '10076', 'unknown client');
  assertSeedError(await gh.deviceAuthorize({ client_id: 'tv', client_secret: 'x' }), '10076', 'a public client with a secret');
  assertSeedError(await gh.deviceAuthorize({ client_id: 'tv', scope: 'openid email' }), '10071', 'scope beyond the registration');
  assertSeedError(await gh.deviceAuthorize({ client_id: 'console', client_secret: 'wrong' }), '10076', 'wrong secret');
  // other token errors keep the configured (seed) style
  assertSeedError(await poll(gh, 'no-such-code'), '10051', 'unknown device code');
  assertSeedError(await gh.token({ grant_type: DEVICE_GRANT, client_id: 'tv' }), '10051', 'no device_code');
  assertSeedError(await gh.token({ grant_type: DEVICE_GRANT, device_code: 'x', client_id: 'web', client_secret: 'web-secret-0123456789' }), '10076', 'grant not registered');

  // a confidential client with HTTP Basic, scope defaulting to its registration
  const basic = { id: 'console', secret: consoleClient.secret };
  const res = await gh.deviceAuthorize({}, { basic });
  assert.equal(res.status, 200, res.describe());
  const auth = res.json;
  assertSeedError(await poll(gh, auth.device_code, {}), '10076', 'a poll without client authentication');
  assertSeedError(await poll(gh, auth.device_code, { client_id: 'tv' }), '10051', "another client's device code");
  await gh.device(auth.verification_uri_complete, { username: user.username, password: user.password });
  const tokens = await gh.token({ grant_type: DEVICE_GRANT, device_code: auth.device_code }, { basic });
  assert.equal(tokens.status, 200, tokens.describe());
  assert.equal(tokens.json.scope, 'openid profile email');
  assert.ok(tokens.json.id_token);
  assert.equal(tokens.json.refresh_token, undefined, 'no refresh_token grant');
});

test('two concurrent polls after approval: exactly one gets tokens', async () => {
  const auth = (await gh.deviceAuthorize({ client_id: 'tv', scope: 'openid' })).json;
  await gh.device(auth.verification_uri_complete, { username: user.username, password: user.password });
  const answers = await Promise.all(Array.from({ length: 6 }, () => poll(gh, auth.device_code)));
  const ok = answers.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, answers.map((r) => r.describe()).join('\n'));
  for (const r of answers.filter((a) => a.status !== 200)) assertSeedError(r, '10051', 'the losers');
});
