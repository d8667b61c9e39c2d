// Nothing acknowledged is lost in a crash (docs/durability.md). A driver runs
// code flows and refresh grants over keep-alive connections (8 workers),
// the server is killed with SIGKILL in the middle, then started again on the
// same database. Every code whose redirect was answered and that was never
// sent for redemption must redeem; every refresh token the driver received
// and never sent must refresh. What the driver saw consumed (a code redeemed,
// a refresh token rotated, answered before the kill) must stay consumed, and
// no code or token is ever issued twice.
//
// What a request in flight at the kill did is not guaranteed either way (the
// answer may have been lost after the commit, or the commit never happened),
// so such codes and tokens are not used afterwards: they are counted, not
// judged. A SIGKILL loses the process, not the operating system's page cache,
// so this test holds under SQLite's synchronous = FULL and NORMAL alike (WAL
// mode); what only FULL guarantees, surviving a power loss or a kernel crash,
// no process-level test can show.
//
// Runs on SQLite, and on PostgreSQL when GATEHOUSE_E2E_PG is set.

import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import { AUTHORIZE_PATH, CookieJar, TOKEN_PATH, codeGrant, decodeJwt, refreshGrant, setup, sleep, useGatehouse } from './lib/harness.mjs';

const WORKERS = 8;
const KILL_AFTER_MS = [1200, 2200]; // a random moment in this window
const LOAD_LIMIT_MS = 15000; // the driver stops by itself after this, kill or not
const MIN_SURVIVORS = 10; // of each kind, or the load was too light to tell anything

const gh = useGatehouse();

let client;
let jar;

setup(async () => {
  client = await gh.addClient({ id: 'rp-durable', secret: 'rp-durable-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  const user = await gh.addUser({ username: 'dora', password: 'd_ora-Pass-1234', email: 'dora@example.com', nickname: 'dora' });
  jar = new CookieJar(); // signed in and consented once: each authorization is then one GET
  await gh.obtainCode(client, user, { jar });
});

/** What the driver knows; each value is one of: 'live', 'sent', 'used'. */
class Ledger {
  codes = new Map(); // code -> state
  refresh = new Map(); // refresh token -> state
  issued = []; // every code, refresh token and access-token jti ever answered
  inFlight = { codes: 0, refresh: 0 };

  issue(kind, value) {
    this.issued.push(`${kind}:${value}`);
  }

  took(tokens) {
    this.issue('refresh', tokens.refresh_token);
    this.issue('jti', decodeJwt(tokens.access_token).payload.jti);
    this.refresh.set(tokens.refresh_token, 'live');
  }
}

/** One worker: authorize, maybe redeem, refresh the newest token a few times; until stopped. */
async function worker(ledger, agent, stop) {
  const params = new URLSearchParams({ client_id: client.id, redirect_uri: client.redirectUri, response_type: 'code', scope: 'openid profile', state: 's' });
  while (!stop.now) {
    const az = await gh.get(`${AUTHORIZE_PATH}?${params}`, { headers: jar.headers(), agent });
    const code = new URL(az.header('location')).searchParams.get('code');
    assert.ok(code, `authorize: ${az.describe()}`);
    ledger.codes.set(code, 'live');
    ledger.issue('code', code);
    if (Math.random() < 0.5) continue; // answered and left unredeemed
    ledger.codes.set(code, 'sent');
    let res = await gh.post(TOKEN_PATH, new URLSearchParams(codeGrant(client, code)), { agent });
    assert.equal(res.status, 200, `code redemption: ${res.describe()}`);
    ledger.codes.set(code, 'used');
    ledger.took(res.json);
    let rt = res.json.refresh_token;
    for (let i = 0; i < 3 && !stop.now; i++) {
      ledger.refresh.set(rt, 'sent');
      res = await gh.post(TOKEN_PATH, new URLSearchParams(refreshGrant(client, rt)), { agent });
      assert.equal(res.status, 200, `refresh: ${res.describe()}`);
      ledger.refresh.set(rt, 'used');
      ledger.took(res.json);
      rt = res.json.refresh_token;
    }
  }
}

/** Runs the workers until a request fails (the kill) or LOAD_LIMIT_MS; resolves to the failures. */
async function drive(ledger) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  const stop = { now: false };
  const limit = setTimeout(() => (stop.now = true), LOAD_LIMIT_MS);
  const errors = [];
  await Promise.all(
    Array.from({ length: WORKERS }, () =>
      worker(ledger, agent, stop).catch((e) => {
        stop.now = true;
        errors.push(e);
      }),
    ),
  );
  clearTimeout(limit);
  agent.destroy();
  return errors;
}

const withState = (map, state) => [...map].filter(([, s]) => s === state).map(([k]) => k);

test('SIGKILL under load: every answered code and refresh token survives, nothing is issued twice', async () => {
  const ledger = new Ledger();
  const driving = drive(ledger);
  const [lo, hi] = KILL_AFTER_MS;
  await sleep(lo + Math.random() * (hi - lo));
  await gh.crash();
  const errors = await driving;
  assert.ok(errors.length > 0, 'the kill interrupted the load');
  for (const e of errors) assert.ok(e.code || /no answer/.test(e.message), `only connection errors after the kill: ${e.stack}`);
  ledger.inFlight.codes = withState(ledger.codes, 'sent').length;
  ledger.inFlight.refresh = withState(ledger.refresh, 'sent').length;

  await gh.start();

  const liveCodes = withState(ledger.codes, 'live');
  const liveRefresh = withState(ledger.refresh, 'live');
  assert.ok(liveCodes.length >= MIN_SURVIVORS && liveRefresh.length >= MIN_SURVIVORS, `enough load before the kill: ${liveCodes.length} codes, ${liveRefresh.length} refresh tokens`);
  for (const code of liveCodes) {
    const res = await gh.token(codeGrant(client, code));
    assert.equal(res.status, 200, `an answered, unredeemed code redeems after the crash: ${res.describe()}`);
    ledger.took(res.json);
  }
  for (const rt of liveRefresh) {
    const res = await gh.token(refreshGrant(client, rt));
    assert.equal(res.status, 200, `a received refresh token works after the crash: ${res.describe()}`);
    ledger.took(res.json);
  }

  // Consumed before the kill stays consumed (checked last: a reuse revokes its family).
  for (const code of withState(ledger.codes, 'used').slice(0, 20)) {
    const res = await gh.token(codeGrant(client, code));
    assert.equal(res.status, 400, `a code redeemed before the crash stays redeemed: ${res.describe()}`);
  }
  for (const rt of withState(ledger.refresh, 'used').slice(0, 20)) {
    const res = await gh.token(refreshGrant(client, rt));
    assert.equal(res.status, 400, `a refresh token rotated before the crash stays used: ${res.describe()}`);
  }

  const seen = new Set();
  const twice = ledger.issued.filter((v) => seen.has(v) || !seen.add(v));
  assert.deepEqual(twice, [], 'no code, refresh token or access token issued twice');
  process.stderr.write(`durability: ${liveCodes.length} codes and ${liveRefresh.length} refresh tokens survived; ` + `${ledger.inFlight.codes} redemptions and ${ledger.inFlight.refresh} refreshes were in flight at the kill\n`);
});
