// Prepares the "password + TOTP sign-in" row (bench/lua/mfalogin.lua) on one
// running Gatehouse: COUNT members (BENCH_MFA_USERS, default 4096), made once
// per server, all with the benchmark's password and one shared TOTP key
// (`user mfa --add-totp --key-stdin`; a code is still good once per member,
// the replay rule being per member) and their consent given; the login
// form's bodies as
// templates; the codes of the next hour's steps; and one whole sign-in
// checked first. A member signs in at most once per 30-second step, so the
// list must outlast 30 s of sign-ins (argon2id keeps them to some dozens a
// second on two cores).
//
//   node mfa-prepare.mjs BASE GH_BIN DB_URL WORKDIR
//
// Env: CLIENT_ID, REDIRECT_URI, BENCH_PASSWORD, BENCH_MFA_USERS. Prints shell
// assignments (MFA_PATH, MFA_COOKIE, MFA_LOGIN_BODY, MFA_OTP_BODY,
// MFA_USERS, MFA_CODES) on stdout.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { CookieJar, querySql, request } from '../../tests/e2e/lib/harness.mjs';
import { formData, postForms } from '../../tests/e2e/lib/html.mjs';

const [base, bin, db, work] = process.argv.slice(2);
const env = process.env;
const COUNT = Number(env.BENCH_MFA_USERS ?? 4096);
const PASSWORD = env.BENCH_PASSWORD;
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const base32 = (buf) => [...buf].map((b) => b.toString(2).padStart(8, '0')).join('').match(/.{1,5}/g).map((b) => B32[parseInt(b.padEnd(5, '0'), 2)]).join('');

/* RFC 6238 with HMAC-SHA1, six digits, for the step */
function totp(key, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = crypto.createHmac('sha1', key).update(msg).digest();
  const o = h[19] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

function gh(args, input) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['--db', db, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`gatehouse ${args.join(' ')}: ${err}`))));
    p.stdin.end(input ?? '');
  });
}

const authorizeUrl = () =>
  `${base}/auth/authorize?${new URLSearchParams({ response_type: 'code', client_id: env.CLIENT_ID, redirect_uri: env.REDIRECT_URI, scope: 'openid', state: 'bench' })}`;
const stepNow = () => Math.floor(Date.now() / 1000 / 30);

/* The members and their shared key, made once per server: the rows by SQL
 * (the benchmark user's argon2id hash, so the CLI need not hash the same
 * password a thousand times; their consent to the client), the TOTP key by
 * the CLI, which seals it. */
async function members() {
  const file = path.join(work, 'mfa-users.txt');
  const keyFile = path.join(work, 'mfa-key.bin');
  if (fs.existsSync(file)) return { file, key: fs.readFileSync(keyFile) };
  const key = crypto.randomBytes(20);
  const names = Array.from({ length: COUNT + 1 }, (_, i) => `mfa${i}`); /* mfa0: the check's */
  const now = Math.floor(Date.now() / 1000);
  querySql(
    db,
    `INSERT INTO users (sub, username, password_hash, email, nickname, created_at)
     WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${COUNT})
     SELECT 'mfa-bench-' || i, 'mfa' || i, u.password_hash, 'mfa' || i || '@example.invalid', 'mfa' || i, ${now}
     FROM n, users u WHERE u.username = '${env.BENCH_USER}';
     INSERT INTO consents (sub, client_id, scope, updated_at)
     SELECT sub, '${env.CLIENT_ID}', 'openid', ${now} FROM users WHERE sub LIKE 'mfa-bench-%';`,
  );
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < names.length; i = next++) await gh(['user', 'mfa', names[i], '--add-totp', '--key-stdin'], base32(key) + '\n');
  };
  await Promise.all([worker(), worker()]);
  fs.writeFileSync(keyFile, key);
  fs.writeFileSync(file, names.slice(1).join('\n') + '\n');
  return { file, key };
}

async function main() {
  const { file, key } = await members();
  const page = await request('GET', authorizeUrl());
  const jar = new CookieJar();
  jar.take(page);
  const [form] = postForms(page.text);
  assert.ok(form, `no login form: ${page.describe()}`);
  const login = formData(form, { username: '@USER@', password: PASSWORD });
  const otp = formData(form, { step: 'mfa', otp: '@CODE@' });
  otp.delete('username');
  otp.delete('password');
  const unfill = (p) => p.toString().replace('%40USER%40', '@USER@').replace('%40CODE%40', '@CODE@');
  const now = stepNow();
  const codes = path.join(work, 'mfa-codes.txt');
  fs.writeFileSync(codes, Array.from({ length: 120 }, (_, i) => `${now + i} ${totp(key, now + i)}`).join('\n') + '\n');
  /* one whole sign-in, the check before the load */
  const path_ = new URL(form.action || page.url, page.url).pathname;
  const post = (body, cookie) => request('POST', base + path_, { headers: { cookie }, body: new URLSearchParams(body) });
  const first = await post(unfill(login).replace('@USER@', 'mfa0'), jar.header());
  jar.take(first);
  assert.ok(jar.get('gh_mfa'), `no pending sign-in after the password: ${first.describe()}`);
  const second = await post(unfill(otp).replace('@CODE@', totp(key, now)), jar.header());
  assert.equal(second.status, 302, `the code: ${second.describe()}`);
  const vars = { MFA_PATH: path_, MFA_COOKIE: `gh_csrf=${jar.get('gh_csrf')}`, MFA_LOGIN_BODY: unfill(login), MFA_OTP_BODY: unfill(otp), MFA_USERS: file, MFA_CODES: codes, MFA_STATE: path.join(work, 'mfa-taken.txt') };
  for (const [k, v] of Object.entries(vars)) console.log(`${k}='${String(v).replaceAll("'", "'\\''")}'`);
}

main().catch((e) => {
  console.error(`mfa-prepare: ${e.message}`);
  process.exit(1);
});
