// `make run` (issue 25 item 1): it installs only what the demo needs
// (scripts/setup.sh demo, run with apt-get, dpkg-query and npm stubbed), and
// the demo (scripts/run-demo.sh) when a port is taken, and on other ports. The script runs from a copy of its own tree in a
// temporary directory (scripts/run-demo.sh beside build/gatehouse, a link to
// the binary under test), so its var/ never touches the checkout's.
//
// A taken port: the demo exits non-zero within a short timeout, the server
// says which address is in use and by what kind of thing (an HTTP server
// that is not Gatehouse, another Gatehouse, or nothing said of a holder that
// does not answer), and no banner or credential is printed; when the
// gateway's port is the taken one, the authorization server it had started
// is stopped again. Free ports chosen with GATEHOUSE_DEMO_PORT and
// GATEHOUSE_DEMO_GATEWAY_PORT: both servers answer there, the gateway's
// sign-in goes to the server on its port, and stopping the script by its PID
// stops both.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { BIN, Gatehouse, PG_URL, codeGrant, freePort, request, sleep, useServer, walkAuthorize } from './lib/harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'scripts/run-demo.sh');
const SQLITE_ONLY = { skip: PG_URL ? 'the demo runs on SQLite only' : false };
const FAIL_TIMEOUT_MS = 20000;
const START_TIMEOUT_MS = 30000;
const BANNER = /Gatehouse demo|password|client_secret|username/;

/** A temporary tree holding scripts/run-demo.sh and build/gatehouse. */
function demoTree() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-demo-'));
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.mkdirSync(path.join(dir, 'build'));
  fs.copyFileSync(SCRIPT, path.join(dir, 'scripts/run-demo.sh'));
  fs.chmodSync(path.join(dir, 'scripts/run-demo.sh'), 0o755);
  fs.symlinkSync(BIN, path.join(dir, 'build/gatehouse'));
  return dir;
}

/** Starts the demo on the given ports; { proc, out, err, exited } (exited resolves to the exit code or signal). */
function runDemo(dir, port, gatewayPort) {
  const env = { ...process.env, GATEHOUSE_DEMO_PORT: String(port), GATEHOUSE_DEMO_GATEWAY_PORT: String(gatewayPort) };
  for (const k of Object.keys(env)) if (k.startsWith('GATEHOUSE_') && !k.startsWith('GATEHOUSE_DEMO_')) delete env[k];
  const proc = spawn(path.join(dir, 'scripts/run-demo.sh'), [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { proc, out: '', err: '' };
  proc.stdout.on('data', (c) => (run.out += c));
  proc.stderr.on('data', (c) => (run.err += c));
  run.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal)));
  return run;
}

/** Waits for the demo to end on its own within ms; its exit code (kills it and fails otherwise). */
async function endsWithin(run, ms) {
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const code = await Promise.race([run.exited, late]);
  clearTimeout(timer);
  if (code === 'timeout') {
    process.kill(run.proc.pid, 'SIGTERM');
    await run.exited;
    assert.fail(`the demo still runs after ${ms} ms:\n${run.out}\n${run.err}`);
  }
  return code;
}

/** Waits for the demo's banner within ms (fails, with what it printed, otherwise). */
async function bannerWithin(run, ms) {
  const deadline = Date.now() + ms;
  while (!run.out.includes('Ctrl-C stops both') && Date.now() < deadline) await sleep(100);
  assert.ok(run.out.includes('Ctrl-C stops both'), `the demo prints its banner within ${ms} ms:\n${run.out}\n${run.err}`);
}

/** Whether something accepts connections on 127.0.0.1:port. */
function accepts(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** A listener on a free port: an HTTP server answering 404 (http), or a socket that never answers (silent). */
async function holder(kind) {
  const port = await freePort();
  const sockets = new Set();
  const server =
    kind === 'http'
      ? http.createServer((req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('nope'))
      : net.createServer(() => {});
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const close = () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(resolve)));
  return { port, close };
}

/** Asserts that the demo failed with message, printing no banner and no credentials. */
function assertRefused(run, code, message) {
  assert.notEqual(code, 0, `the demo exits non-zero\n${run.err}`);
  assert.ok(run.err.includes(message), `stderr says "${message}":\n${run.err}`);
  assert.doesNotMatch(run.out, BANNER, `no banner on stdout:\n${run.out}`);
  assert.doesNotMatch(run.err, BANNER, `no banner on stderr:\n${run.err}`);
}

