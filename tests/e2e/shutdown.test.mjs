// Graceful shutdown: SIGTERM while a burst of token requests is being served
// and another request's body is still being trickled in. Every request the
// server had received (its headers in) is answered 200, the trickled one once
// its body is complete; a new connection after the signal is refused; the
// process exits 0 within a bound.

import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { TOKEN_PATH, request, setup, sleep, useGatehouse } from './lib/harness.mjs';

const BURST = 200;
const EXIT_WITHIN_MS = 6000; // the drain is bounded at 5 s
const TRICKLE_MS = 40; // between two bytes of the trickled body

const gh = useGatehouse({ config: { threads: 2 } });

let client;
let form;

setup(async () => {
  client = await gh.addClient({ id: 'svc-stop', secret: 'svc-stop-secret-0123456789', redirectUris: 'https://svc.example/cb', scope: 'profile', grants: ['client_credentials'] });
  form = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }).toString();
});

/** A token request over a raw socket whose body goes out one byte every TRICKLE_MS; resolves to the raw answer. */
function trickledRequest(port) {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', async () => {
      socket.write(`POST ${TOKEN_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\nConnection: close\r\n\r\n`);
      for (const ch of form) {
        await sleep(TRICKLE_MS);
        if (socket.destroyed) return;
        socket.write(ch);
      }
    });
    socket.on('data', (c) => (answer += c));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** Resolves to the error code of a new connection attempt ('connected' when it was accepted). */
function connectAttempt(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (e) => resolve(e.code));
  });
}

test('SIGTERM with requests in flight: all received ones answered, new connections refused, exit 0', async () => {
  const port = Number(new URL(gh.base).port);
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const trickled = trickledRequest(port);
  await sleep(300); // its headers are in, its body is coming
  const burst = Array.from({ length: BURST }, () => request('POST', gh.url(TOKEN_PATH), { headers, body: form }));
  await sleep(100); // the burst has been sent and accepted; most of it is still being served
  const proc = gh.proc;
  const t0 = Date.now();
  const stopped = gh.stop(); // SIGTERM now, SIGKILL after 5 s
  await sleep(20);
  assert.equal(proc.exitCode, null, 'still draining when the new connection is tried');
  assert.equal(await connectAttempt(port), 'ECONNREFUSED', 'a new connection after the signal is refused');

  const answers = await Promise.allSettled(burst);
  const bad = answers.filter((a) => a.status !== 'fulfilled' || a.value.status !== 200);
  assert.deepEqual(bad.map((a) => a.reason?.message ?? a.value.describe()), [], `all ${BURST} requests of the burst answered 200`);
  const raw = await trickled;
  assert.match(raw, /^HTTP\/1\.1 200 /, `the trickled request is answered once its body is in: ${raw.slice(0, 200)}`);
  assert.match(raw, /"access_token"/);

  assert.equal(await stopped, null, 'exited 0 on SIGTERM');
  assert.ok(Date.now() - t0 < EXIT_WITHIN_MS, `exited ${Date.now() - t0} ms after the signal`);
});
