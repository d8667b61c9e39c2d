// Two tabs refreshing at once (issue 17, item 13, the gateway's half): POST
// /oauth2/api/login/auto rotates the refresh cookie, and for refresh_grace
// seconds ([gateway], default 5) the just-rotated cookie presented again is
// still honoured (a fresh pair of the same user), not taken as theft. After
// the grace, a replay is reuse: refused, and every refresh record of the user
// ends. refresh_grace = 0 turns the grace off (the race then signs out).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { naver } from '../platforms/naver.mjs';
import { CookieJar, assertEnvelope, setCookies, useGateway } from './lib/gateway.mjs';
import { sleep } from './lib/harness.mjs';

const TABS = 4;
const GRACE = 5; /* the default */
const platform = naver();
before(() => platform.start());
after(() => platform.stop());
const gw = useGateway({ platforms: () => ({ naver: platform.config() }) });
const strict = useGateway({ label: 'gateway-no-grace', platforms: () => ({ naver: platform.config() }), settings: { refresh_grace: 0 } });

/** A jar holding only the refresh cookie value. */
function refreshJar(value) {
  const jar = new CookieJar();
  jar.take({ setCookies: [`refresh=${value}`] });
  return jar;
}

/** Signs in at g and returns the refresh cookie's value. */
async function refreshCookie(g) {
  const { res, jar } = await g.signIn('naver');
  assertEnvelope(res, 200, true, 'login');
  return jar.get('refresh');
}

/** TABS auto-logins at once with the same refresh cookie. */
function race(g, value) {
  return Promise.all(Array.from({ length: TABS }, () => g.api('POST', '/oauth2/api/login/auto', { jar: refreshJar(value) })));
}

test('parallel auto-logins with the same refresh cookie all succeed within the grace', async () => {
  const old = await refreshCookie(gw);
  const answers = await race(gw, old);
  const fresh = new Set();
  for (const [i, res] of answers.entries()) {
    assertEnvelope(res, 200, true, `tab ${i}`);
    const c = setCookies(res);
    assert.ok(c.access && c.refresh, `tab ${i}: a fresh pair`);
    fresh.add(c.refresh.value);
  }
  assert.equal(fresh.size, TABS, 'each tab its own successor');
  // every successor is live, for the same user
  for (const value of fresh) {
    const jar = refreshJar(value);
    assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar }), 200, true, 'a successor rotates');
    const info = assertEnvelope(await gw.api('GET', '/oauth2/api/userinfo', { jar }), 200, true, 'userinfo');
    assert.equal(info.body.email, 'openapi@naver.com');
  }
});

test('after the grace, a replay is reuse: refused, and the whole family ends', async () => {
  const old = await refreshCookie(gw);
  const first = await gw.api('POST', '/oauth2/api/login/auto', { jar: refreshJar(old) });
  assertEnvelope(first, 200, true, 'rotation');
  const successor = setCookies(first).refresh.value;
  await sleep((GRACE + 1) * 1000 + 200);
  const replay = await gw.api('POST', '/oauth2/api/login/auto', { jar: refreshJar(old) });
  assertEnvelope(replay, 401, false, 'replay after the grace');
  assert.deepEqual(replay.setCookies, [], 'no cookie for a replay');
  assertEnvelope(await gw.api('POST', '/oauth2/api/login/auto', { jar: refreshJar(successor) }), 401, false, 'the successor ended too');
});

test('refresh_grace = 0: the race is taken as reuse', async () => {
  const old = await refreshCookie(strict);
  const answers = await race(strict, old);
  const ok = answers.filter((r) => r.status === 200).length;
  assert.ok(ok <= 1, `at most one tab rotates without a grace, got ${ok}`);
  assert.ok(answers.some((r) => r.status === 401), 'the others are refused');
});
