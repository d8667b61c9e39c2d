// What the gateway refuses and how it fails: states that are unknown, used,
// expired or made for another platform; malformed login bodies; and every
// upstream fault (timeout, 5xx, garbage, a huge answer, the platform's own
// error answer) at the token, userinfo and unlink calls. Each failure is a
// seed 002 envelope with flag false and 4xx/5xx, sets no cookie, writes no
// account, arrives within the upstream timeout plus a margin, and the gateway
// keeps serving. Also: an answer that never ends, a TLS alert, a redirect
// (never followed), an oversized chunked answer, a connect that never
// completes and a refused one. Also: an expired platform token is
// renewed before unlinking.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { after, afterEach, before, test } from 'node:test';

import { kakao } from '../platforms/kakao.mjs';
import { naver } from '../platforms/naver.mjs';
import { freePort, querySql, sleep } from './lib/harness.mjs';
import { assertEnvelope, followAuthorize, useGateway } from './lib/gateway.mjs';

const UPSTREAM_TIMEOUT_S = 2;
// Expiry counts whole seconds: a state lives between STATE_TTL_S - 1 and
// STATE_TTL_S seconds, so 1 would let a state made just before a second ends
// expire at once.
const STATE_TTL_S = 2;
const MARGIN_MS = 2000;
const nv = naver();
const kk = kakao();
const hole = await blackHole(); /* before the gateway reads its configuration */
const closedPort = await freePort();
before(() => Promise.all([nv.start(), kk.start()]));
after(() => Promise.all([nv.stop(), kk.stop(), hole.stop()]));
afterEach(() => {
  for (const p of [nv, kk]) [p.fault, p.faultOn, p.expiresIn] = [null, null, undefined];
});
const gw = useGateway({
  platforms: () => ({
    naver: nv.config(),
    kakao: kk.config(),
    // naver's pages, but a token endpoint that never completes a TCP handshake, or refuses it
    naverhole: { ...nv.config(), token_url: `http://127.0.0.1:${hole.port}/oauth2.0/token` },
    naverdown: { ...nv.config(), token_url: `http://127.0.0.1:${closedPort}/oauth2.0/token` },
  }),
  settings: { state_ttl: STATE_TTL_S, upstream_timeout: UPSTREAM_TIMEOUT_S },
});

/**
 * A port whose connections never complete: a listener with a backlog of 0
 * that never accepts (python3, since Node accepts at once), its queue filled
 * by a few connections of ours, so that further SYNs are dropped.
 */
