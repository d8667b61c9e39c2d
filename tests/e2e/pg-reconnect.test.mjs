// The PostgreSQL engine rides out a database restart and an outage: after a
// restart the next requests succeed (broken connections are reset and the
// statement run again); while the database is down, requests that need it
// answer 503 in the seed format within seconds and the process keeps serving
// the rest; once it is back, requests succeed again without a restart of
// Gatehouse. A database that refuses writes, as a demoted primary does
// after a failover, answers 503 until writes are taken again.
//
// Runs only on the throw-away test cluster (GATEHOUSE_E2E_PG, and
// GATEHOUSE_E2E_PG_CLUSTER = the path of scripts/pg-test-cluster.sh, which
// `make test` sets), because it stops and starts that server.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, test } from 'node:test';

import { PG_URL, refreshGrant, setup, sleep, useGatehouse } from './lib/harness.mjs';

const CLUSTER = process.env.GATEHOUSE_E2E_PG_CLUSTER;
const SKIP = PG_URL && CLUSTER ? false : 'needs the test cluster: GATEHOUSE_E2E_PG and GATEHOUSE_E2E_PG_CLUSTER (make test sets both)';
const OUTAGE_ANSWER_MS = 8000; // connect_timeout is 5 s; a refused connection fails at once
const BACK_WITHIN_MS = 10000;

const cluster = (cmd) => execFileSync(CLUSTER, [cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
const gh = SKIP ? null : useGatehouse();

let client;
let user;

setup(async () => {
  if (!gh) return;
  client = await gh.addClient({ id: 'rp-reconnect', secret: 'rp-reconnect-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await gh.addUser({ username: 'rita', password: 'r_ita-Pass-1234', email: 'rita@example.com', nickname: 'ri' });
});

if (gh) after(() => cluster('start')); // never leave the cluster down for the next file

/** Refreshes n times in a row (so that every worker thread meets the database); resolves to the last tokens. */
async function refreshTimes(tokens, n, what) {
  let t = tokens;
  for (let i = 0; i < n; i++) {
    const res = await gh.token(refreshGrant(client, t.refresh_token));
    assert.equal(res.status, 200, `${what}, refresh ${i + 1}: ${res.describe()}`);
    t = res.json;
  }
  return t;
}

describe('PostgreSQL restart and outage', { skip: SKIP }, () => {
  test('after a database restart the next requests succeed', async () => {
    let tokens = await gh.obtainTokens(client, user, { state: 'st-restart' });
    tokens = await refreshTimes(tokens, 4, 'before the restart');
    cluster('restart');
    tokens = await refreshTimes(tokens, 6, 'after the restart');
    const info = await gh.userinfo(tokens.access_token);
    assert.equal(info.status, 200, `userinfo after the restart: ${info.describe()}`);
  });

  test('during an outage: 503 in the seed format within seconds, the process serves on; then back', async () => {
    const tokens = await gh.obtainTokens(client, user, { state: 'st-outage' });
    cluster('pause');
    try {
      const t0 = Date.now();
      const res = await gh.token(refreshGrant(client, tokens.refresh_token));
      assert.ok(Date.now() - t0 < OUTAGE_ANSWER_MS, `answered in ${Date.now() - t0} ms`);
      assert.equal(res.status, 503, res.describe());
      assert.equal(res.json?.error?.code, '10503', res.describe());
      const info = await gh.userinfo(tokens.access_token);
      assert.equal(info.status, 503, `userinfo reads the user: ${info.describe()}`);
      assert.equal(info.json?.error?.code, '10503', info.describe());
      assert.equal((await gh.get('/readyz')).status, 503, 'not ready while the database is away');
      assert.equal((await gh.get('/healthz')).status, 200, 'the process is alive');
      assert.equal((await gh.get('/oauth2/v1/keys')).status, 200, 'what needs no database is still served');
    } finally {
      cluster('start');
    }
    const deadline = Date.now() + BACK_WITHIN_MS;
    let res;
    do {
      res = await gh.token(refreshGrant(client, tokens.refresh_token));
      if (res.status === 200) break;
      await sleep(200);
    } while (Date.now() < deadline);
    assert.equal(res.status, 200, `served again once the database is back: ${res.describe()}`);
    assert.equal((await gh.get('/readyz')).status, 200, 'ready again');
  });

  test('a database that turns read-only (a demoted primary): 503, then served once it takes writes again', async () => {
    const tokens = await gh.obtainTokens(client, user, { state: 'st-read-only' });
    const readOnly = (on) => execFileSync('psql', ['-qAt', '-v', 'ON_ERROR_STOP=1', PG_URL, '-c', `ALTER SYSTEM SET default_transaction_read_only = ${on}`, '-c', 'SELECT pg_reload_conf()'], { stdio: 'ignore' });
    readOnly('on');
    try {
      await sleep(300); // the reload reaches every backend
      const res = await gh.token(refreshGrant(client, tokens.refresh_token));
      assert.equal(res.status, 503, `a refresh needs a write: ${res.describe()}`);
      assert.equal(res.json?.error?.code, '10503', res.describe());
    } finally {
      readOnly('off');
    }
    await sleep(300);
    const res = await gh.token(refreshGrant(client, tokens.refresh_token));
    assert.equal(res.status, 200, `writable again: ${res.describe()}`);
  });
});
