// Hostile input at the authorization server, sent over raw sockets where an
// HTTP client would refuse to send it: oversized and malformed requests, NUL
// bytes, bad encodings, lying or conflicting framing (request smuggling
// shapes), path and method tricks, CRLF injection attempts, forged tokens,
// slow and silent clients. Each case ends in a clear 4xx in the documented
// format (the seed 004 envelope at the API, an error page at the pages) or,
// for what cannot be parsed as HTTP, a refusal by libmicrohttpd and a closed
// connection; and after each the server still answers /healthz.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import {
  AUTHORIZE_PATH,
  INTROSPECT_PATH,
  REVOKE_PATH,
  TOKEN_PATH,
  USERINFO_PATH,
  assertErrorPage,
  assertSeedError,
  codeGrant,
  rawRequest,
  request,
  setup,
  tamperSignature,
  useGatehouse,
} from './lib/harness.mjs';

const TIMEOUT_S = 2; /* connection_timeout: how long a silent or slow client is kept */
const gh = useGatehouse({ config: { connection_timeout: TIMEOUT_S } });

let client;
let user;
setup(async () => {
  client = await gh.addClient({ id: 'rp-hostile', secret: 'rp-hostile-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await gh.addUser({ username: 'mallory', password: 'm_allory-Pass-1234', email: 'm@example.com', nickname: 'mal' });
});

afterEach(async () => {
  const res = await gh.get('/healthz');
  assert.equal(res.status, 200, `still serving: ${res.describe()}`);
});

const HOST = 'Host: 127.0.0.1\r\n';
const FORM = 'Content-Type: application/x-www-form-urlencoded\r\n';
const good = { scope: 'openid profile', response_type: 'code', state: 'st', redirect_uri: 'https://rp.example/cb', client_id: 'rp-hostile' };
const goodQuery = (extra = '') => `${new URLSearchParams(good)}${extra}`;

/** One raw exchange with the server. */
const raw = (data, opts) => rawRequest(gh.port, data, opts);

/** A raw GET of target (sent as written). */
const rawGet = (target, extraHeaders = '') => raw(`GET ${target} HTTP/1.1\r\n${HOST}${extraHeaders}Connection: close\r\n\r\n`);

/** A raw POST of a form body to path, with a correct Content-Length. */
const rawPost = (path, body, extraHeaders = '') =>
  raw(`POST ${path} HTTP/1.1\r\n${HOST}${FORM}${extraHeaders}Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\nConnection: close\r\n\r\n${body}`);

function only(r, what) {
  assert.equal(r.responses.length, 1, `${what}: exactly one answer, got ${r.responses.map((x) => x.statusLine).join(' | ') || 'none'} (closed ${r.closed})`);
  return r.responses[0];
}

/** No header of any answer was split or carries user input verbatim. */
function assertNoInjection(r, what) {
  for (const res of r.responses) {
    assert.equal(res.headers['x-evil'], undefined, `${what}: a header was injected:\n${res.head}`);
    for (const c of res.headers['set-cookie'] ?? []) assert.ok(!/evil/i.test(c), `${what}: cookie injected: ${c}`);
  }
}

/** The seed 004 envelope from a raw answer. */
function assertRawSeed(r, code, status, what) {
  const res = only(r, what);
  const ctx = `${what}: ${res.statusLine} ${res.text.slice(0, 200)}`;
  assert.equal(res.status, status, ctx);
  assert.match(res.headers['content-type']?.[0] ?? '', /^application\/json/, ctx);
  assert.equal(JSON.parse(res.text).error.code, code, ctx);
  assertNoInjection(r, what);
}

/** An error page from a raw answer: 4xx HTML, never a Location. */
function assertRawPage(r, what) {
  const res = only(r, what);
  const ctx = `${what}: ${res.statusLine}`;
  assert.ok(res.status >= 400 && res.status < 500, ctx);
  assert.match(res.headers['content-type']?.[0] ?? '', /^text\/html/, ctx);
  assert.equal(res.headers.location, undefined, `${what}: no redirect`);
  assertNoInjection(r, what);
}

/** What is not HTTP at all: at most libmicrohttpd's own refusal (4xx, or 505 for a version), then the connection closed. */
function assertUnparsable(r, what) {
  assert.ok(r.closed, `${what}: the connection is closed (timed out: ${r.timedOut})`);
  const statuses = r.responses.map((x) => x.status);
  assert.ok(statuses.length <= 1, `${what}: at most one answer, got ${statuses}`);
  if (statuses.length) assert.ok((statuses[0] >= 400 && statuses[0] < 500) || statuses[0] === 505, `${what}: ${statuses[0]}`);
}

/* ------------------------------------------------------------ sizes -- */

test('2000 headers: refused (431) and closed', async () => {
  const many = Array.from({ length: 2000 }, (_, i) => `X-H${i}: v\r\n`).join('');
  const r = await raw(`GET /healthz HTTP/1.1\r\n${HOST}${many}\r\n`);
  assertUnparsable(r, 'many headers');
  assert.equal(r.responses[0]?.status, 431);
});

test('one 100 KB header: refused (431) and closed', async () => {
  const r = await raw(`GET /healthz HTTP/1.1\r\n${HOST}X-Big: ${'a'.repeat(100000)}\r\n\r\n`);
  assertUnparsable(r, 'huge header');
  assert.equal(r.responses[0]?.status, 431);
});

test('a 100 KB URL: refused (414) and closed', async () => {
  const r = await raw(`GET ${AUTHORIZE_PATH}?${goodQuery()}&pad=${'p'.repeat(100000)} HTTP/1.1\r\n${HOST}\r\n`);
  assertUnparsable(r, 'huge URL');
  assert.equal(r.responses[0]?.status, 414);
});

test('a very long path (16 KB) is a 404 envelope', async () => {
  assertRawSeed(await rawGet(`/${'a/'.repeat(8000)}`), '10404', 404, 'long path');
});

test('a body over max_body at the token endpoint: 413 envelope', async () => {
  assertRawSeed(await rawPost(TOKEN_PATH, `grant_type=x&pad=${'a'.repeat(70000)}`), '10051', 413, 'big body');
});

test('too many parameters in a query: refused', async () => {
  const q = Array.from({ length: 300 }, (_, i) => `p${i}=v`).join('&');
  assertRawPage(await rawGet(`${AUTHORIZE_PATH}?${goodQuery()}&${q}`), 'many query parameters');
});

/* ---------------------------------------------------------- encodings -- */

test('invalid UTF-8 in a token form parameter: 10051', async () => {
  assertRawSeed(await rawPost(TOKEN_PATH, 'grant_type=client_credentials&client_id=%ff%fe&client_secret=x'), '10051', 400, 'invalid UTF-8');
});

test('an overlong UTF-8 slash (%c0%af) in redirect_uri: an error page', async () => {
  assertRawPage(await rawGet(`${AUTHORIZE_PATH}?${goodQuery().replace('rp.example%2Fcb', 'rp.example%c0%afcb')}`), 'overlong');
});

test('invalid UTF-8 in state: an error page (it could not survive a UTF-8 page)', async () => {
  assertRawPage(await rawGet(`${AUTHORIZE_PATH}?${goodQuery().replace('state=st', 'state=%ff%c0%af')}`), 'invalid UTF-8 state');
});

test('an overlong NUL (%c0%80) and a surrogate (%ed%a0%80) in a token form: 10051', async () => {
  assertRawSeed(await rawPost(TOKEN_PATH, 'grant_type=client_credentials&scope=%c0%80'), '10051', 400, 'overlong NUL');
  assertRawSeed(await rawPost(TOKEN_PATH, 'grant_type=client_credentials&scope=%ed%a0%80'), '10051', 400, 'surrogate');
});

test('invalid UTF-8 in the login form: 400, not signed in', async () => {
  const page = await gh.get(`${AUTHORIZE_PATH}?${goodQuery()}`);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(csrf, 'a csrf input on the login page');
  const cookie = page.setCookies.map((c) => c.split(';')[0]).join('; ');
  const body = `${goodQuery()}&csrf=${csrf}&username=%ff%fe%fd&password=%c0%80`;
  const res = only(await rawPost(AUTHORIZE_PATH, body, cookie ? `Cookie: ${cookie}\r\n` : ''), 'login form');
  assert.equal(res.status, 400, res.statusLine);
  assert.equal(res.headers.location, undefined, 'not signed in');
});

test('malformed percent escapes in a form body: 10051', async () => {
  assertRawSeed(await rawPost(TOKEN_PATH, 'grant_type=client_credentials%g1'), '10051', 400, 'bad escape');
});

/* ------------------------------------------------------------ NUL bytes -- */

test('%00 in the path: 400 envelope, connection closed', async () => {
  const r = await rawGet('/healthz%00.json');
  assertRawSeed(r, '10051', 400, '%00 in path');
  assert.ok(r.closed);
});

test('a raw NUL in the request target: the path ends there, nothing after it is routed', async () => {
  /* libmicrohttpd 0.9.75 hands the target over as a C string (docs/security.md) */
  assertRawSeed(await raw(`GET /heal\0thz HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`), '10404', 404, 'raw NUL in path');
  const res = only(await raw(`GET /healthz\0/../oauth2/v1/keys HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`), 'NUL then more');
  assert.equal(res.text, '{"status":"ok"}', 'the part before the NUL');
});

test('%00 in a query parameter at the authorize endpoint: an error page', async () => {
  assertRawPage(await rawGet(`${AUTHORIZE_PATH}?${goodQuery().replace('client_id=rp-hostile', 'client_id=rp-hostile%00x')}`), '%00 in query');
});

test('%00 in a form parameter at the token endpoint: 10051', async () => {
  assertRawSeed(await rawPost(TOKEN_PATH, 'grant_type=client_credentials%00&client_id=rp-hostile'), '10051', 400, '%00 in form');
});

test('a raw NUL in a form body: 10051', async () => {
  assertRawSeed(await rawPost(TOKEN_PATH, 'grant_type=client_\0credentials&client_id=rp-hostile'), '10051', 400, 'raw NUL in form');
});

test('a raw NUL in a header value: refused or cut, never 5xx', async () => {
  const res = only(await raw(`GET /healthz HTTP/1.1\r\n${HOST}X-A: a\0b\r\nConnection: close\r\n\r\n`), 'NUL in header');
  assert.ok(res.status === 200 || res.status === 400, res.statusLine);
});

test('a raw NUL in a cookie does not sign anyone in', async () => {
  const r = await rawGet(`${AUTHORIZE_PATH}?${goodQuery()}`, `Cookie: gh_session=\0${'a'.repeat(43)}\r\n`);
  const res = only(r, 'NUL cookie');
  assert.ok(res.status === 200 || res.status === 400, res.statusLine);
  assert.equal(res.headers.location, undefined, 'no redirect with a code');
  assertNoInjection(r, 'NUL cookie');
});

test('a control byte in a header value: 400 envelope, closed', async () => {
  const r = await raw(`GET /healthz HTTP/1.1\r\n${HOST}X-A: a\x01b\r\n\r\n`);
  assertRawSeed(r, '10051', 400, 'CTL in header');
  assert.ok(r.closed);
});

/* ------------------------------------------------- repeated parameters -- */

const REPEATED_API = [
  [TOKEN_PATH, 'grant_type=client_credentials&grant_type=client_credentials&client_id=rp-hostile'],
  [TOKEN_PATH, 'grant_type=authorization_code&code=a&code=b'],
  [TOKEN_PATH, 'grant_type=refresh_token&refresh_token=a&refresh_token=b'],
  [USERINFO_PATH, 'access_token=a&access_token=b'],
  [REVOKE_PATH, 'token=a&token=b'],
  [INTROSPECT_PATH, 'token=a&token=b'],
  ['/oauth2/v1/device/authorize', 'client_id=a&client_id=b'],
];
for (const [path, body] of REPEATED_API) {
  test(`repeated parameter at ${path} (${body.split('&')[1].split('=')[0]}): 10051`, async () => {
    assertRawSeed(await rawPost(path, body), '10051', 400, `${path} ${body}`);
  });
}

test('repeated parameters at the pages (authorize, logout, device): error pages', async () => {
  assertRawPage(await rawGet(`${AUTHORIZE_PATH}?${goodQuery()}&client_id=rp-hostile`), 'authorize client_id twice');
  assertRawPage(await rawGet('/auth/logout?state=a&state=b'), 'logout state twice');
  assertRawPage(await rawGet('/auth/device?user_code=AAAA-BBBB&user_code=CCCC-DDDD'), 'device user_code twice');
});

test('a parameter repeated across the query and the body: 10051', async () => {
  assertRawSeed(await rawPost(`${TOKEN_PATH}?grant_type=client_credentials`, 'grant_type=client_credentials'), '10051', 400, 'query + body');
});

/* ------------------------------------------------------ CRLF injection -- */

test('CRLF in state: carried percent-encoded to the client, no header split', async () => {
  const state = 'a\r\nSet-Cookie: evil=1\r\nX-Evil: 1';
  const r = await gh.authorize({ ...good, state }, { username: user.username, password: user.password });
  assert.ok(r.redirect, `a redirect: ${r.response.describe()}`);
  assert.equal(r.redirect.searchParams.get('state'), state, 'state as sent');
  assert.equal(r.response.header('x-evil'), undefined);
  assert.ok(!r.response.setCookies.some((c) => /evil/.test(c)), 'no injected cookie');
  assert.doesNotMatch(r.response.header('location'), /[\r\n]/);
});

test('CRLF in redirect_uri: an error page, no Location', async () => {
  const q = goodQuery().replace('rp.example%2Fcb', 'rp.example%2Fcb%0d%0aX-Evil:%201');
  assertRawPage(await rawGet(`${AUTHORIZE_PATH}?${q}`), 'CRLF redirect_uri');
});

test('CRLF in a parameter that ends in error_description: no header split', async () => {
  const r = await gh.authorize({ ...good, response_type: 'token\r\nX-Evil: 1', state: 's\r\nX-Evil: 2' }, { username: user.username, password: user.password });
  if (r.redirect) {
    assert.equal(r.redirect.searchParams.get('code'), null);
    assert.ok(r.redirect.searchParams.get('error'));
    assert.equal(r.response.header('x-evil'), undefined);
  } else {
    assertErrorPage(r.response, 'CRLF response_type');
  }
});

test('CRLF in ui_locales at authorize and logout: nothing echoed into a header', async () => {
  for (const target of [`${AUTHORIZE_PATH}?${goodQuery()}&ui_locales=fr%0d%0aX-Evil:%201`, '/auth/logout?ui_locales=en%0d%0aX-Evil:%201&state=x%0d%0aX-Evil:%202']) {
    const r = await rawGet(target);
    const res = only(r, target);
    assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), res.statusLine);
    assertNoInjection(r, target);
    for (const [k, v] of Object.entries(res.headers)) assert.ok(!v.some((x) => /evil/i.test(x)), `header ${k}: ${v}`);
  }
});

