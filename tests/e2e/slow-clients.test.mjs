// Slow clients do not stop others being served: 1,000 connections each send
// part of a request line and then nothing. While they are held, /healthz and
// a client_credentials token request answer promptly; the server closes every
// one of them at the connection timeout ([server] connection_timeout, 3 s
// here, 30 by default).

import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { setup, useGatehouse } from './lib/harness.mjs';

const SLOW = 1000;
const TIMEOUT_S = 3;
const PROMPT_MS = 500; // what "promptly" means for the others
const CLOSED_WITHIN_MS = (TIMEOUT_S + 3) * 1000;

const gh = useGatehouse({ config: { connection_timeout: TIMEOUT_S } });

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
