// OpenID Connect Back-Channel Logout 1.0: id_tokens carry sid; when a
// sign-in session ends (RP-initiated logout, `user passwd`), every client that
// got a code in it and registered a backchannel_logout_uri receives a logout
// token, POSTed by the server's delivery thread from an outbox: verified here
// with `jose` against the server's JWKS, claim by claim, as a relying party
// would. Also: retries with backoff on 5xx, giving up on a 4xx, a slow client
// never delays the logout page, and a token queued while the client was down
// is delivered after the server was killed and started again.
//
// The relying party is a node http server in this file; it answers each path
// as its plan says (a status, or a delay) and records every request.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after, before, test } from 'node:test';

import * as jose from 'jose';

import { CookieJar, codeGrant, decodeJwt, freePort, refreshGrant, setup, sleep, useGatehouse } from './lib/harness.mjs';
import { formData, inputValue, postForms } from './lib/html.mjs';

const gh = useGatehouse({ config: { backchannel_logout_backoff: 1, backchannel_logout_attempts: 3, backchannel_logout_timeout: 2 } });
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** The relying party: records requests by path; plans[path] = [answers...] ({ status, delayMs }). */
class RelyingParty {
  constructor() {
    this.seen = new Map();
    this.plans = new Map();
    this.waiters = [];
  }

  listen(port) {
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        const url = new URL(req.url, 'http://rp');
        const entry = { at: Date.now(), method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString(), query: url.searchParams };
        const list = this.seen.get(url.pathname) ?? [];
        list.push(entry);
        this.seen.set(url.pathname, list);
        this.waiters = this.waiters.filter((w) => !w());
        const plan = this.plans.get(url.pathname) ?? [];
        const answer = plan.length > 1 ? plan.shift() : (plan[0] ?? { status: 200 });
        if (answer.delayMs) await sleep(answer.delayMs);
        res.writeHead(answer.status ?? 200, { 'cache-control': 'no-store' });
        res.end();
      });
    });
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', resolve));
  }

  close() {
    this.server?.closeAllConnections?.();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  requests(path) {
    return this.seen.get(path) ?? [];
  }

  /** Resolves once path has seen n requests; rejects after ms. */
  waitFor(path, n = 1, ms = 10000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.requests(path).length < n) return false;
        clearTimeout(timer);
        resolve(this.requests(path));
        return true;
      };
      const timer = setTimeout(() => reject(new Error(`${path}: ${this.requests(path).length} of ${n} requests in ${ms} ms`)), ms);
      if (!check()) this.waiters.push(check);
    });
  }
}

const rp = new RelyingParty();
let rpPort;
let rpUrl;
let alice;
let bob;
const clients = {};

before(async () => {
  rpPort = await freePort();
  rpUrl = `http://127.0.0.1:${rpPort}`;
  await rp.listen(rpPort);
});
after(() => rp.close());

/** A client whose back-channel logout URI is rpUrl + path (none when path is null). */
function addClient(id, path, extraArgs = []) {
  return gh.addClient({
    id,
    secret: `${id}-secret-0123456789`,
    redirectUris: 'https://rp.example/cb',
    postLogoutRedirectUris: 'https://rp.example/bye',
    scope: 'openid profile email offline_access',
    extraArgs: path ? ['--backchannel-logout-uri', rpUrl + path, ...extraArgs] : extraArgs,
  });
}

setup(async () => {
  clients.main = await addClient('rp-bc', '/bc', ['--backchannel-logout-session-required']);
  clients.second = await addClient('rp-bc-2', '/bc-2');
  clients.none = await addClient('rp-plain', null);
  clients.idle = await addClient('rp-idle', '/bc-idle');
  clients.flaky = await addClient('rp-flaky', '/bc-flaky');
  clients.refusing = await addClient('rp-refusing', '/bc-refusing');
  clients.slow = await addClient('rp-slow', '/bc-slow');
  alice = await gh.addUser({ username: 'alice', password: 'correct horse 7', email: 'alice@example.com', nickname: 'ali' });
  bob = await gh.addUser({ username: 'bob', password: 'battery staple 9', email: 'bob@example.com', nickname: 'bob' });
});

