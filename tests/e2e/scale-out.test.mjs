// Horizontal scale-out: three `gatehouse serve` instances on one PostgreSQL
// database under one issuer URL, as behind a load balancer, addressed here
// one by one. A person's steps may land on any instance: the login form from
// one is posted to another, the code is redeemed at a second, refreshed at a
// third; a token revoked at one is refused at the others; single use holds
// across instances (30 concurrent spends of one refresh token, exactly one
// succeeds); each instance answers from memory, and a change made anywhere
// holds on all of them once made, even on one frozen meanwhile; a key
// rotation made with the CLI is served by every instance's JWKS within
// seconds. Likewise two `gatehouse gateway` instances with one
// configuration (public URL, jwt_secret) on one database: a login URL made by
// one is completed at the other, its state spent once across both, and a
// refresh cookie rotated at one is refused as reused at the other.
//
// Runs only on PostgreSQL (GATEHOUSE_E2E_PG, which `make test` sets).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { naver } from '../platforms/naver.mjs';
import { assertEnvelope, followAuthorize, setCookies, useGateway } from './lib/gateway.mjs';
import { formData, postForms } from './lib/html.mjs';
import {
  AUTHORIZE_PATH,
  CookieJar,
  PG_URL,
  assertSeedError,
  codeGrant,
  decodeJwt,
  freshDatabase,
  querySql,
  randomString,
  refreshGrant,
  request,
  setup,
  sleep,
  useGatehouse,
  verifyJwt,
} from './lib/harness.mjs';

const SKIP = PG_URL ? false : 'needs PostgreSQL: set GATEHOUSE_E2E_PG (make test does)';
const ISSUER = 'http://login.scale-out.test'; // the load balancer's URL, shared by all instances
const SPENDERS = 30;
const KEY_RELOAD_WAIT_MS = 10000; // the servers reload keys every 2 s

const database = PG_URL ? freshDatabase() : null;
const nodes = database
  ? [1, 2, 3].map((n) => useGatehouse({ db: database.url, issuer: ISSUER, label: `gatehouse ${n}` }))
  : [];
const [a, b, c] = nodes;
if (database) after(() => database.drop());

const GATEWAY_URL = 'http://gateway.scale-out.test'; // the gateways' public URL, behind the load balancer
const STATE_RACERS = 10;
const platform = naver();
if (database) {
  before(() => platform.start());
  after(() => platform.stop());
}
const gwDatabase = PG_URL ? freshDatabase() : null;
// refresh_grace = 0: a rotated cookie replayed is reuse at once (the grace is gateway-refresh-grace.test.mjs's)
const gatewaySettings = { public_url: GATEWAY_URL, jwt_secret: randomString(32), refresh_grace: 0 };
const gateways = gwDatabase
  ? [1, 2].map((n) =>
      useGateway({ db: gwDatabase.url, label: `gateway ${n}`, settings: gatewaySettings, platforms: () => ({ naver: platform.config() }) }),
    )
  : [];
if (gwDatabase) after(() => gwDatabase.drop());

let client;
let user;

