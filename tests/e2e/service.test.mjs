// Logs and signals as a service manager expects (issue 24 item 4), with the
// real binary and a stand-in for systemd: a unix datagram socket named in
// NOTIFY_SOCKET that records what the server says (sd_notify's protocol).
// The server says READY=1 once it answers, RELOADING=1 then READY=1 around a
// SIGHUP and STOPPING=1 on SIGTERM; SIGHUP reloads log_format and log_level
// from the configuration file and the signing keys, and logs one line naming
// what it reloaded; log_format = text gives text lines. The gateway says
// READY=1 and STOPPING=1 too.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { BIN, DISCOVERY_PATH, freePort, request, sleep } from './lib/harness.mjs';

/* Prints every datagram it receives on its own line. */
const LISTENER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("LISTENING", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", " "), flush=True)
`;

class Notifications {
  constructor(dir) {
    this.path = path.join(dir, 'notify.sock');
    this.lines = [];
    this.proc = spawn('python3', ['-c', LISTENER, this.path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    this.proc.stdout.on('data', (d) => {
      buf += d;
      const parts = buf.split('\n');
      buf = parts.pop();
      this.lines.push(...parts);
    });
  }

  /** Resolves once line has come count times in all (default once). */
  async waitFor(line, count = 1, ms = 10000) {
    const deadline = Date.now() + ms;
    while (this.lines.filter((l) => l === line).length < count) {
      assert.ok(Date.now() < deadline, `no ${line} (#${count}) from the server; got ${JSON.stringify(this.lines)}`);
      await sleep(20);
    }
  }

  stop() {
    this.proc.kill('SIGKILL');
  }
}

function startProcess(args, dir, notifySocket) {
  const log = path.join(dir, 'stderr.log');
  const fd = fs.openSync(log, 'a');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUSE_')));
  const proc = spawn(BIN, args, { stdio: ['ignore', fd, fd], env: { ...env, NOTIFY_SOCKET: notifySocket } });
  fs.closeSync(fd);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, exited, log: () => fs.readFileSync(log, 'utf8') };
}


/**
 * Runs a `command` (serve or gateway) with NOTIFY_SOCKET set, the
 * configuration iniText in file iniName, its own database and a free port,
 * waits for READY=1 and calls body({ ini, notes, server, port }); stops and
 * cleans up whatever happens.
 */
async function withService(command, iniName, iniText, body) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-service-'));
  const ini = path.join(dir, iniName);
  fs.writeFileSync(ini, iniText);
  const notes = new Notifications(dir);
  let server;
  try {
    await notes.waitFor('LISTENING');
    const port = await freePort();
    server = startProcess(['--db', `sqlite:${dir}/${command}.db`, '--config', ini, command, '--listen', `127.0.0.1:${port}`], dir, notes.path);
    await notes.waitFor('READY=1');
    await body({ ini, notes, server, port });
  } finally {
    if (server && server.proc.exitCode === null) server.proc.kill('SIGKILL');
    notes.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('serve: READY=1 once it answers, SIGHUP reloads log settings and keys (RELOADING=1, READY=1), STOPPING=1', async () => {
  await withService('serve', 'gatehouse.ini', '[server]\nlog_format = json\n', async ({ ini, notes, server, port }) => {
  const d = await request('GET', `http://127.0.0.1:${port}${DISCOVERY_PATH}`);
  assert.equal(d.status, 200, 'READY=1 means it answers');
  assert.match(server.log(), /^\{"ts":.*"event":"listening"/m, 'JSON lines by default');

  fs.writeFileSync(ini, '[server]\nlog_format = text\n');
  server.proc.kill('SIGHUP');
  await notes.waitFor('READY=1', 2);
  assert.ok(notes.lines.includes('RELOADING=1'), JSON.stringify(notes.lines));
  const reloaded = server.log().trim().split('\n').at(-1);
  assert.match(reloaded, /^\d{4}-\d\d-\d\dT[\d:.]+Z info reloaded signal=SIGHUP what="log settings, signing keys and platforms"$/, 'a text line naming what was reloaded');
  assert.equal((await request('GET', `http://127.0.0.1:${port}${DISCOVERY_PATH}`)).status, 200, 'still serving');

  fs.writeFileSync(ini, '[server]\nlog_format = text\nlog_level = error\n');
  server.proc.kill('SIGHUP');
  await notes.waitFor('READY=1', 3);
  const before = server.log();
  server.proc.kill('SIGTERM');
  await notes.waitFor('STOPPING=1');
  assert.deepEqual(await server.exited, { code: 0, signal: null });
  assert.equal(server.log(), before, 'log_level = error: the info lines (reloaded, stopping) are no longer written');
  });
});

test('serve: a configuration that no longer loads is not applied on SIGHUP, and the server goes on', async () => {
  await withService('serve', 'gatehouse.ini', '[server]\nlog_format = json\n', async ({ ini, notes, server, port }) => {
  fs.writeFileSync(ini, '[server]\nlog_format = yaml\n');
  server.proc.kill('SIGHUP');
  await notes.waitFor('READY=1', 2);
  const lines = server.log().trim().split('\n').slice(-2).map((l) => JSON.parse(l));
  assert.equal(lines[0].event, 'reload_failed');
  assert.match(lines[0].error, /log_format/);
  assert.equal(lines[1].event, 'reloaded');
  assert.equal(lines[1].what, 'signing keys');
  assert.equal((await request('GET', `http://127.0.0.1:${port}${DISCOVERY_PATH}`)).status, 200);
  server.proc.kill('SIGTERM');
  assert.deepEqual(await server.exited, { code: 0, signal: null });
  });
});

test('gateway: READY=1 and STOPPING=1, text logs with log_format = text', async () => {
  await withService('gateway', 'gateway.ini', '[server]\nlog_format = text\n[platform.gh]\nkind = github\nclient_id = gw\nclient_secret = gw-secret\n', async ({ ini, notes, server: gw, port }) => {
  assert.equal((await request('GET', `http://127.0.0.1:${port}/healthz`)).status, 200);
  gw.proc.kill('SIGTERM');
  await notes.waitFor('STOPPING=1');
  assert.deepEqual(await gw.exited, { code: 0, signal: null });
  assert.match(gw.log(), /^\S+Z info stopping signal=SIGTERM$/m);
  });
});