/** Signs user in to client in browser jar (a new one by default); resolves to { jar, tokens }. */
async function signIn(client, user = alice, { jar = new CookieJar(), scope = 'openid profile' } = {}) {
  const { code } = await gh.obtainCode(client, user, { jar, scope });
  const res = await gh.token(codeGrant(client, code));
  assert.equal(res.status, 200, res.describe());
  return { jar, tokens: res.json };
}

function logout(jar, idToken) {
  return gh.get(`/auth/logout?${new URLSearchParams({ id_token_hint: idToken })}`, { headers: jar.headers() });
}

/** The logout_token of a recorded request, verified with jose against the JWKS. */
async function verifyLogoutToken(entry, client) {
  assert.equal(entry.method, 'POST');
  assert.match(entry.headers['content-type'], /^application\/x-www-form-urlencoded/);
  const form = new URLSearchParams(entry.body);
  assert.deepEqual([...form.keys()], ['logout_token']);
  const jwks = jose.createRemoteJWKSet(new URL(gh.url('/oauth2/v1/keys')));
  const { payload, protectedHeader } = await jose.jwtVerify(form.get('logout_token'), jwks, {
    issuer: gh.base,
    audience: client.id,
    typ: 'logout+jwt',
    maxTokenAge: 120,
  });
  return { payload, protectedHeader };
}

test('discovery says back- and front-channel logout with sid are supported', async () => {
  const d = (await gh.get('/.well-known/openid-configuration')).json;
  for (const k of ['backchannel_logout_supported', 'backchannel_logout_session_supported', 'frontchannel_logout_supported', 'frontchannel_logout_session_supported']) {
    assert.equal(d[k], true, k);
  }
  assert.ok(d.claims_supported.includes('sid'));
});

test('id_tokens carry sid: the same for every token of one sign-in, neither the cookie nor its digest', async () => {
  const jar = new CookieJar();
  const first = await signIn(clients.main, alice, { jar, scope: 'openid offline_access' });
  const second = await signIn(clients.second, alice, { jar }); /* same browser, same session */
  const other = await signIn(clients.main, alice); /* another browser */
  const sid = decodeJwt(first.tokens.id_token).payload.sid;
  assert.match(sid, /^[0-9a-f]{32}$/);
  assert.equal(decodeJwt(second.tokens.id_token).payload.sid, sid);
  assert.notEqual(decodeJwt(other.tokens.id_token).payload.sid, sid);
  const cookie = jar.get('gh_session');
  assert.ok(cookie);
  assert.ok(!cookie.includes(sid) && !sid.includes(cookie));
  assert.notEqual(sid, crypto.createHash('sha256').update(cookie).digest('hex').slice(0, 32));
  assert.ok(!crypto.createHash('sha256').update(cookie).digest('hex').includes(sid));
  /* a refreshed id_token names the same session */
  const refreshed = await gh.token(refreshGrant(clients.main, first.tokens.refresh_token));
  assert.equal(refreshed.status, 200, refreshed.describe());
  assert.equal(decodeJwt(refreshed.json.id_token).payload.sid, sid);
});

