// SQLite locked by another process for longer than the busy timeout (5 s):
// what needs a write (the token endpoint, the code at /auth/authorize)
// answers 503 — seed 10503 at the token endpoint, the "something went wrong"
// page or a temporarily_unavailable redirect at authorize — while the process
// keeps answering /healthz (liveness), /readyz says 503 (readiness), and
// everything works again, without a restart, once the lock goes. In WAL mode
// readers are never blocked by a writer, so userinfo (a read) keeps answering
// 200 through the lock; its 503 on an unreachable database is covered on
// PostgreSQL by pg-reconnect.test.mjs.
//
// The first write to meet the lock waits the whole busy timeout (and holds
// its worker thread); after that, until a write gets through, writes give up
// after 100 ms, so requests queued behind the lock do not each hold a worker
// for 5 s.
//
// The lock is the sqlite3 shell's BEGIN EXCLUSIVE on the server's database
// file. SQLite only: on PostgreSQL this file is skipped.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';

import { CookieJar, PG_URL, refreshGrant, setup, sleep, useGatehouse } from './lib/harness.mjs';

const SKIP = PG_URL ? 'SQLite locking; PostgreSQL outages are pg-reconnect.test.mjs' : false;
const BUSY_TIMEOUT_MS = 5000; // src/store/sqlite_conn.c
const UNAVAILABLE_WITHIN_MS = BUSY_TIMEOUT_MS + 3000;
const FAST_MS = 1000;

const gh = useGatehouse({ config: { threads: 2 } });

let client;
let user;
let jar;

setup(async () => {
  if (SKIP) return;
  client = await gh.addClient({ id: 'rp-locked', secret: 'rp-locked-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await gh.addUser({ username: 'lena', password: 'l_ena-Pass-1234', email: 'lena@example.com', nickname: 'lena' });
  jar = new CookieJar(); // signed in and consented once: later authorizations need no form
});

/** Holds BEGIN EXCLUSIVE on the database in a sqlite3 shell; resolves to release(). */
async function lockDatabase(file) {
  const shell = spawn('sqlite3', [file], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  shell.stdout.on('data', (c) => (out += c));
  shell.stderr.on('data', (c) => (out += c));
  shell.stdin.write(".timeout 5000\nBEGIN EXCLUSIVE;\nSELECT 'locked';\n");
  const deadline = Date.now() + 6000;
  while (!out.includes('locked') && Date.now() < deadline) await sleep(20);
  assert.match(out, /^locked/m, `sqlite3 could not take the lock: ${out}`);
  const exited = new Promise((r) => shell.once('exit', r));
  after(() => shell.kill('SIGKILL'));
  return async () => {
    shell.stdin.end('ROLLBACK;\n.quit\n');
    await exited;
  };
}

const authorizeParams = (state) => ({ client_id: client.id, redirect_uri: client.redirectUri, response_type: 'code', scope: 'openid profile', state });

/** Times a promise: resolves to [value, milliseconds]. */
async function timed(p) {
  const t0 = Date.now();
  const v = await p;
  return [v, Date.now() - t0];
}

test('a database locked past the busy timeout: 503, liveness kept, recovery without a restart', { skip: SKIP }, async () => {
  const first = await gh.authorize(authorizeParams('st-before'), { username: user.username, password: user.password, jar });
  assert.ok(first.redirect?.searchParams.get('code'), 'signed in before the lock');
  const tokens = await gh.obtainTokens(client, user, { jar, state: 'st-tokens' });
  assert.equal((await gh.get('/readyz')).status, 200, 'ready before the lock');

  const release = await lockDatabase(gh.db.slice('sqlite:'.length));
  try {
    // The first write to meet the lock waits the whole busy timeout; another worker thread serves meanwhile.
    const refresh = timed(gh.token(refreshGrant(client, tokens.refresh_token)));
    await sleep(200);
    const [health, healthMs] = await timed(gh.get('/healthz'));
    assert.equal(health.status, 200, `liveness while locked: ${health.describe()}`);
    assert.ok(healthMs < FAST_MS, `/healthz answered in ${healthMs} ms while a request waits on the lock`);
    const [res, refreshMs] = await refresh;
    assert.equal(res.status, 503, `refresh while locked: ${res.describe()}`);
    assert.deepEqual(res.json, { error: { code: '10503', message: 'Service unavailable' }, payload: null });
    assert.ok(refreshMs < UNAVAILABLE_WITHIN_MS, `503 after ${refreshMs} ms`);

    // From then on, until a write gets through, requests that meet the lock fail fast.
    const [az, azMs] = await timed(gh.authorize(authorizeParams('st-locked'), { jar }));
    if (az.redirect) assert.equal(az.redirect.searchParams.get('error'), 'temporarily_unavailable', `authorize while locked: ${az.redirect}`);
    else assert.equal(az.response.status, 503, `authorize while locked: ${az.response.describe()}`);
    assert.ok(azMs < FAST_MS, `authorize answered after ${azMs} ms`);
    const [again, againMs] = await timed(gh.token(refreshGrant(client, tokens.refresh_token)));
    assert.equal(again.status, 503, again.describe());
    assert.ok(againMs < FAST_MS, `the next refresh answered after ${againMs} ms`);
    const [ready, readyMs] = await timed(gh.get('/readyz'));
    assert.equal(ready.status, 503, `readiness while locked: ${ready.describe()}`);
    assert.ok(readyMs < FAST_MS, `/readyz answered after ${readyMs} ms`);

    const info = await gh.userinfo(tokens.access_token);
    assert.equal(info.status, 200, `userinfo only reads, and WAL readers are not blocked: ${info.describe()}`);
  } finally {
    await release();
  }

  assert.equal((await gh.get('/readyz')).status, 200, 'ready again once the lock is gone');
  const res = await gh.token(refreshGrant(client, tokens.refresh_token));
  assert.equal(res.status, 200, `the refresh token the failed request carried still works: ${res.describe()}`);
  const again = await gh.authorize(authorizeParams('st-after'), { jar });
  assert.ok(again.redirect?.searchParams.get('code'), `a code again after the lock: ${again.response.describe()}`);
});