test('CRLF encoded in a cookie value: no header split', async () => {
  const r = await rawGet(`${AUTHORIZE_PATH}?${goodQuery()}`, 'Cookie: gh_session=a%0d%0aX-Evil:%201; gh_csrf=b%0d%0aSet-Cookie:%20evil=1\r\n');
  const res = only(r, 'cookie CRLF');
  assert.equal(res.status, 200, 'the login page');
  assertNoInjection(r, 'cookie CRLF');
});

test('a bare CR inside a header value: 400 envelope, closed', async () => {
  const r = await raw(`GET /healthz HTTP/1.1\r\n${HOST}X-A: a\rX-Evil: 1\r\n\r\n`);
  assertRawSeed(r, '10051', 400, 'bare CR');
  assert.ok(r.closed);
});

/* ------------------------------------------------------------ paths -- */

const PATH_TRICKS = [
  ['//healthz', 404],
  ['/./healthz', 404],
  ['/x/../healthz', 404],
  ['/oauth2/v1/%2e%2e/v1/keys', 404],
  ['/healthz/', 404],
  ['/oauth2/v1/keys;x', 404],
  ['/OAUTH2/V1/KEYS', 404],
];
for (const [target, status] of PATH_TRICKS) {
  test(`path trick ${target}: ${status} envelope, not served`, async () => {
    assertRawSeed(await rawGet(target), '10404', status, target);
  });
}