test('RP-initiated logout: each client of the session gets a logout token that jose verifies, claim by claim', async () => {
  const jar = new CookieJar();
  const main = await signIn(clients.main, alice, { jar });
  const second = await signIn(clients.second, alice, { jar });
  await signIn(clients.idle, bob); /* bob's session: rp-idle must hear nothing of alice */
  const sid = decodeJwt(main.tokens.id_token).payload.sid;
  const before = { bc: rp.requests('/bc').length, bc2: rp.requests('/bc-2').length };
  const res = await logout(jar, main.tokens.id_token);
  assert.equal(res.status, 200, res.describe());

  const [entry] = (await rp.waitFor('/bc', before.bc + 1)).slice(before.bc);
  const { payload, protectedHeader } = await verifyLogoutToken(entry, clients.main);
  assert.equal(protectedHeader.typ, 'logout+jwt');
  assert.equal(payload.iss, gh.base);
  assert.equal(payload.aud, clients.main.id);
  assert.equal(payload.sub, alice.sub);
  assert.equal(payload.sid, sid);
  assert.deepEqual(payload.events, { [EVENT]: {} });
  assert.match(payload.jti, /^[0-9a-f]{32}$/);
  assert.ok(Number.isInteger(payload.iat) && Math.abs(payload.iat - Date.now() / 1000) < 10);
  assert.ok(payload.exp > payload.iat && payload.exp - payload.iat <= 120, 'a short lifetime');
  assert.equal(payload.nonce, undefined, 'never a nonce (§2.4)');
  assert.deepEqual(Object.keys(payload).sort(), ['aud', 'events', 'exp', 'iat', 'iss', 'jti', 'sid', 'sub']);

  const [entry2] = (await rp.waitFor('/bc-2', before.bc2 + 1)).slice(before.bc2);
  const p2 = (await verifyLogoutToken(entry2, clients.second)).payload;
  assert.equal(p2.sid, sid);
  assert.notEqual(p2.jti, payload.jti);
  await sleep(1500);
  assert.equal(rp.requests('/bc').length, before.bc + 1, 'one token per client and session');
  assert.equal(rp.requests('/bc-idle').length, 0, "another person's session tells nobody");
});

test("the session's refresh tokens are revoked, except those granted offline_access", async () => {
  const jar = new CookieJar();
  const online = await signIn(clients.main, alice, { jar, scope: 'openid profile' });
  const offline = await signIn(clients.second, alice, { jar, scope: 'openid offline_access' });
  assert.equal((await logout(jar, online.tokens.id_token)).status, 200);
  const a = await gh.token(refreshGrant(clients.main, online.tokens.refresh_token));
  assert.equal(a.status, 400, a.describe());
  assert.notEqual((await gh.userinfo(online.tokens.access_token)).status, 200, 'its access token is refused');
  const b = await gh.token(refreshGrant(clients.second, offline.tokens.refresh_token));
  assert.equal(b.status, 200, b.describe());
});

test('a client answering 5xx is tried again with a growing wait, the same jti each time', async () => {
  rp.plans.set('/bc-flaky', [{ status: 503 }, { status: 502 }, { status: 200 }]);
  const { jar, tokens } = await signIn(clients.flaky);
  const mark = gh.logSize();
  assert.equal((await logout(jar, tokens.id_token)).status, 200);
  const got = await rp.waitFor('/bc-flaky', 3, 15000);
  const jtis = await Promise.all(got.map(async (e) => (await verifyLogoutToken(e, clients.flaky)).payload.jti));
  assert.equal(new Set(jtis).size, 1, 'a retry, not a new logout');
  const gap1 = got[1].at - got[0].at;
  const gap2 = got[2].at - got[1].at;
  assert.ok(gap1 >= 900, `first retry after the backoff (${gap1} ms)`);
  assert.ok(gap2 >= 1800, `the wait doubles (${gap2} ms)`);
  await sleep(500);
  assert.match(gh.logSince(mark), /backchannel_logout_retry/);
  assert.match(gh.logSince(mark), /backchannel_logout_sent/);
});

test('a client refusing the token (4xx) is not tried again, and the giving up is logged', async () => {
  rp.plans.set('/bc-refusing', [{ status: 400 }]);
  const { jar, tokens } = await signIn(clients.refusing);
  const mark = gh.logSize();
  assert.equal((await logout(jar, tokens.id_token)).status, 200);
  await rp.waitFor('/bc-refusing', 1);
  await sleep(2500);
  assert.equal(rp.requests('/bc-refusing').length, 1);
  assert.match(gh.logSince(mark), /backchannel_logout_gave_up.*rp-refusing|rp-refusing.*backchannel_logout_gave_up/);
});