setup(async () => {
  if (!database) return;
  client = await a.addClient({ id: 'rp-scale', secret: 'rp-scale-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await b.addUser({ username: 'sam', password: 's_am-Pass-1234', email: 'sam@example.com', nickname: 'sammy' });
});

const authorizeParams = (state) => ({
  scope: 'openid profile',
  response_type: 'code',
  state,
  redirect_uri: client.redirectUri,
  client_id: client.id,
});

/** Posts the only form of page (a response from another instance) to instance `to`, as a browser would. */
async function postFormTo(to, page, jar, fill, pick = () => null) {
  assert.equal(page.status, 200, `a page with a form: ${page.describe()}`);
  const [form] = postForms(page.text);
  assert.ok(form, `a post form: ${page.describe()}`);
  const action = new URL(form.action || page.url, page.url);
  const res = await request('POST', to.url(action.pathname + action.search), {
    headers: jar.headers(),
    body: formData(form, fill, pick(form)),
  });
  jar.take(res);
  return res;
}

/** The JWKS kids an instance serves. */
async function kids(node) {
  const res = await node.get('/oauth2/v1/keys');
  assert.equal(res.status, 200, `${node.label} JWKS: ${res.describe()}`);
  return res.json.keys.map((k) => k.kid);
}

describe('scale-out: three instances on one PostgreSQL database', { skip: SKIP }, () => {
  test('every instance publishes the one issuer and the same keys', async () => {
    const metadata = await Promise.all(nodes.map((n) => n.get('/.well-known/openid-configuration')));
    for (const m of metadata) assert.equal(m.json.issuer, ISSUER);
    // Started together on an empty database, each instance made a first key
    // and one won; an instance that loaded the keys before a loser had
    // retired its own catches up at its next reload.
    const deadline = Date.now() + KEY_RELOAD_WAIT_MS;
    for (;;) {
      const sets = await Promise.all(nodes.map(kids));
      if (sets.every((k) => JSON.stringify(k) === JSON.stringify(sets[0]))) break;
      assert.ok(Date.now() < deadline, `the same keys on every instance within ${KEY_RELOAD_WAIT_MS} ms: ${JSON.stringify(sets)}`);
      await sleep(200);
    }
  });

  test('login page from instance 1 posted to 2, consent posted to 3, code redeemed at 2, refreshed at 3, userinfo at 1', async () => {
    const jar = new CookieJar();
    const login = await a.get(`${AUTHORIZE_PATH}?${new URLSearchParams(authorizeParams('st-scale-1'))}`);
    jar.take(login);
    // the CSRF token made by instance 1 is checked by 2 with the key all instances share
    const consent = await postFormTo(b, login, jar, { username: user.username, password: user.password });
    const allow = (form) => form.buttons.find((x) => x.name === 'decision' && x.value === 'allow');
    const done = await postFormTo(c, consent, jar, {}, allow);
    assert.equal(done.status, 302, `consent posted to ${c.label}: ${done.describe()}`);
    const back = new URL(done.header('location'));
    assert.equal(back.origin + back.pathname, client.redirectUri);
    assert.equal(back.searchParams.get('iss'), ISSUER);
    const code = back.searchParams.get('code');

    const tokens = await b.token(codeGrant(client, code));
    assert.equal(tokens.status, 200, `code redeemed at ${b.label}: ${tokens.describe()}`);
    assert.equal(decodeJwt(tokens.json.access_token).payload.iss, ISSUER);

    const refreshed = await c.token(refreshGrant(client, tokens.json.refresh_token));
    assert.equal(refreshed.status, 200, `refresh at ${c.label}: ${refreshed.describe()}`);
    assert.notEqual(refreshed.json.refresh_token, tokens.json.refresh_token);

    const info = await a.userinfo(refreshed.json.access_token);
    assert.equal(info.status, 200, `userinfo at ${a.label}: ${info.describe()}`);
    assert.equal(info.json.sub, user.sub);
    assert.equal(info.json.nickname, 'sammy');

    // the login session and the remembered consent are seen by every instance
    const again = await c.authorize(authorizeParams('st-scale-2'), { jar });
    assert.ok(again.redirect?.searchParams.get('code'), `signed in already at ${c.label}: ${again.response.describe()}`);
    assert.equal(again.history.length, 1, 'no login and no consent page the second time');

    // the first refresh token, already rotated at instance 3, reused at 1: the family is revoked everywhere
    assertSeedError(await a.token(refreshGrant(client, tokens.json.refresh_token)), '10051', 'rotated token reused');
    assertSeedError(await b.token(refreshGrant(client, refreshed.json.refresh_token)), '10051', 'its successor, after the reuse');
    // the code replayed at another instance: refused (and, by default, its grant revoked)
    assertSeedError(await c.token(codeGrant(client, code)), '10051', `the same code replayed at ${c.label}`);
  });

  test('a token revoked at one instance is refused by the others', async () => {
    const tokens = await a.obtainTokens(client, user, { state: 'st-scale-revoke' });
    const auth = { client_id: client.id, client_secret: client.secret };
    assert.equal((await c.userinfo(tokens.access_token)).status, 200);
    assert.equal((await b.revoke({ ...auth, token: tokens.access_token })).status, 200, 'access token revoked at 2');
    assertSeedError(await c.userinfo(tokens.access_token), '10075', `the revoked access token at ${c.label}`);
    const introspected = await a.introspect({ ...auth, token: tokens.access_token });
    assert.deepEqual(introspected.json, { active: false }, `introspection at ${a.label}`);
    assert.equal((await c.revoke({ ...auth, token: tokens.refresh_token })).status, 200, 'refresh token revoked at 3');
    assertSeedError(await a.token(refreshGrant(client, tokens.refresh_token)), '10051', `the revoked refresh token at ${a.label}`);
  });

  // Each instance answers userinfo from memory (docs/scaling.md); a change made anywhere (here by
  // the CLI, which keeps no memory) holds on every instance once it has returned, and an instance
  // frozen meanwhile holds the writer for its lease (3 s) at most and, thawed, does not answer
  // from what it remembered.
  test('instances answer from memory, and a change made anywhere holds everywhere once made', async () => {
    const tokens = await a.obtainTokens(client, user, { state: 'st-scale-memory' });
    const hits = async (node) => {
      const text = (await node.get('/metrics')).text;
      return Number(/^gatehouse_db_cache_reads_total\{result="hit"\} (\d+)/m.exec(text)?.[1]);
    };
    for (const node of nodes) assert.equal((await node.userinfo(tokens.access_token)).status, 200);
    const before = await hits(c);
    const seen = await c.userinfo(tokens.access_token);
    assert.equal(seen.json.nickname, 'sammy');
    assert.ok((await hits(c)) > before, 'userinfo read from memory');

    const changed = await a.cli(['user', 'update', user.username, '--nickname', 'samwise']);
    assert.equal(changed.code, 0, changed.stderr);
    for (const node of nodes) assert.equal((await node.userinfo(tokens.access_token)).json.nickname, 'samwise', node.label);

    const auth = { client_id: client.id, client_secret: client.secret };
    c.proc.kill('SIGSTOP');
    let waited;
    try {
      const start = Date.now();
      assert.equal((await a.revoke({ ...auth, token: tokens.access_token })).status, 200);
      waited = Date.now() - start;
    } finally {
      c.proc.kill('SIGCONT');
    }
    assert.ok(waited < 4500, `the revocation waited ${waited} ms for the frozen instance`);
    for (const node of [b, c]) assertSeedError(await node.userinfo(tokens.access_token), '10075', `the revoked token at ${node.label}`);
  });

  test(`${SPENDERS} concurrent spends of one refresh token over three instances: exactly one succeeds`, async () => {
    const tokens = await a.obtainTokens(client, user, { state: 'st-scale-race' });
    const answers = await Promise.all(
      Array.from({ length: SPENDERS }, (_, i) => nodes[i % nodes.length].token(refreshGrant(client, tokens.refresh_token))),
    );
    const ok = answers.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, `statuses: ${answers.map((r) => r.status).join(' ')}`);
    for (const r of answers.filter((x) => x.status !== 200)) assertSeedError(r, '10051', 'a losing spend');
  });

  test('a key rotation with the CLI is served by every JWKS within seconds and signs on every instance', async () => {
    const before = new Set(await kids(a));
    const rotated = await c.cli(['keys', 'rotate', '--now']);
    assert.equal(rotated.code, 0, `keys rotate: ${rotated.stderr}`);
    const deadline = Date.now() + KEY_RELOAD_WAIT_MS;
    let fresh = [];
    for (;;) {
      const sets = await Promise.all(nodes.map(kids));
      fresh = sets.map((s) => s.filter((k) => !before.has(k)));
      if (fresh.every((f) => f.length === 1 && f[0] === fresh[0][0])) break;
      assert.ok(Date.now() < deadline, `the new key on every instance within ${KEY_RELOAD_WAIT_MS} ms: ${JSON.stringify(fresh)}`);
      await sleep(200);
    }
    const newKid = fresh[0][0];
    const jwks = (await a.get('/oauth2/v1/keys')).json;
    for (const [i, n] of nodes.entries()) {
      const tokens = await n.obtainTokens(client, user, { state: `st-scale-keys-${i}` });
      assert.equal(decodeJwt(tokens.access_token).header.kid, newKid, `${n.label} signs with the new key`);
      assert.ok(verifyJwt(tokens.access_token, jwks), `a token of ${n.label} verifies with the JWKS of ${a.label}`);
      assert.equal((await nodes[(i + 1) % nodes.length].userinfo(tokens.access_token)).status, 200);
    }
  });
});

describe('scale-out: two gateway instances on one PostgreSQL database', { skip: SKIP }, () => {
  /** POST /oauth2/api/login/auto at gw with only a refresh cookie; resolves to { res, refresh } (the new cookie). */
  async function autoLogin(gw, refresh) {
    const jar = new CookieJar();
    jar.take({ setCookies: [`refresh=${refresh}`] });
    const res = await gw.api('POST', '/oauth2/api/login/auto', { jar });
    return { res, refresh: setCookies(res).refresh?.value };
  }

  test('a login URL from gateway 1 is completed at gateway 2; a refresh cookie rotated at one is refused as reused at the other', async () => {
    const [g1, g2] = gateways;
    const { code, state } = await followAuthorize(await g1.loginUrl('naver'), GATEWAY_URL);
    const jar = new CookieJar();
    assertEnvelope(await g2.login('naver', code, state, jar), 200, true, `login at ${g2.label} with the state of ${g1.label}`);
    assertEnvelope(await g1.login('naver', code, state), 400, false, `the same state again at ${g1.label}`);
    const info = assertEnvelope(await g1.api('GET', '/oauth2/api/userinfo', { jar }), 200, true, `userinfo at ${g1.label}`);
    assert.equal(info.body.platform, 'naver');

    // rotated at 1, its successor rotated at 2: each instance honours the other's records
    const atOne = await autoLogin(g1, jar.get('refresh'));
    assertEnvelope(atOne.res, 200, true, `refresh cookie rotated at ${g1.label}`);
    const atTwo = await autoLogin(g2, atOne.refresh);
    assertEnvelope(atTwo.res, 200, true, `its successor rotated at ${g2.label}`);
    assert.ok(atTwo.refresh && atTwo.refresh !== atOne.refresh, 'a new refresh cookie');
    // the cookie rotated at 2, replayed at 1: a reuse, which ends the whole session
    assertEnvelope((await autoLogin(g1, atOne.refresh)).res, 401, false, `the rotated cookie reused at ${g1.label}`);
    assert.equal(querySql(gwDatabase.url, 'SELECT count(*) FROM gateway_refresh'), '0', 'every refresh record of the user deleted');
    assertEnvelope((await autoLogin(g2, atTwo.refresh)).res, 401, false, `the newest cookie, after the reuse, at ${g2.label}`);
  });

  test(`one state posted ${STATE_RACERS} times at once to both gateways signs in exactly once`, async () => {
    const { code, state } = await followAuthorize(await gateways[1].loginUrl('naver'), GATEWAY_URL);
    const answers = await Promise.all(Array.from({ length: STATE_RACERS }, (_, i) => gateways[i % 2].login('naver', code, state)));
    const ok = answers.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, `statuses: ${answers.map((r) => r.status).join(' ')}`);
    for (const r of answers.filter((x) => x.status !== 200)) assertEnvelope(r, 400, false, 'a losing login');
  });
});