test('encoded slashes (%2f) in the path: 400 envelope, never routed', async () => {
  assertRawSeed(await rawGet('/oauth2%2fv1%2fkeys'), '10051', 400, '%2f');
  assertRawSeed(await rawGet('/oauth2/v1%2Fkeys'), '10051', 400, '%2F');
});

test('static files: traversal is never served', async () => {
  for (const target of ['/static/../../etc/passwd', '/static/%2e%2e/%2e%2e/etc/passwd', '/static/..%2f..%2fetc%2fpasswd']) {
    const res = only(await rawGet(target), target);
    assert.ok(res.status >= 400 && res.status < 500, `${target}: ${res.statusLine}`);
    assert.doesNotMatch(res.text, /root:/);
  }
});

test('absolute-form request targets: not routed to another host, 404', async () => {
  assertRawSeed(await rawGet(`http://evil.example${TOKEN_PATH}`), '10404', 404, 'absolute-form');
  assertRawSeed(await rawGet('*'), '10404', 404, 'asterisk-form');
});

/* ----------------------------------------------------------- methods -- */

test('unknown method: 405 envelope with Allow', async () => {
  const r = await raw(`BREW ${TOKEN_PATH} HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`);
  assertRawSeed(r, '10051', 405, 'BREW');
  assert.equal(r.responses[0].headers.allow?.[0], 'POST');
});