/**
 * Runs a copy of scripts/setup.sh with arguments, with every Debian package
 * missing (dpkg-query stub) and apt-get, sudo and npm stubs that record their
 * arguments; returns { apt: the packages asked for, npm: the npm calls }.
 */
function setupAsks(args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-setup-'));
  try {
    for (const d of ['scripts', 'stubs', 'tests/e2e']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'scripts/setup.sh'), path.join(dir, 'scripts/setup.sh'));
    const stub = (name, body) => fs.writeFileSync(path.join(dir, 'stubs', name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    stub('dpkg-query', 'exit 1');
    stub('apt-get', `echo "$*" >>'${dir}/apt.log'`);
    stub('sudo', '"$@"');
    stub('npm', `echo "$*" >>'${dir}/npm.log'`);
    execFileSync('bash', ['scripts/setup.sh', ...args], {
      cwd: dir,
      env: { ...process.env, PATH: `${dir}/stubs:${process.env.PATH}` },
      stdio: 'pipe',
    });
    const read = (f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '');
    const install = read('apt.log').split('\n').find((l) => l.startsWith('install')) ?? '';
    return { apt: install.split(' ').filter((w) => w && !w.startsWith('-') && w !== 'install'), npm: read('npm.log') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('make run installs only what the demo needs', () => {
  const TEST_ONLY = ['chromium', 'nodejs', 'npm', 'postgresql', 'valgrind', 'clang-format'];
  const BUILD_AND_DEMO = ['build-essential', 'cmake', 'libmicrohttpd-dev', 'libsqlite3-dev', 'curl'];

  test('make run runs scripts/setup.sh demo, not the full setup', () => {
    const dry = execFileSync('make', ['-n', '-C', ROOT, 'run', 'BUILD=build-dry-run-never-made'], { encoding: 'utf8' });
    const setups = dry.split('\n').filter((l) => l.includes('scripts/setup.sh'));
    assert.deepEqual(setups.map((l) => l.trim()), ['scripts/setup.sh demo'], dry);
  });

  test('setup.sh demo: the build and the demo, no test tools, no npm', () => {
    const { apt, npm } = setupAsks(['demo']);
    for (const p of BUILD_AND_DEMO) assert.ok(apt.includes(p), `${p} is installed: ${apt}`);
    for (const p of TEST_ONLY) assert.ok(!apt.includes(p), `${p} is not installed for the demo: ${apt}`);
    assert.equal(npm, '', 'npm is not run for the demo');
  });

  test('setup.sh (make test): the test tools and the npm packages too', () => {
    const { apt, npm } = setupAsks([]);
    const found = ['nodejs', 'npm']; // found by `command -v` (npm is stubbed), so not asked for here
    for (const p of [...BUILD_AND_DEMO, ...TEST_ONLY].filter((x) => !found.includes(x))) assert.ok(apt.includes(p), `${p} is installed: ${apt}`);
    assert.match(npm, /^ci /m, 'npm ci installs the test tools');
  });
});

describe('make run when a port is taken', { timeout: 120000, ...SQLITE_ONLY }, () => {
  const other = useServer(new Gatehouse({ label: 'a Gatehouse already on the port' }));
  let dir;
  before(() => (dir = demoTree()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the server port held by an HTTP server that is not Gatehouse', async () => {
    const h = await holder('http');
    try {
      const run = runDemo(dir, h.port, await freePort());
      const code = await endsWithin(run, FAIL_TIMEOUT_MS);
      assertRefused(run, code, `127.0.0.1:${h.port} is already in use by something that is not Gatehouse`);
      assert.match(run.err, /GATEHOUSE_DEMO_PORT=\d+ GATEHOUSE_DEMO_GATEWAY_PORT=\d+/, 'it says how to choose other ports');
    } finally {
      await h.close();
    }
  });

  test('the server port held by another Gatehouse', async () => {
    const port = Number(new URL(other.base).port);
    const run = runDemo(dir, port, await freePort());
    const code = await endsWithin(run, FAIL_TIMEOUT_MS);
    assertRefused(run, code, `127.0.0.1:${port} is already in use by another Gatehouse`);
  });

  test('the gateway port held by a listener that never answers: the server is stopped again', async () => {
    const h = await holder('silent');
    const port = await freePort();
    try {
      const run = runDemo(dir, port, h.port);
      const code = await endsWithin(run, FAIL_TIMEOUT_MS);
      assertRefused(run, code, `127.0.0.1:${h.port} is already in use\n`);
      assert.equal(await accepts(port), false, 'the authorization server the demo started is stopped');
    } finally {
      await h.close();
    }
  });
});

describe('make run on other ports', { timeout: 120000, ...SQLITE_ONLY }, () => {
  let dir;
  before(() => (dir = demoTree()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('GATEHOUSE_DEMO_PORT and GATEHOUSE_DEMO_GATEWAY_PORT move both servers; stopping the script stops both', async () => {
    const port = await freePort();
    const gatewayPort = await freePort();
    const run = runDemo(dir, port, gatewayPort);
    try {
      await bannerWithin(run, START_TIMEOUT_MS);
      assert.ok(run.out.includes(`http://127.0.0.1:${gatewayPort}/`), `the banner names the gateway's port:\n${run.out}\n${run.err}`);
      assert.ok(run.out.includes(`http://127.0.0.1:${port}/auth/authorize`), 'the banner names the server port');

      const discovery = await request('GET', `http://127.0.0.1:${port}/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200);
      assert.equal(discovery.json.issuer, `http://127.0.0.1:${port}`);
      const page = await request('GET', `http://127.0.0.1:${gatewayPort}/`);
      assert.equal(page.status, 200);
      // The gateway's sign-in with ottm goes to the server on its port, with the callback on the gateway's.
      const login = await request('GET', `http://127.0.0.1:${gatewayPort}/oauth2/api/login/ottm`);
      assert.equal(login.status, 200, login.describe());
      const authorize = new URL(login.json.body);
      assert.equal(authorize.origin, `http://127.0.0.1:${port}`);
      assert.equal(authorize.searchParams.get('redirect_uri'), `http://127.0.0.1:${gatewayPort}/oauth2/callback?platform=ottm`);
      const form = await request('GET', authorize.href);
      assert.equal(form.status, 200, `the demo client accepts the gateway's callback: ${form.describe()}`);
    } finally {
      process.kill(run.proc.pid, 'SIGTERM');
      await endsWithin(run, FAIL_TIMEOUT_MS);
    }
    assert.equal(await accepts(port), false, 'the authorization server is stopped');
    assert.equal(await accepts(gatewayPort), false, 'the gateway is stopped');
  });

  test('a first start stopped after the client was registered: the next start makes credentials that work', async () => {
    // The state a first start interrupted (Ctrl-C) between registering the
    // demo client and user and writing var/demo.txt left: neither secret is
    // kept anywhere.
    const tree = demoTree();
    const port = await freePort();
    const gatewayPort = await freePort();
    const gh = (...args) => execFileSync(BIN, ['--db', 'sqlite:var/gatehouse.db', '--create', ...args], { cwd: tree, stdio: 'pipe' });
    fs.mkdirSync(path.join(tree, 'var'));
    gh('client', 'add', '--id', 'demo', '--secret', 'lost-secret-0123456789abcdef', '--redirect-uri', 'https://oauth2.example.com/code');
    gh('user', 'add', '--username', 'demo', '--password', 'Lantern-lost-pw-123', '--email', 'demo@example.com');
    const run = runDemo(tree, port, gatewayPort);
    try {
      await bannerWithin(run, START_TIMEOUT_MS);
      const password = run.out.match(/password: (\S+)/)?.[1];
      const secret = run.out.match(/client_secret: (\S+)/)?.[1];
      assert.ok(password && secret, `the banner gives the credentials:\n${run.out}`);
      assert.equal(fs.readFileSync(path.join(tree, 'var/demo.txt'), 'utf8').includes(`client_secret=${secret}\n`), true, 'var/demo.txt keeps them');

      // the banner's partner flow, with the banner's credentials
      const client = { id: 'demo', secret, redirectUri: 'https://oauth2.example.com/code' };
      const start = `http://127.0.0.1:${port}/auth/authorize?` + new URLSearchParams({ response_type: 'code', client_id: client.id, redirect_uri: client.redirectUri, scope: 'openid profile', state: 'xyz' });
      const walk = await walkAuthorize(start, { username: 'demo', password });
      const code = walk.redirect?.searchParams.get('code');
      assert.ok(code, `the demo user signs in with the banner's password: ${walk.history.map((h) => `${h.method} ${h.url} ${h.status}`).join(' | ')}`);
      const token = await request('POST', `http://127.0.0.1:${port}/oauth2/v1/token`, { body: codeGrant(client, code) });
      assert.equal(token.status, 200, `the demo client authenticates with the banner's secret: ${token.describe()}`);
    } finally {
      process.kill(run.proc.pid, 'SIGTERM');
      await endsWithin(run, FAIL_TIMEOUT_MS);
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });
});