async function blackHole() {
  const hole = { fillers: [] };
  const code = 'import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(3600)';
  hole.proc = spawn('python3', ['-c', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  hole.port = Number(await new Promise((resolve) => hole.proc.stdout.once('data', resolve)));
  process.on('exit', () => hole.proc.kill('SIGKILL'));
  for (let i = 0; i < 4; i++) hole.fillers.push(net.connect(hole.port, '127.0.0.1').on('error', () => {}));
  await sleep(200);
  hole.stop = async () => {
    for (const f of hole.fillers) f.destroy();
    hole.proc.kill('SIGTERM');
  };
  return hole;
}

/** Rows of a gateway table (in the gateway's own database). */
function rows(table) {
  return Number(querySql(gw.db, `SELECT count(*) FROM ${table}`));
}

/** A code and state from naver, ready to post. */
async function callback(platform = 'naver') {
  return followAuthorize(await gw.loginUrl(platform), gw.base);
}

function assertRefused(res, status, what) {
  const j = assertEnvelope(res, status, false, what);
  assert.equal(res.setCookies.length, 0, `${what}: no cookie`);
  return j;
}

test('unknown, used and other-platform states are refused', async () => {
  const { code } = await callback();
  assertRefused(await gw.login('naver', code, 'not-a-state-we-made'), 400, 'unknown state');
  const good = await callback();
  assertEnvelope(await gw.login('naver', good.code, good.state), 200, true);
  assertRefused(await gw.login('naver', good.code, good.state), 400, 'used state');
  const forNaver = await callback('naver');
  const j = assertRefused(await gw.login('kakao', forNaver.code, forNaver.state), 400, 'other platform');
  assert.match(j.message, /another platform/);
  assertRefused(await gw.login('naver', forNaver.code, forNaver.state), 400, 'spent by the failed try');
});

test('an expired state is refused', async () => {
  const { code, state } = await callback();
  await sleep((STATE_TTL_S + 1) * 1000 + 100);
  assertRefused(await gw.login('naver', code, state), 400, 'expired state');
});

test('malformed login bodies are 400', async () => {
  const { code, state } = await callback();
  for (const body of ['not json', '[]', JSON.stringify({ code }), JSON.stringify({ state }), JSON.stringify({ code: 1, state }), JSON.stringify({ code: 'x'.repeat(5000), state })]) {
    assertRefused(await gw.api('POST', '/oauth2/api/login/naver', { body, headers: { 'content-type': 'application/json' } }), 400, body.slice(0, 30));
  }
  const form = await gw.api('POST', '/oauth2/api/login/naver', { body: JSON.stringify({ code, state }), headers: { 'content-type': 'text/plain' } });
  assert.match(assertRefused(form, 403, 'not declared JSON (a cross-site form)').message, /application\/json/);
  assertEnvelope(await gw.login('naver', code, state), 200, true, 'the state survived the bad requests');
});

const FAULTS = [
  ['timeout', 504],
  ['5xx', 502],
  ['garbage', 502],
  ['huge', 502],
  ['error', 502],
  ['trickle', 504],
  ['tls', 502],
  ['redirect', 502],
  ['huge-chunked', 502],
];

/** The answer to fn(), asserted to arrive within the upstream timeout plus a margin. */
async function inTime(fn, what) {
  const t0 = Date.now();
  const res = await fn();
  const ms = Date.now() - t0;
  assert.ok(ms < UPSTREAM_TIMEOUT_S * 1000 + MARGIN_MS, `${what}: answered after ${ms} ms`);
  return res;
}

for (const where of ['token', 'userinfo']) {
  for (const [fault, status] of FAULTS) {
    test(`a ${fault} at naver's ${where} endpoint: ${status}, no cookie, no account`, async () => {
      const users = rows('gateway_users');
      const { code, state } = await callback();
      [nv.fault, nv.faultOn] = [fault, [where]];
      const res = await inTime(() => gw.login('naver', code, state), `${fault} at ${where}`);
      const j = assertRefused(res, status, `${fault} at ${where}`);
      assert.match(j.message, /naver/);
      assert.equal(rows('gateway_users'), users, 'no account written');
      assert.equal(nv.redirectedHits, undefined, 'a redirect is never followed');
      assert.equal((await gw.get('/healthz')).status, 200, 'still serving');
    });
  }
}

for (const [platform, what, status] of [['naverhole', 'a connect that never completes', 504], ['naverdown', 'a refused connection', 502]]) {
  test(`${what} at the token endpoint: ${status} in time, no cookie, no account`, async () => {
    const users = rows('gateway_users');
    const { code, state } = await callback(platform);
    const res = await inTime(() => gw.login(platform, code, state), what);
    assertRefused(res, status, what);
    assert.equal(rows('gateway_users'), users, 'no account written');
  });
}

test('kakao\'s own error answers are reported with their code', async () => {
  const { code, state } = await callback('kakao');
  [kk.fault, kk.faultOn] = ['error', ['token']];
  const j = assertRefused(await gw.login('kakao', code, state), 502, 'kakao error');
  assert.match(j.message, /invalid_grant/);
});

test('a failed unlink keeps the account and the cookies', async () => {
  const { jar } = await gw.signIn('kakao');
  for (const [fault, status] of FAULTS) {
    [kk.fault, kk.faultOn] = [fault, ['revoke']];
    const res = await inTime(() => gw.api('DELETE', '/oauth2/api/revoke', { jar }), `unlink ${fault}`);
    assertRefused(res, status, `unlink ${fault}`);
  }
  kk.fault = null;
  assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 200, true, 'account kept');
  assertEnvelope(await gw.api('DELETE', '/oauth2/api/revoke', { jar }), 200, true, 'then unlinked');
});

test('an expired platform token is renewed before the unlink', async () => {
  nv.expiresIn = '5';
  const { jar } = await gw.signIn('naver');
  const before = nv.calls('token').length;
  assertEnvelope(await gw.api('DELETE', '/oauth2/api/revoke', { jar }), 200, true, 'revoke');
  const calls = nv.calls('token').slice(before).map((c) => c.fields.grant_type);
  assert.deepEqual(calls, ['refresh_token', 'delete']);
});

test('no platform secret or token reaches the log', async () => {
  await gw.signIn('naver');
  const log = gw.logSince(0, 1e7);
  assert.ok(!log.includes(nv.clientSecret), 'client secret');
  assert.ok(!/naver-(at|rt)-/.test(log), 'platform tokens');
});