test('lower-case method: 405 envelope (methods are case-sensitive)', async () => {
  assertRawSeed(await raw(`get /oauth2/v1/keys HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`), '10051', 405, 'get');
});

test('a method the page does not take: 405 error page', async () => {
  assertRawPage(await raw(`DELETE ${AUTHORIZE_PATH} HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`), 'DELETE authorize');
});

test('TRACE is not echoed', async () => {
  const r = await raw(`TRACE /healthz HTTP/1.1\r\n${HOST}X-Secret: s3cr3t\r\nConnection: close\r\n\r\n`);
  const res = only(r, 'TRACE');
  assert.equal(res.status, 405);
  assert.doesNotMatch(res.text, /s3cr3t/);
});

/* ----------------------------------------------------- Content-Length -- */

test('Content-Length shorter than the body: the rest is not a second request', async () => {
  const r = await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}${FORM}Content-Length: 5\r\n\r\ngrant_type=client_credentials`);
  assertRawSeed({ ...r, responses: r.responses.slice(0, 1) }, '10051', 400, 'short CL');
  assert.ok(r.responses.length <= 1 || r.responses[1].status === 400, 'the tail is not served');
});

test('Content-Length longer than the body: dropped at the connection timeout, no answer', async () => {
  const r = await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}${FORM}Content-Length: 500\r\n\r\ngrant_type=x`, { timeout: (TIMEOUT_S + 3) * 1000 });
  assert.ok(r.closed, 'closed by the server');
  assert.equal(r.responses.length, 0);
  assert.ok(r.ms >= (TIMEOUT_S - 1) * 1000, `kept until the timeout (${r.ms} ms)`);
});

