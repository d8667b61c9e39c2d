// A client that half-closes its side (shutdown(SHUT_WR), node's
// socket.end()) right after a complete request gets its whole answer and
// then the connection closed, well before the connection timeout (set high
// here, so that a connection held until then shows as a failure). The end of
// stream often arrives in the same segment as the request, which is the case
// libmicrohttpd alone would hold; several rounds make it certain to occur.
// (A request still incomplete at the half-close is closed at the header
// deadline, like any other stalled one: slow-clients.test.mjs.)

import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { useGatehouse } from './lib/harness.mjs';

const TIMEOUT_S = 30;
const CLOSED_WITHIN_MS = 2000;
const ROUNDS = 12;

const gh = useGatehouse({ config: { connection_timeout: TIMEOUT_S } });

/**
 * Writes request, then ends the socket's sending side at once. Resolves to
 * { text, closedMs } once the server closes, or { held: true } after
 * CLOSED_WITHIN_MS.
 */
function halfClose(port, request) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const chunks = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(request);
      socket.end();
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ held: true, text: Buffer.concat(chunks).toString('latin1') });
    }, CLOSED_WITHIN_MS);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ held: false, text: Buffer.concat(chunks).toString('latin1'), closedMs: Date.now() - t0 });
    });
  });
}

/** The status and body of one HTTP/1.1 answer with a Content-Length. */
function parseAnswer(text) {
  const end = text.indexOf('\r\n\r\n');
  assert.ok(end > 0, `an answer's head: ${JSON.stringify(text.slice(0, 200))}`);
  const head = text.slice(0, end);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1]);
  return { status, length, body: text.slice(end + 4) };
}

async function expectAnsweredAndClosed(request, check) {
  const port = Number(new URL(gh.base).port);
  for (let i = 0; i < ROUNDS; i++) {
    const r = await halfClose(port, request);
    assert.ok(!r.held, `round ${i}: the connection was still open ${CLOSED_WITHIN_MS} ms after the client half-closed (timeout ${TIMEOUT_S} s); received ${JSON.stringify(r.text.slice(0, 80))}`);
    const a = parseAnswer(r.text);
    assert.equal(a.body.length, a.length, `round ${i}: the whole body arrived before the close`);
    check(a);
  }
}

test('GET then half-close: the answer, then the connection closed', async () => {
  await expectAnsweredAndClosed('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', (a) => {
    assert.equal(a.status, 200);
    assert.deepEqual(JSON.parse(a.body), { status: 'ok' });
  });
});

test('POST with a body then half-close: the answer, then the connection closed', async () => {
  const body = 'grant_type=client_credentials&client_id=nobody&client_secret=wrong';
  const request =
    'POST /oauth2/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
    `Content-Length: ${body.length}\r\n\r\n${body}`;
  await expectAnsweredAndClosed(request, (a) => {
    assert.ok(a.status === 400 || a.status === 401, `a refusal of the unknown client: ${a.status}`);
    assert.ok(JSON.parse(a.body).error, 'an error body');
  });
});
