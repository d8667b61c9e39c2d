// The operator's commands against a running server (issue 24 item 3):
// `gatehouse backup FILE` copies the SQLite database while the server takes
// writes (refresh-token rotations from several workers), and each copy is a
// whole database as of one moment: SQLite's integrity and foreign-key checks
// pass, and a server started on the copy serves its users and clients.
// `db status` / `db migrate` name the migrations on either engine; a fresh
// database (PostgreSQL when GATEHOUSE_E2E_PG is set) has them all pending
// until `db migrate` applies each once.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { BIN, Gatehouse, PG_URL, freshDatabase, refreshGrant, setup, sleep, useGatehouse } from './lib/harness.mjs';

const WORKERS = 6;
const BACKUPS = 4;

const gh = useGatehouse();
let client;
let user;

setup(async () => {
  client = await gh.addClient({ id: 'rp-ops', secret: 'rp-ops-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await gh.addUser({ username: 'olga', password: 'o_lga-Pass-1234', email: 'olga@example.com', nickname: 'olga' });
});

/** Rotates one refresh-token chain until stop() is called; counts the rotations. */
function rotateUntilStopped(first, counter, stopped) {
  return (async () => {
    let refresh = first;
    while (!stopped.value) {
      const r = await gh.token(refreshGrant(client, refresh));
      assert.equal(r.status, 200, `refresh under backup: ${r.describe()}`);
      refresh = r.json.refresh_token;
      counter.n++;
    }
  })();
}

function sqlite(file, sql) {
  return execFileSync('sqlite3', [file, sql]).toString().trim().split('\n').filter(Boolean);
}

function run(args) {
  return execFileSync(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

test('backup: consistent copies of a SQLite database taking writes', { skip: PG_URL && 'SQLite only (PostgreSQL: pg_dump)' }, async () => {
  const chains = [];
  for (let i = 0; i < WORKERS; i++) chains.push((await gh.obtainTokens(client, user, { scope: 'openid profile' })).refresh_token);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-backup-'));
  const counter = { n: 0 };
  const stopped = { value: false };
  const workers = chains.map((rt) => rotateUntilStopped(rt, counter, stopped));
  const copies = [];
  try {
    await sleep(200);
    for (let i = 0; i < BACKUPS; i++) {
      const before = counter.n;
      const file = path.join(dir, `copy-${i}.db`);
      const r = await gh.cli(['backup', file]);
      assert.equal(r.code, 0, `backup: ${r.stderr}`);
      copies.push({ file, writesDuring: counter.n - before });
    }
  } finally {
    stopped.value = true;
    await Promise.all(workers);
  }
  assert.ok(counter.n > WORKERS * BACKUPS, `the server took writes meanwhile (${counter.n} rotations)`);
  assert.ok(copies.some((c) => c.writesDuring > 0), `writes committed while a backup ran: ${JSON.stringify(copies)}`);
  for (const { file } of copies) {
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'owner-only');
    assert.deepEqual(sqlite(file, 'PRAGMA integrity_check'), ['ok']);
    assert.deepEqual(sqlite(file, 'PRAGMA foreign_key_check'), [], 'no dangling references');
    const status = JSON.parse(run(['--db', `sqlite:${file}`, 'db', 'status', '--json']));
    assert.ok(status.length > 0 && status.every((m) => m.applied), 'every migration in the copy');
    /* a rotation marks a token used and adds its successor in one
     * transaction: in a copy of one moment every chain has exactly one live token */
    const families = sqlite(file, 'SELECT family, sum(used_at IS NULL) FROM refresh_tokens GROUP BY family');
    assert.equal(families.length, WORKERS, `one family per chain: ${families}`);
    assert.ok(families.every((row) => row.endsWith('|1')), `one live refresh token per chain: ${families}`);
  }
  const users = JSON.parse(run(['--db', `sqlite:${copies.at(-1).file}`, 'user', 'list', '--json']));
  assert.deepEqual(users.map((u) => [u.username, u.sub]), [[user.username, user.sub]]);

  const restored = new Gatehouse({ db: `sqlite:${copies.at(-1).file}`, label: 'restored' });
  try {
    await restored.start();
    const t = await restored.obtainTokens(client, user);
    assert.ok(t.access_token, 'the restored copy serves the same client and user');
  } finally {
    await restored.stop();
    restored.removeDir();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('db status and db migrate name the migrations; a running server has them all', async () => {
  const status = await gh.cli(['db', 'status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const list = JSON.parse(status.stdout);
  assert.ok(list.length >= 1 && list.every((m) => m.applied && m.name && m.version > 0), status.stdout);
  const migrate = await gh.cli(['db', 'migrate']);
  assert.equal(migrate.code, 0, migrate.stderr);
  assert.equal(migrate.stdout, `up to date: ${list.length} migrations applied\n`);
});

test('db migrate on a fresh database: all pending, a dry run changes nothing, then each applied once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-migrate-'));
  const db = freshDatabase(dir);
  if (!PG_URL) fs.writeFileSync(path.join(dir, 'gh.db'), ''); /* an empty SQLite file: no migration yet */
  try {
    const status = () => JSON.parse(run(['--db', db.url, 'db', 'status', '--json']));
    const before = status();
    assert.ok(before.length >= 1 && before.every((m) => !m.applied), JSON.stringify(before));
    const names = before.map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`);
    assert.deepEqual(run(['--db', db.url, 'db', 'migrate', '--dry-run']).trim().split('\n'), names.map((n) => `would apply ${n}`));
    assert.ok(status().every((m) => !m.applied), 'the dry run applied nothing');
    assert.deepEqual(run(['--db', db.url, 'db', 'migrate']).trim().split('\n'), names.map((n) => `applied ${n}`));
    assert.ok(status().every((m) => m.applied));
    assert.equal(run(['--db', db.url, 'db', 'migrate']), `up to date: ${names.length} migrations applied\n`);
  } finally {
    db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