test('negative Content-Length: refused (400) and closed', async () => {
  const r = await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}Content-Length: -1\r\n\r\n`);
  assert.ok(r.closed);
  assert.equal(r.responses[0]?.status, 400);
});

test('non-numeric Content-Length: refused (400) and closed', async () => {
  const r = await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}Content-Length: 12abc\r\n\r\n`);
  assert.ok(r.closed);
  assert.equal(r.responses[0]?.status, 400);
});

test('a Content-Length of 10^23: 413, closed', async () => {
  const r = await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}Content-Length: 99999999999999999999999\r\n\r\n`);
  assert.ok(r.closed);
  assert.equal(r.responses[0]?.status, 413);
});

test('two conflicting Content-Length headers: 400 envelope, closed (RFC 9112 §6.3)', async () => {
  const r = await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}${FORM}Content-Length: 3\r\nContent-Length: 10\r\n\r\nabcdefghij`);
  assertRawSeed(r, '10051', 400, 'two CL');
  assert.ok(r.closed);
});

/* -------------------------------------------------- Transfer-Encoding -- */

for (const [what, chunks] of [
  ['a chunk size that is not hex', 'zz\r\nabc\r\n0\r\n\r\n'],
  ['a chunk shorter than its size', '5\r\nab\r\n0\r\n\r\n'],
  ['a chunk size without CRLF', '3abc0\r\n\r\n'],
]) {
  test(`chunked with ${what}: refused, closed`, async () => {
    assertUnparsable(await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}${FORM}Transfer-Encoding: chunked\r\n\r\n${chunks}`), what);
  });
}

test('chunked with a chunk size of 2^72: 413, closed', async () => {
  const r = await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nab\r\n0\r\n\r\n`);
  assertUnparsable(r, 'huge chunk');
  assert.equal(r.responses[0]?.status, 413);
});

