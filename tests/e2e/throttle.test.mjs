// Sign-in throttling at the login form (docs/security.md), with small limits:
// 3 failures per (account, address), 6 per address, 9 per account; locks of
// 2 s doubling up to 4 s. Requests come from several loopback addresses
// (127.0.0.x), so one test is several people. A lock answers 429 with
// Retry-After and the login page saying why; it always ends; an attacker at
// another address cannot keep the real user out.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertPageHeaders, setup, sleep, useGatehouse } from './lib/harness.mjs';
import { postForms, visibleText } from './lib/html.mjs';

const gh = useGatehouse({
  config: {
    login_max_failures: 3,
    login_max_failures_address: 6,
    login_max_failures_account: 9,
    login_failure_window: 60,
    login_lockout: 2,
    login_lockout_max: 4,
  },
});

let client;
const users = {};

setup(async () => {
  client = await gh.addClient({ id: 'rp-throttle', secret: 'rp-throttle-secret-0123', redirectUris: 'https://rp.example/cb' });
  for (const name of ['alice', 'carol', 'erin', 'dave', 'frank']) {
    users[name] = await gh.addUser({ username: name, password: `Lantern-right-pw-${name.length}1`, email: `${name}@example.com`, nickname: name });
  }
});

/** One sign-in from addr with a fresh browser: 'ok' (a code came back), or the refusing page. */
async function attempt(user, password, addr) {
  const params = { client_id: client.id, redirect_uri: client.redirectUri, response_type: 'code', scope: 'openid', state: 's' };
  const r = await gh.authorize(params, { username: user.username ?? user, password, localAddress: addr });
  if (r.redirect) {
    assert.ok(r.redirect.searchParams.get('code'), `a code: ${r.redirect}`);
    return 'ok';
  }
  return r.response;
}

async function fail(user, addr, times = 1) {
  for (let i = 0; i < times; i++) {
    const res = await attempt(user, 'wrong password!', addr);
    assert.equal(res.status, 401, `failure ${i + 1} from ${addr}: ${res.describe?.() ?? res}`);
  }
}

/** Asserts the throttled answer; resolves to its Retry-After in seconds. */
function assertThrottled(res, what) {
  assert.notEqual(res, 'ok', `${what}: must be refused`);
  assert.equal(res.status, 429, `${what}: ${res.describe()}`);
  assertPageHeaders(res, what);
  assert.match(visibleText(res.text), /too many sign-in attempts/i, `${what}: says why`);
  assert.equal(postForms(res.text).length, 1, `${what}: the login form is still there`);
  assert.equal(res.setCookies.filter((c) => c.startsWith('gh_session=')).length, 0, `${what}: no session`);
  const retry = Number(res.header('retry-after'));
  assert.ok(Number.isInteger(retry) && retry >= 1, `${what}: Retry-After ${res.header('retry-after')}`);
  return retry;
}

test('after 3 failures the pair is locked, even for the right password; another address is not', async () => {
  const alice = users.alice;
  await fail(alice, '127.0.0.2', 3);
  const retry = assertThrottled(await attempt(alice, alice.password, '127.0.0.2'), 'locked pair');
  assert.ok(retry <= 2, `first lock is login_lockout: ${retry}`);
  assert.equal(await attempt(alice, alice.password, '127.0.0.3'), 'ok', 'the real user elsewhere signs in');
  await sleep(2100);
  assert.equal(await attempt(alice, alice.password, '127.0.0.2'), 'ok', 'the lock ended');
  // the success cleared the pair's counter (or 5 failures would lock it now)
  await fail(alice, '127.0.0.2', 2);
  assert.equal(await attempt(alice, alice.password, '127.0.0.2'), 'ok');
});

test('each further failure doubles the lock, up to login_lockout_max', async () => {
  const carol = users.carol;
  await fail(carol, '127.0.0.4', 3);
  assertThrottled(await attempt(carol, 'wrong password!', '127.0.0.4'), 'first lock');
  await sleep(2100);
  await fail(carol, '127.0.0.4'); // the 4th failure is counted once the lock is over
  const second = assertThrottled(await attempt(carol, carol.password, '127.0.0.4'), 'second lock');
  assert.ok(second >= 3 && second <= 4, `doubled to 4 s: ${second}`);
  await sleep(second * 1000 + 100);
  await fail(carol, '127.0.0.4');
  const third = assertThrottled(await attempt(carol, carol.password, '127.0.0.4'), 'third lock');
  assert.ok(third >= 3 && third <= 4, `capped at 4 s: ${third}`);
  await sleep(third * 1000 + 100);
  assert.equal(await attempt(carol, carol.password, '127.0.0.4'), 'ok', 'the capped lock ends too');
});

test('an address spraying many accounts is locked out, for every account', async () => {
  for (let i = 1; i <= 6; i++) await fail(`nobody${i}`, '127.0.0.5');
  const erin = users.erin;
  assertThrottled(await attempt(erin, erin.password, '127.0.0.5'), 'spraying address');
  assert.equal(await attempt(erin, erin.password, '127.0.0.6'), 'ok', 'other addresses are not affected');
});

test('many addresses guessing one account lock it for new addresses, not where the user signed in before', async () => {
  const dave = users.dave;
  assert.equal(await attempt(dave, dave.password, '127.0.0.7'), 'ok', 'dave signs in from home once');
  for (const addr of ['127.0.0.10', '127.0.0.11', '127.0.0.12']) await fail(dave, addr, 3);
  assertThrottled(await attempt(dave, dave.password, '127.0.0.20'), 'new address, account locked');
  assert.equal(await attempt(dave, dave.password, '127.0.0.7'), 'ok', 'home is never locked out by others');
});

test('the throttled sign-ins are counted in /metrics', async () => {
  const text = (await gh.get('/metrics')).text;
  const m = text.match(/^gatehouse_logins_total\{result="throttled"\} (\d+)$/m);
  assert.ok(m && Number(m[1]) >= 5, `throttled counter: ${m?.[0]}`);
});

test('the device page\'s sign-in form is throttled by the same counters', async () => {
  const frank = users.frank;
  for (let i = 0; i < 3; i++) {
    const walk = await gh.device(undefined, { username: frank.username, password: 'wrong password!' });
    assert.equal(walk.response.status, 401, `failure ${i + 1}: ${walk.response.describe()}`);
  }
  const walk = await gh.device(undefined, { username: frank.username, password: frank.password });
  assertThrottled(walk.response, 'device sign-in after 3 failures');
});
