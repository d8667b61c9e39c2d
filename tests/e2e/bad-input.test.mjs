// Hostile and malformed input from outside: broken percent escapes, NUL
// bytes, repeated parameters, oversized bodies, unknown clients and redirect
// URIs that are not registered exactly, wrong or truncated secrets, expired
// and reused codes. Nothing may issue a code or tokens, nothing may redirect
// to an unregistered place, and the server must stay healthy after each.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import {
  AUTHORIZE_PATH,
  TOKEN_PATH,
  assertErrorPage,
  assertSeedError,
  codeGrant,
  request,
  sleep,
  setup,
  useGatehouse,
} from './lib/harness.mjs';
import { postForms } from './lib/html.mjs';

const gh = useGatehouse();
const shortCodes = useGatehouse({ config: { code_ttl: 1 }, label: 'gatehouse (code_ttl 1)' });

const MAX_BODY = 64 * 1024;
let client;
let user;

setup(async () => {
  client = await gh.addClient({ id: 'rp-bad', secret: 'rp-bad-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await gh.addUser({ username: 'frank', password: 'f_rank-Pass-1234', email: 'frank@example.com', nickname: 'fr' });
});

afterEach(async () => {
  const res = await gh.get('/healthz');
  assert.equal(res.status, 200, `still healthy: ${res.describe()}`);
});

const good = {
  scope: 'openid profile',
  response_type: 'code',
  state: 'st-bad',
  redirect_uri: 'https://rp.example/cb',
  client_id: 'rp-bad',
};
const goodQuery = () => new URLSearchParams(good).toString();

/** Walks the authorization request as a signed-in-able browser; resolves to the walker's result. */
const walk = (query) => gh.authorize(`${gh.url(AUTHORIZE_PATH)}?${query}`, { username: user.username, password: user.password });

/** The request ends at an error page on the server: no redirect anywhere, no code. */
async function assertErrorPageAfterWalk(query, what) {
  const r = await walk(query);
  assert.equal(r.redirect, null, `${what}: must not redirect, went to ${r.redirect}`);
  assertErrorPage(r.response, what);
}

/** The request is refused: an error page, or an error redirect to the registered URI; never a code. */
async function assertRefused(query, what) {
  const r = await walk(query);
  if (!r.redirect) return assertErrorPage(r.response, what);
  assert.equal(r.redirect.origin + r.redirect.pathname, good.redirect_uri, `${what}: only to the registered URI`);
  assert.equal(r.redirect.searchParams.get('code'), null, `${what}: no code`);
  assert.ok(r.redirect.searchParams.get('error'), `${what}: an error parameter`);
}

test('the unmodified request does reach the client (the refusals below are about the changes)', async () => {
  const r = await walk(goodQuery());
  assert.ok(r.redirect?.searchParams.get('code'), `a code: ${r.redirect ?? r.response.describe()}`);
});

test('authorize: bad percent escapes and NUL bytes in client_id or redirect_uri give an error page', async () => {
  const cases = {
    'client_id=rp-bad%zz': 'bad escape in client_id',
    'client_id=rp-bad%': 'truncated escape in client_id',
    'client_id=rp-bad%4': 'half an escape in client_id',
    'client_id=rp-bad%00': 'NUL at the end of client_id',
    'redirect_uri=https://rp.example/cb%00.evil.example': 'NUL in redirect_uri',
    'redirect_uri=https://rp.example/cb%zz': 'bad escape in redirect_uri',
  };
  for (const [change, what] of Object.entries(cases)) {
    const name = change.slice(0, change.indexOf('='));
    const q = new URLSearchParams(good);
    q.delete(name);
    await assertErrorPageAfterWalk(`${q}&${change}`, what);
  }
});

test('authorize: bad escapes and NUL bytes in other parameters are refused', async () => {
  for (const change of ['state=a%zzb', 'state=a%00b', 'scope=openid%00profile', 'response_type=code%00']) {
    const name = change.slice(0, change.indexOf('='));
    const q = new URLSearchParams(good);
    q.delete(name);
    await assertRefused(`${q}&${change}`, change);
  }
});

test('authorize: repeated parameters are refused (RFC 6749 §3.1)', async () => {
  await assertErrorPageAfterWalk(`${goodQuery()}&client_id=rp-bad`, 'client_id twice');
  await assertErrorPageAfterWalk(`${goodQuery()}&redirect_uri=https://rp.example/cb`, 'redirect_uri twice');
  await assertRefused(`${goodQuery()}&scope=openid`, 'scope twice');
  await assertRefused(`${goodQuery()}&response_type=code`, 'response_type twice');
  await assertRefused(`${goodQuery()}&state=other`, 'state twice');
});

test('authorize: unknown client, and redirect URIs not registered exactly, give an error page', async () => {
  await assertErrorPageAfterWalk(new URLSearchParams({ ...good, client_id: 'nobody' }).toString(), 'unknown client');
  const uris = [
    'https://evil.example/cb',
    'https://rp.example/cb/more',
    'https://rp.example/cbx',
    'https://rp.example/cb?x=1',
    'https://rp.example/cb#frag',
    'http://rp.example/cb',
    'https://rp.example.evil.example/cb',
    'https://rp.example/CB',
    'https://rp.example:443/cb',
    'https://rp.example/cb/../cb',
  ];
  for (const uri of uris) {
    await assertErrorPageAfterWalk(new URLSearchParams({ ...good, redirect_uri: uri }).toString(), `redirect_uri ${uri}`);
  }
});

test('token: malformed form bodies answer 10051', async () => {
  const { code } = await gh.obtainCode(client, user);
  const body = new URLSearchParams(codeGrant(client, code));
  body.delete('code');
  const send = (raw) => gh.post(TOKEN_PATH, raw, { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertSeedError(await send(`${body}&code=${code}%zz`), '10051', 'bad escape in code');
  assertSeedError(await send(`${body}&code=${code}%`), '10051', 'truncated escape in code');
  assertSeedError(await send(`${body}&code=${code}%00`), '10051', 'NUL after the code');
});

test('token: repeated client_id or redirect_uri answer 10051', async () => {
  const { code } = await gh.obtainCode(client, user);
  const pairs = Object.entries(codeGrant(client, code));
  assertSeedError(await gh.token(new URLSearchParams([...pairs, ['client_id', client.id]])), '10051', 'client_id twice');
  const { code: code2 } = await gh.obtainCode(client, user);
  const pairs2 = Object.entries(codeGrant(client, code2));
  assertSeedError(await gh.token(new URLSearchParams([...pairs2, ['redirect_uri', client.redirectUri]])), '10051', 'redirect_uri twice');
});

/** POSTs an oversized form; a connection torn down before the answer could be read is a failure too. */
async function postOversized(url, body, headers = {}) {
  try {
    return await request('POST', url, { headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  } catch (e) {
    assert.fail(`no answer could be read for an oversized body (${e.message}): answer 413, then drain or close gracefully`);
  }
}

test('token: a body over 64 KiB answers 413, with or without Content-Length', async () => {
  const big = `grant_type=authorization_code&pad=${'a'.repeat(MAX_BODY + 1024)}`;
  assertSeedError(await postOversized(gh.url(TOKEN_PATH), big), '10051', 'Content-Length', { status: 413 });
  const chunks = Array.from({ length: 20 }, () => 'a'.repeat(4096));
  chunks.unshift('grant_type=authorization_code&pad=');
  assertSeedError(await postOversized(gh.url(TOKEN_PATH), chunks), '10051', 'chunked', { status: 413 });
});

test('login form: a body over 64 KiB answers 413', async () => {
  const page = await gh.get(`${AUTHORIZE_PATH}?${goodQuery()}`);
  const [form] = postForms(page.text);
  assert.ok(form, `the login page: ${page.describe()}`);
  const cookie = page.setCookies.map((c) => c.split(';')[0]).join('; ');
  const body = `username=${'u'.repeat(MAX_BODY + 1024)}&password=x`;
  const res = await postOversized(new URL(form.action || page.url, page.url).href, body, cookie ? { cookie } : {});
  assert.equal(res.status, 413, res.describe());
});

test('a request line of 100 KB is refused or dropped, not served', async () => {
  const res = await gh.get(`${AUTHORIZE_PATH}?${goodQuery()}&pad=${'p'.repeat(100 * 1024)}`).catch((e) => e);
  if (!(res instanceof Error)) assert.ok(res.status >= 400 && res.status < 500, res.describe());
});

test('token: wrong, empty, extended or NUL-truncated client secrets answer 10076', async () => {
  const { code } = await gh.obtainCode(client, user);
  const tries = { empty: '', prefix: client.secret.slice(0, -1), extended: `${client.secret}x`, other: 'wrong-secret' };
  for (const [what, secret] of Object.entries(tries)) {
    assertSeedError(await gh.token(codeGrant(client, code, { client_secret: secret })), '10076', `${what} secret`);
  }
  const body = new URLSearchParams(codeGrant(client, code));
  body.delete('client_secret');
  const raw = `${body}&client_secret=${client.secret}%00trailing`;
  const res = await gh.post(TOKEN_PATH, raw, { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 400, `secret%00trailing: ${res.describe()}`);
  assert.ok(['10051', '10076'].includes(res.json?.error?.code), `secret%00trailing refused: ${res.describe()}`);
});

test('token: a used code answers 10051', async () => {
  const { code } = await gh.obtainCode(client, user);
  assert.equal((await gh.token(codeGrant(client, code))).status, 200);
  assertSeedError(await gh.token(codeGrant(client, code)), '10051', 'used code');
});

test('token: an expired code answers 10051 (code_ttl = 1)', async () => {
  const c = await shortCodes.addClient({ id: 'rp-ttl', secret: 'rp-ttl-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  const u = await shortCodes.addUser({ username: 'gina', password: 'g_ina-Pass-1234', email: 'gina@example.com', nickname: 'gi' });
  const { code } = await shortCodes.obtainCode(c, u);
  await sleep(2500);
  assertSeedError(await shortCodes.token(codeGrant(c, code)), '10051', 'expired code');
  assert.equal((await shortCodes.get('/healthz')).status, 200);
});
