// Hostile input at the social-login gateway, over raw sockets (as in
// hostile.test.mjs: every refusal is the seed 002 envelope, or a closed
// connection for what is not HTTP), forged cookies, and an OpenID provider
// whose JWKS fails, trickles, is garbage or no longer holds the signing key.
// The provider is our own authorization server behind a small proxy that can
// break its JWKS (the server's issuer is the proxy's URL). Each failure is
// answered in time, sets no cookie and writes no account; the gateway keeps
// serving.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after, afterEach, test } from 'node:test';

import { freePort, querySql, rawRequest, setup, sleep, useGatehouse, walkAuthorize } from './lib/harness.mjs';
import { CookieJar, assertEnvelope, useGateway } from './lib/gateway.mjs';

const UPSTREAM_TIMEOUT_S = 3;
const TIMEOUT_S = 2;
const SECRET = 'gateway-secret-0123456789';
const PLATFORMS = ['ottm', 'fresh1', 'fresh2', 'fresh3', 'fresh4'];

/* ------------------------------------------------ the JWKS-breaking proxy -- */

const proxyPort = await freePort();
const proxyBase = `http://127.0.0.1:${proxyPort}`;
const proxy = { fault: null, held: new Set() };
const gh = useGatehouse({ label: 'authorization server', issuer: proxyBase });
const gw = useGateway({
  platforms: () =>
    Object.fromEntries(PLATFORMS.map((p) => [p, { kind: 'oidc', issuer: proxyBase, client_id: 'gateway', client_secret: SECRET, scope: 'openid profile email' }])),
  settings: { upstream_timeout: UPSTREAM_TIMEOUT_S },
  server: { connection_timeout: TIMEOUT_S },
});

const otherKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });

/** A broken JWKS answer, or false to forward the request. */
function breakJwks(req, res) {
  if (!proxy.fault || new URL(req.url, proxyBase).pathname !== '/oauth2/v1/keys') return false;
  if (proxy.fault === '5xx') res.writeHead(503, { 'content-type': 'text/html' }).end('down');
  if (proxy.fault === 'garbage') res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[{"kty":');
  if (proxy.fault === 'changed') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...otherKey, kid: 'other', use: 'sig', alg: 'RS256' }] }));
  if (proxy.fault === 'trickle') {
    proxy.held.add(res);
    res.writeHead(200, { 'content-type': 'application/json' }).write('{');
    const t = setInterval(() => res.write(' '), 500);
    res.on('close', () => clearInterval(t));
  }
  return true;
}

