// Slow clients do not stop others being served: 1,000 connections each send
// part of a request line and then nothing. While they are held, /healthz and
// a client_credentials token request answer promptly; the server closes every
// one of them at the connection timeout ([server] connection_timeout, 3 s
// here, 30 by default). And a server out of file descriptors: the connections
// it cannot accept wait in the backlog and are served once others close, with
// one warning and no busy loop in between.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';

import { setup, sleep, useGatehouse } from './lib/harness.mjs';

const SLOW = 1000;
const TIMEOUT_S = 3;
const PROMPT_MS = 500; // what "promptly" means for the others
const CLOSED_WITHIN_MS = (TIMEOUT_S + 3) * 1000;

const gh = useGatehouse({ config: { connection_timeout: TIMEOUT_S } });
const OPEN_FILES = 64; // a handful go to the database, the log, epoll and the listening socket
const capped = useGatehouse({ label: 'gatehouse, 64 open files', openFiles: OPEN_FILES });

let client;

setup(async () => {
  client = await gh.addClient({ id: 'svc-slow', secret: 'svc-slow-secret-0123456789', redirectUris: 'https://svc.example/cb', scope: 'profile', grants: ['client_credentials'] });
});

/** Opens a connection, sends a partial request line; resolves to { socket, closed } once connected. */
function slowClient(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write('GET /hea');
      resolve({ socket, closed });
    });
    const closed = new Promise((r) => socket.once('close', () => r(Date.now())));
    socket.on('error', () => {}); // a reset at the timeout is a close too
    socket.once('error', reject);
  });
}

async function timed(p) {
  const t0 = Date.now();
  const v = await p;
  return [v, Date.now() - t0];
}

test(`${SLOW} stalled connections: others are served promptly, the stalled ones are closed at the timeout`, async () => {
  const port = Number(new URL(gh.base).port);
  const t0 = Date.now();
  const slow = [];
  for (let i = 0; i < SLOW; i += 100) {
    slow.push(...(await Promise.all(Array.from({ length: 100 }, () => slowClient(port)))));
  }
  try {
    for (let round = 0; round < 3; round++) {
      const [health, healthMs] = await timed(gh.get('/healthz'));
      assert.equal(health.status, 200, health.describe());
      assert.ok(healthMs < PROMPT_MS, `/healthz took ${healthMs} ms with ${SLOW} stalled connections`);
      const [token, tokenMs] = await timed(gh.token({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }));
      assert.equal(token.status, 200, token.describe());
      assert.ok(tokenMs < PROMPT_MS, `a token request took ${tokenMs} ms with ${SLOW} stalled connections`);
    }
    const still = slow.filter((s) => !s.socket.destroyed).length;
    assert.equal(still, SLOW, 'the stalled connections are still open before the timeout');
    const closedAt = await Promise.all(slow.map((s) => s.closed));
    const last = Math.max(...closedAt) - t0;
    assert.ok(last < CLOSED_WITHIN_MS, `the last stalled connection was closed ${last} ms after it opened`);
    assert.ok(Math.min(...closedAt) - t0 >= (TIMEOUT_S - 1) * 1000, 'not closed before the timeout');
  } finally {
    for (const s of slow) s.socket.destroy();
  }
  assert.equal((await gh.get('/healthz')).status, 200, 'serving after they are gone');
});

/** The CPU ticks (user + system) the server's acceptor thread has used. */
function acceptorTicks(pid) {
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    if (fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() !== 'acceptor') continue;
    const fields = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  }
  throw new Error('no acceptor thread');
}

const WARNING = /"event":"http_server","message":"cannot accept connections/;
const warnings = (log) => log.split('\n').filter((line) => WARNING.test(line)).length;

test('out of file descriptors: connections wait in the backlog, one warning, no busy loop, served once others close', async () => {
  const port = Number(new URL(capped.base).port);
  const from = capped.logSize();
  // More connections than the server has descriptors: the kernel completes
  // each handshake, so every connect succeeds, accepted or not.
  const held = await Promise.all(Array.from({ length: OPEN_FILES }, () => slowClient(port)));
  try {
    for (let waited = 0; warnings(capped.logSince(from, Infinity)) === 0 && waited < 3000; waited += 50) await sleep(50);
    const ticks = acceptorTicks(capped.proc.pid);
    const waiting = capped.get('/healthz'); // queued behind them, in the backlog
    await sleep(1000);
    assert.ok(acceptorTicks(capped.proc.pid) - ticks <= 5, 'the acceptor sleeps while it cannot accept');
    assert.equal(warnings(capped.logSince(from, Infinity)), 1, 'one warning, not one per retry');
    for (const c of held) c.socket.destroy();
    const health = await waiting;
    assert.equal(health.status, 200, health.describe());
  } finally {
    for (const c of held) c.socket.destroy();
  }
});