test('a slow client does not delay the logout page', async () => {
  rp.plans.set('/bc-slow', [{ status: 200, delayMs: 4000 }]);
  const { jar, tokens } = await signIn(clients.slow);
  const t0 = Date.now();
  const res = await logout(jar, tokens.id_token);
  const took = Date.now() - t0;
  assert.equal(res.status, 200, res.describe());
  // the client answers after 4 s: well under that, on a loaded machine too
  assert.ok(took < 2500, `the page took ${took} ms`);
  await rp.waitFor('/bc-slow', 1);
});

test('a password change ends the sessions and tells their clients', async () => {
  const { tokens } = await signIn(clients.second, bob);
  const sid = decodeJwt(tokens.id_token).payload.sid;
  const n = rp.requests('/bc-2').length;
  const r = await gh.cli(['user', 'passwd', bob.username, '--password', 'a new password 11']);
  assert.equal(r.code, 0, r.stderr);
  bob.password = 'a new password 11';
  const [entry] = (await rp.waitFor('/bc-2', n + 1)).slice(n);
  const { payload } = await verifyLogoutToken(entry, clients.second);
  assert.equal(payload.sub, bob.sub);
  assert.equal(payload.sid, sid);
});

test('a token queued while the client is down is delivered after the server is killed and started again', async () => {
  const downPort = await freePort();
  const down = `http://127.0.0.1:${downPort}/bc-later`;
  const later = await gh.addClient({ id: 'rp-later', secret: 'rp-later-secret-0123456789', redirectUris: 'https://rp.example/cb', extraArgs: ['--backchannel-logout-uri', down] });
  const { jar, tokens } = await signIn(later);
  assert.equal((await logout(jar, tokens.id_token)).status, 200);
  await sleep(300); /* the first attempt fails at once: nobody listens */
  await gh.crash();
  const late = new RelyingParty();
  await late.listen(downPort);
  try {
    await gh.start();
    const [entry] = await late.waitFor('/bc-later', 1, 15000);
    const { payload } = await verifyLogoutToken(entry, later);
    assert.equal(payload.sub, alice.sub);
  } finally {
    await late.close();
  }
});

test("signing out another session on the account page tells that session's clients, and the one left alone hears nothing", async () => {
  const carol = await gh.addUser({ username: 'carol', password: 'Quartz-Pass-2468', email: 'carol@example.com', nickname: 'carol' });
  const away = await signIn(clients.main, carol); /* the session to end, in another browser */
  const here = await signIn(clients.second, carol); /* the account page's own session */
  const sid = decodeJwt(away.tokens.id_token).payload.sid;
  const n = { bc: rp.requests('/bc').length, bc2: rp.requests('/bc-2').length };
  const page = await gh.get('/account', { headers: here.jar.headers() });
  assert.equal(page.status, 200, page.describe());
  const other = [...page.text.matchAll(/<li class="item" data-session="([^"]+)"([^>]*)>/g)].filter((m) => !m[2].trim());
  assert.equal(other.length, 1, 'one other session');
  const form = postForms(page.text).find((f) => f.action === '/account/sessions/end' && inputValue(f, 'session') === other[0][1]);
  assert.ok(form, 'its sign-out form');
  const res = await gh.post('/account/sessions/end', formData(form), { headers: { ...here.jar.headers(), 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 303, res.describe());
  const [entry] = (await rp.waitFor('/bc', n.bc + 1)).slice(n.bc);
  const { payload } = await verifyLogoutToken(entry, clients.main);
  assert.equal(payload.sub, carol.sub);
  assert.equal(payload.sid, sid);
  /* its refresh token is revoked with it; the page's own session and client are untouched */
  assert.equal((await gh.token(refreshGrant(clients.main, away.tokens.refresh_token))).status, 400);
  await sleep(1500);
  assert.equal(rp.requests('/bc-2').length, n.bc2, 'the session left alone: nothing for its client');
  assert.equal((await gh.token(refreshGrant(clients.second, here.tokens.refresh_token))).status, 200);
});