const proxyServer = http.createServer((req, res) => {
  if (breakJwks(req, res)) return;
  const up = http.request({ host: '127.0.0.1', port: gh.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
    res.writeHead(ur.statusCode, ur.headers);
    ur.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
});
await new Promise((resolve) => proxyServer.listen(proxyPort, '127.0.0.1', resolve));
after(() => {
  for (const r of proxy.held) r.destroy();
  proxyServer.closeAllConnections();
  proxyServer.close();
});
afterEach(async () => {
  proxy.fault = null;
  assert.equal((await gw.get('/healthz')).status, 200, 'the gateway still serves');
});

let user;
setup(async () => {
  await gh.addClient({ id: 'gateway', secret: SECRET, redirectUris: PLATFORMS.map((p) => `${gw.base}/oauth2/callback?platform=${p}`) });
  user = await gh.addUser({ username: 'eve', password: 'pa55-Word!e_ve', email: 'eve@example.com', nickname: 'eve' });
});

function accounts() {
  return Number(querySql(gw.db, 'SELECT count(*) FROM gateway_users'));
}

/** The front channel through the proxy; resolves to { code, state, iss }. */
async function callback(platform) {
  const url = await gw.loginUrl(platform);
  const r = await walkAuthorize(url.href, { origin: proxyBase, username: user.username, password: user.password });
  assert.ok(r.redirect, `back at the gateway: ${r.response.describe()}`);
  const q = r.redirect.searchParams;
  return { code: q.get('code'), state: q.get('state'), iss: q.get('iss') };
}

/* ------------------------------------------------------- JWKS faults -- */

test('the flow works through the proxy (the faults below are about the JWKS)', async () => {
  const { code, state, iss } = await callback('ottm');
  const jar = new CookieJar();
  assertEnvelope(await gw.login('ottm', code, state, jar, iss), 200, true);
  assert.ok(jar.get('access'));
});

const JWKS_FAULTS = [
  ['fresh1', '5xx', 502],
  ['fresh2', 'garbage', 502],
  ['fresh3', 'trickle', 504],
  ['fresh4', 'changed', 502],
];
for (const [platform, fault, status] of JWKS_FAULTS) {
  test(`a JWKS that is ${fault === 'changed' ? 'changed (no longer holds the signing key)' : fault}: ${status} in time, no cookie, no account`, async () => {
    const { code, state, iss } = await callback(platform);
    const users = accounts();
    proxy.fault = fault;
    const t0 = Date.now();
    const res = await gw.login(platform, code, state, new CookieJar(), iss);
    assert.ok(Date.now() - t0 < UPSTREAM_TIMEOUT_S * 1000 + 2000, `answered after ${Date.now() - t0} ms`);
    assertEnvelope(res, status, false, fault);
    assert.equal(res.setCookies.length, 0, 'no cookie');
    assert.equal(accounts(), users, 'no account');
  });
}

/* ------------------------------------------------------ raw requests -- */

const HOST = 'Host: 127.0.0.1\r\n';
const raw = (data, opts) => rawRequest(gw.port, data, opts);

/** The envelope from a raw answer: status, flag false, no injected header. */
function assertRawEnvelope(r, status, what) {
  assert.equal(r.responses.length, 1, `${what}: one answer (closed ${r.closed})`);
  const res = r.responses[0];
  const ctx = `${what}: ${res.statusLine} ${res.text.slice(0, 200)}`;
  assert.equal(res.status, status, ctx);
  assert.match(res.headers['content-type']?.[0] ?? '', /^application\/json/, ctx);
  const j = JSON.parse(res.text);
  assert.deepEqual(Object.keys(j).sort(), ['body', 'flag', 'message', 'title'], ctx);
  assert.equal(j.flag, false, ctx);
  assert.equal(res.headers['x-evil'], undefined, `${what}: header injected`);
  assert.equal(res.headers['set-cookie'], undefined, `${what}: no cookie`);
}

const rawGet = (target, headers = '') => raw(`GET ${target} HTTP/1.1\r\n${HOST}${headers}Connection: close\r\n\r\n`);
const rawLogin = (body, headers = '') =>
  raw(`POST /oauth2/api/login/ottm HTTP/1.1\r\n${HOST}Content-Type: application/json\r\n${headers}Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\nConnection: close\r\n\r\n${body}`);

const RAW_CASES = [
  ['%00 in the path', () => rawGet('/oauth2/api/login/ottm%00'), 400],
  ['an encoded slash', () => rawGet('/oauth2/api%2flogin/ottm'), 400],
  ['a CRLF in the platform name', () => rawGet('/oauth2/api/login/ottm%0d%0aX-Evil:%201'), 404],
  ['a path with //', () => rawGet('//oauth2/api/platforms'), 404],
  ['an unknown method', () => raw(`BREW /oauth2/api/userinfo HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`), 405],
  ['a lower-case method', () => raw(`get /oauth2/api/userinfo HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`), 405],
  ['CL and TE together', () => raw(`POST /oauth2/api/logout HTTP/1.1\r\n${HOST}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`), 400],
  ['two Content-Lengths', () => raw(`POST /oauth2/api/logout HTTP/1.1\r\n${HOST}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`), 400],
  ['no Host', () => raw('GET /oauth2/api/platforms HTTP/1.1\r\n\r\n'), 400],
  ['an unknown transfer coding', () => raw(`POST /oauth2/api/logout HTTP/1.1\r\n${HOST}Transfer-Encoding: br\r\n\r\n`), 501],
  ['a control byte in a header', () => raw(`GET /oauth2/api/platforms HTTP/1.1\r\n${HOST}X-A: \x7f\r\n\r\n`), 400],
  ['a body over max_body', () => rawLogin(`{"code":"${'c'.repeat(70000)}","state":"s"}`), 413],
  ['invalid UTF-8 in the login body', () => rawLogin('{"code":"\xff\xfe","state":"\xc0\xaf"}'), 400],
  ['a NUL in the login body', () => rawLogin('{"code":"a\\u0000b","state":"s"}'), 400],
  ['a raw NUL in the login body', () => rawLogin('{"code":"a\0b","state":"s"}'), 400],
  ['a repeated callback parameter', () => rawGet('/oauth2/callback?platform=ottm&state=a&state=b&code=c'), 400],
  ['a forged access cookie', () => rawGet('/oauth2/api/userinfo', 'Cookie: access=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.\r\n'), 401],
  ['a CRLF-encoded cookie', () => rawGet('/oauth2/api/userinfo', 'Cookie: access=a%0d%0aSet-Cookie:%20evil=1\r\n'), 401],
];
for (const [what, send, status] of RAW_CASES) {
  test(`gateway: ${what}: ${status} envelope`, async () => {
    assertRawEnvelope(await send(), status, what);
  });
}

test('gateway: a huge header and a TLS ClientHello are refused and closed', async () => {
  const big = await raw(`GET /oauth2/api/platforms HTTP/1.1\r\n${HOST}X-Big: ${'a'.repeat(100000)}\r\n\r\n`);
  assert.ok(big.closed);
  assert.equal(big.responses[0]?.status, 431);
  const tls = await raw(Buffer.from('16030100a5010000a10303', 'hex'));
  assert.ok(tls.closed);
  assert.ok(tls.responses.every((x) => x.status >= 400));
});

test('gateway: a CRLF in the callback state is not echoed into a header', async () => {
  const r = await rawGet('/oauth2/callback?platform=ottm&state=a%0d%0aX-Evil:%201&code=c');
  assert.equal(r.responses.length, 1);
  assert.equal(r.responses[0].headers['x-evil'], undefined);
  for (const v of Object.values(r.responses[0].headers).flat()) assert.doesNotMatch(v, /evil/i);
});

test('gateway: a slow client is dropped at the connection timeout while others are served', async () => {
  const bytes = [...`GET /oauth2/api/platforms HTTP/1.1\r\n${HOST}X-Slow: ${'s'.repeat(100)}\r\n\r\n`];
  const slow = raw(bytes, { gapMs: 100, timeout: 30000 });
  await sleep(300);
  assert.equal((await gw.get('/oauth2/api/platforms')).status, 200);
  const r = await slow;
  assert.ok(r.closed && r.responses.length === 0, 'dropped, never answered');
  assert.ok(r.ms < (TIMEOUT_S + 2) * 1000, `${r.ms} ms`);
});
