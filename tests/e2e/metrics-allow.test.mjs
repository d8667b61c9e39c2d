// Who may read /metrics: by default only loopback clients, on both servers
// (the authorization server and the gateway); `metrics_allow` ([server], env
// GATEHOUSE_METRICS_ALLOW; [gateway] for the gateway) widens or narrows it
// with a CIDR list, or `any`. Anyone else gets the server's ordinary 404, as
// for a path that does not exist. The tests run on 127.0.0.1, so the refusal
// is shown with allow-lists that leave 127.0.0.1 out (127.0.0.2 stays in for
// one of them: any 127.x address reaches a loopback server).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { BIN, request, useGatehouse } from './lib/harness.mjs';
import { useGateway } from './lib/gateway.mjs';

const PLATFORMS = () => ({ gh: { kind: 'github', client_id: 'metrics-test', client_secret: 'metrics-test-secret' } });

const open = useGatehouse({ label: 'gatehouse (default metrics_allow)' });
const narrow = useGatehouse({ label: 'gatehouse (metrics_allow = 10.0.0.0/8)', config: { metrics_allow: '10.0.0.0/8' } });
const one = useGatehouse({ label: 'gatehouse (metrics_allow = 127.0.0.2)', config: { metrics_allow: '127.0.0.2, 192.0.2.0/24' } });
const gwOpen = useGateway({ label: 'gateway (default metrics_allow)', platforms: PLATFORMS });
const gwNarrow = useGateway({ label: 'gateway ([gateway] metrics_allow = 10.0.0.0/8)', platforms: PLATFORMS, settings: { metrics_allow: '10.0.0.0/8' } });
const gwAny = useGateway({ label: 'gateway ([server] metrics_allow = any)', platforms: PLATFORMS, server: { metrics_allow: 'any' } });

function assertServed(res, what) {
  assert.equal(res.status, 200, `${what}: ${res.describe()}`);
  assert.match(res.header('content-type') ?? '', /^text\/plain/, what);
  assert.match(res.text, /^# HELP gatehouse_/m, what);
}

/** Refused exactly as a path that does not exist is (same status and body). */
async function assertHidden(server, opts, what) {
  const res = await server.get('/metrics', opts);
  const missing = await server.get('/no-such-path', opts);
  assert.equal(res.status, 404, `${what}: ${res.describe()}`);
  assert.equal(res.text, missing.text, `${what}: the answer of an unknown path`);
  assert.doesNotMatch(res.text, /gatehouse_/, `${what}: no metrics`);
}

test('authorization server: loopback reads /metrics by default', async () => {
  assertServed(await open.get('/metrics'), '127.0.0.1');
  assertServed(await open.get('/metrics', { localAddress: '127.0.0.2' }), '127.0.0.2');
});

test('authorization server: a client outside metrics_allow gets 404, and the rest is served', async () => {
  await assertHidden(narrow, {}, '127.0.0.1 outside 10.0.0.0/8');
  const res = await request('HEAD', narrow.url('/metrics'));
  assert.equal(res.status, 404, `HEAD: ${res.status}`);
  assert.equal((await narrow.get('/healthz')).status, 200, 'other routes are served');
  assert.equal((await narrow.get('/oauth2/v1/keys')).status, 200, 'other routes are served');
});

test('authorization server: metrics_allow lets in exactly the addresses it lists', async () => {
  assertServed(await one.get('/metrics', { localAddress: '127.0.0.2' }), '127.0.0.2 listed');
  await assertHidden(one, { localAddress: '127.0.0.1' }, '127.0.0.1 not listed');
  await assertHidden(one, { localAddress: '127.0.0.3' }, '127.0.0.3 not listed');
});

test('gateway: loopback by default, [gateway] metrics_allow narrows, [server] metrics_allow = any opens', async () => {
  assertServed(await gwOpen.get('/metrics'), 'gateway, 127.0.0.1');
  await assertHidden(gwNarrow, {}, 'gateway, 127.0.0.1 outside 10.0.0.0/8');
  assert.equal((await gwNarrow.get('/healthz')).status, 200, 'the gateway serves the rest');
  assertServed(await gwAny.get('/metrics', { localAddress: '127.0.0.5' }), 'gateway, any');
});

test('a malformed metrics_allow stops either server at start, naming the key', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-metrics-allow-'));
  try {
    const ini = path.join(dir, 'bad.ini');
    const db = ['--db', `sqlite:${path.join(dir, 'g.db')}`];
    const env = { ...process.env, GATEHOUSE_METRICS_ALLOW: '' };
    fs.writeFileSync(ini, '[server]\nmetrics_allow = 10.0.0.0/33\n');
    const file = spawnSync(BIN, [...db, '--config', ini, 'serve', '--listen', '127.0.0.1:0'], { env, timeout: 10000 });
    assert.equal(file.status, 1, 'serve refuses a prefix longer than the address');
    assert.match(file.stderr.toString(), /metrics_allow/);
    const fromEnv = spawnSync(BIN, [...db, 'serve', '--listen', '127.0.0.1:0'], { env: { ...env, GATEHOUSE_METRICS_ALLOW: 'nope' }, timeout: 10000 });
    assert.equal(fromEnv.status, 1, 'serve refuses GATEHOUSE_METRICS_ALLOW=nope');
    assert.match(fromEnv.stderr.toString(), /metrics_allow/);
    fs.writeFileSync(ini, '[gateway]\nmetrics_allow = any 10.0.0.0/8\n[platform.gh]\nkind = github\nclient_id = a\nclient_secret = b\n');
    const gw = spawnSync(BIN, [...db, '--config', ini, 'gateway', '--listen', '127.0.0.1:0'], { env, timeout: 10000 });
    assert.equal(gw.status, 1, 'the gateway refuses any beside addresses');
    assert.match(gw.stderr.toString(), /\[gateway\] metrics_allow/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