test('an unknown transfer coding: 501 envelope, closed (RFC 9112 §6.1)', async () => {
  const r = await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`);
  assertRawSeed(r, '10051', 501, 'gzip, chunked');
  assert.ok(r.closed);
});

test('smuggling CL.TE: refused before the body, the smuggled request never served', async () => {
  const smuggled = `GET /oauth2/v1/keys HTTP/1.1\r\n${HOST}\r\n`;
  const r = await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}${FORM}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`);
  assertRawSeed(r, '10051', 400, 'CL.TE');
  assert.ok(r.closed);
});

test('smuggling TE.CL: refused, the smuggled request never served', async () => {
  const inner = `GET /oauth2/v1/keys HTTP/1.1\r\n${HOST}\r\n`;
  const body = `${inner.length.toString(16)}\r\n${inner}\r\n0\r\n\r\n`;
  const r = await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}${FORM}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n${body}`);
  assertRawSeed(r, '10051', 400, 'TE.CL');
});

test('smuggling with two Transfer-Encoding headers: 501, closed', async () => {
  const r = await raw(`POST ${TOKEN_PATH} HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n`);
  assertRawSeed(r, '10051', 501, 'two TE');
});

test('HTTP/1.1 without Host, or with two: 400 envelope (RFC 9112 §3.2)', async () => {
  assertRawSeed(await raw('GET /healthz HTTP/1.1\r\n\r\n'), '10051', 400, 'no Host');
  assertRawSeed(await raw(`GET /healthz HTTP/1.1\r\n${HOST}Host: evil.example\r\n\r\n`), '10051', 400, 'two Hosts');
});

test('a header name with a space: 400 envelope', async () => {
  assertRawSeed(await raw(`GET /healthz HTTP/1.1\r\n${HOST}Content Length: 5\r\n\r\n`), '10051', 400, 'space in name');
});

/* ---------------------------------------------------- HTTP versions -- */

test('HTTP/1.0 is served, and the connection closed', async () => {
  const r = await raw('GET /healthz HTTP/1.0\r\n\r\n');
  assert.equal(only(r, 'HTTP/1.0').status, 200);
  assert.ok(r.closed);
});

test('an HTTP/0.9 request: refused, closed', async () => {
  assertUnparsable(await raw('GET /healthz\r\n\r\n'), 'HTTP/0.9');
});

test('an HTTP/2 preface and HTTP/9.9: 505, closed', async () => {
  assertUnparsable(await raw('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), 'h2 preface');
  assertUnparsable(await raw(`GET /healthz HTTP/9.9\r\n${HOST}\r\n`), 'HTTP/9.9');
});

test('a TLS ClientHello on the plain port: closed', async () => {
  const hello = Buffer.from('160301020001000200030300000000000000000000000000000000000000000000000000000000000000', 'hex');
  assertUnparsable(await raw(hello), 'TLS hello');
});

/* -------------------------------------------------- forged tokens -- */

test('forged and replayed tokens at every token-accepting endpoint are refused', async () => {
  const tokens = await gh.obtainTokens(client, user);
  const forged = tamperSignature(tokens.access_token);
  const none = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${tokens.access_token.split('.')[1]}.`;
  for (const t of [forged, none, 'x'.repeat(5000), `${tokens.access_token}\u0000`]) {
    const res = await request('GET', gh.url(USERINFO_PATH), { headers: { authorization: `Bearer ${t.replace('\u0000', '%00')}` } });
    assertSeedError(res, '10075', `userinfo ${t.slice(0, 20)}`);
  }
  const basic = { id: client.id, secret: client.secret };
  const refreshed = await gh.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, { basic });
  assert.equal(refreshed.status, 200, refreshed.describe());
  assertSeedError(await gh.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, { basic }), '10051', 'replayed refresh token');
  assertSeedError(await gh.token({ grant_type: 'refresh_token', refresh_token: `${tokens.refresh_token.slice(0, -1)}A` }, { basic }), '10051', 'forged refresh token');
  const intro = await gh.introspect({ token: forged }, { basic });
  assert.equal(intro.status, 200);
  assert.equal(intro.json.active, false, 'a forged token is not active');
  assert.equal((await gh.revoke({ token: forged }, { basic })).status, 200, 'RFC 7009 §2.2: 200 for an invalid token');
  const { code } = await gh.obtainCode(client, user);
  assert.equal((await gh.token(codeGrant(client, code))).status, 200);
  assertSeedError(await gh.token(codeGrant(client, code)), '10051', 'replayed code');
});

/* ----------------------------------------------------- slow clients -- */

test('a client trickling its headers one byte per 100 ms: others are served meanwhile, it is dropped at the timeout', async () => {
  const bytes = [...`GET /healthz HTTP/1.1\r\n${HOST}X-Slow: ${'s'.repeat(200)}\r\n\r\n`];
  const slow = raw(bytes, { gapMs: 100, timeout: 60000 });
  const t0 = Date.now();
  for (let i = 0; i < 10; i++) {
    const res = await gh.get('/healthz');
    assert.equal(res.status, 200);
  }
  assert.ok(Date.now() - t0 < 2000, `others served promptly (${Date.now() - t0} ms)`);
  const r = await slow;
  assert.ok(r.closed, 'dropped');
  assert.equal(r.responses.length, 0, 'never answered');
  assert.ok(r.ms < bytes.length * 100, `dropped before it finished sending (${r.ms} ms)`);
});

test('a client that connects and never sends: closed at the connection timeout', async () => {
  const r = await raw([], { timeout: (TIMEOUT_S + 5) * 1000 });
  assert.ok(r.closed, `closed by the server (after ${r.ms} ms)`);
  assert.ok(r.ms >= (TIMEOUT_S - 1) * 1000 && r.ms <= (TIMEOUT_S + 3) * 1000, `${r.ms} ms`);
});

test('fifty silent connections do not stop the server from serving', async () => {
  const silent = Array.from({ length: 50 }, () => raw([], { timeout: (TIMEOUT_S + 5) * 1000 }));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await gh.get('/healthz')).status, 200);
  assert.equal((await gh.get('/oauth2/v1/keys')).status, 200);
  const all = await Promise.all(silent);
  assert.ok(all.every((r) => r.closed));
});
