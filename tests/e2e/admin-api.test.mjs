// Issue 22 items 1, 2 and 5: the admin API under /admin/v1/ with plain
// fetch. Authentication (401 without a valid token, 403 without the scope
// gatehouse:admin, nothing changed), clients (paging, 201 + Location + a
// secret shown once, 409, PATCH refusing a client left unusable, secret
// rotation), members (search, disable/enable, password, sessions, grants),
// keys, audit events with filters and paging, bad input as RFC 9457 problem
// details naming the field; and every answer the server gave in this file
// checked against GET /admin/v1/openapi.json (status and body schema).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { generate } from 'otplib';

import { basicAuth, codeGrant, refreshGrant, setup, useGatehouse } from './lib/harness.mjs';
import { checkAnswer } from './lib/openapi.mjs';

const gh = useGatehouse({ label: 'admin-api' });
const REDIRECT = 'https://rp.example/cb';
const answers = []; // every admin API answer, for the OpenAPI check
let adminToken, plainToken, web;
const ada = { username: 'ada', password: 'Lantern-first-pw-123', email: 'ada@example.test', nickname: 'ada' };

async function clientToken(id, secret, scope) {
  const res = await gh.token({ grant_type: 'client_credentials', scope }, { basic: { id, secret } });
  assert.equal(res.status, 200, res.describe());
  return res.json.access_token;
}

setup(async () => {
  const r = await gh.cli(['client', 'add', '--id', 'ops', '--grant', 'client_credentials', '--scope', 'gatehouse:admin openid']);
  assert.equal(r.code, 0, r.stderr);
  const secret = /client_secret: (\S+)/.exec(r.stdout)[1];
  adminToken = await clientToken('ops', secret, 'gatehouse:admin');
  await gh.addClient({ id: 'svc', secret: 'svc-secret-0123456789', redirectUris: [], scope: 'reports', grants: ['client_credentials'] });
  plainToken = await clientToken('svc', 'svc-secret-0123456789', 'reports');
  web = await gh.addClient({ id: 'web', secret: 'web-secret-0123456789', redirectUris: REDIRECT });
  ada.sub = (await gh.addUser(ada)).sub;
});

/** One admin API call with fetch: { status, headers, json, text }; recorded for the OpenAPI check. */
async function api(method, path, { body, token = adminToken, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined && !raw) h['content-type'] ??= 'application/json';
  const res = await fetch(gh.url(`/admin/v1${path}`), { method, headers: h, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  const out = { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : null };
  answers.push({ method, path: `/admin/v1${path}`, status: res.status, contentType: res.headers.get('content-type'), body: text });
  return out;
}

/** A 4xx problem details answer naming field (when given). */
function assertProblem(res, status, field) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.equal(res.json.status, status);
  assert.equal(typeof res.json.title, 'string');
  if (field) {
    assert.equal(res.json.field, field, res.text);
    assert.equal(res.json.errors[0].field, field);
    assert.match(res.json.detail, new RegExp(field));
  }
}

test('401 without a valid token, 403 without the scope; nothing is changed', async () => {
  const none = await api('GET', '/clients', { token: null });
  assertProblem(none, 401);
  assert.match(none.headers.get('www-authenticate'), /^Bearer /);
  const forged = await api('GET', '/clients', { token: `${adminToken.slice(0, -4)}AAAA` });
  assertProblem(forged, 401);
  assert.match(forged.headers.get('www-authenticate'), /invalid_token/);
  const denied = await api('POST', '/clients', { token: plainToken, body: { client_id: 'sneaky', grant_types: ['client_credentials'] } });
  assertProblem(denied, 403);
  assert.match(denied.headers.get('www-authenticate'), /insufficient_scope/);
  assertProblem(await api('GET', '/clients/sneaky'), 404);
});

test("a member's token with the scope does not make the member an administrator", async () => {
  const rp = await gh.addClient({ id: 'loose', secret: 'loose-secret-0123456789', redirectUris: REDIRECT, scope: 'openid gatehouse:admin' });
  const tokens = await gh.obtainTokens(rp, ada, { scope: 'openid gatehouse:admin' });
  assert.match(tokens.scope, /gatehouse:admin/);
  assertProblem(await api('GET', '/users', { token: tokens.access_token }), 403);
  assert.equal((await api('DELETE', `/clients/loose`)).status, 204);
});

test('a revoked admin token is refused', async () => {
  const r = await gh.cli(['client', 'add', '--id', 'ops2', '--grant', 'client_credentials', '--scope', 'gatehouse:admin']);
  const secret = /client_secret: (\S+)/.exec(r.stdout)[1];
  const token = await clientToken('ops2', secret, 'gatehouse:admin');
  assert.equal((await api('GET', '/keys', { token })).status, 200);
  const rv = await gh.revoke({ token }, { basic: { id: 'ops2', secret } });
  assert.equal(rv.status, 200, rv.describe());
  assertProblem(await api('GET', '/keys', { token }), 401);
});

test('clients: create (201, Location, secret once), read, list with paging, 409', async () => {
  const created = await api('POST', '/clients', {
    body: { client_id: 'rp1', client_name: 'RP one', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], scope: 'openid reports' },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.headers.get('location'), '/admin/v1/clients/rp1');
  assert.match(created.json.client_secret, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(created.json.token_endpoint_auth_method, 'client_secret_basic');
  assert.equal((await clientToken('rp1', created.json.client_secret, 'reports')).split('.').length, 3);
  const read = await api('GET', '/clients/rp1');
  assert.equal(read.status, 200);
  assert.equal(read.json.client_secret, undefined, 'the secret is shown once');
  assert.deepEqual(read.json.redirect_uris, [REDIRECT]);
  assertProblem(await api('POST', '/clients', { body: { client_id: 'rp1', redirect_uris: [REDIRECT] } }), 409);
  const pub = await api('POST', '/clients', { body: { client_id: 'spa', redirect_uris: ['http://127.0.0.1:3000/cb'], token_endpoint_auth_method: 'none' } });
  assert.equal(pub.status, 201, pub.text);
  assert.equal(pub.json.client_secret, undefined);

  const seen = [];
  let cursor = null;
  for (let i = 0; i < 20; i++) {
    const page = await api('GET', `/clients?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(page.status, 200, page.text);
    assert.ok(page.json.items.length <= 2);
    seen.push(...page.json.items.map((c) => c.client_id));
    cursor = page.json.next_cursor;
    if (!cursor) break;
  }
  assert.deepEqual(seen, [...seen].sort(), 'pages in client_id order');
  for (const id of ['ops', 'ops2', 'rp1', 'spa', 'svc', 'web']) assert.ok(seen.includes(id), `${id} listed`);
  assert.equal(new Set(seen).size, seen.length, 'no client twice');
});

test('clients: PATCH merges, refuses a client left unusable, changes nothing then', async () => {
  const ok = await api('PATCH', '/clients/rp1', { body: { scope: 'openid', client_name: null } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.scope, 'openid');
  assert.equal(ok.json.client_name, undefined);
  const unusable = await api('PATCH', '/clients/rp1', { body: { redirect_uris: [], scope: 'openid email' } });
  assertProblem(unusable, 400, 'redirect_uris');
  const after = await api('GET', '/clients/rp1');
  assert.deepEqual(after.json.redirect_uris, [REDIRECT]);
  assert.equal(after.json.scope, 'openid', 'nothing half-changed');
  assertProblem(await api('PATCH', '/clients/rp1', { body: { client_id: 'other' } }), 400, 'client_id');
  assertProblem(await api('PATCH', '/clients/rp1', { body: { client_secret: 'abcdefgh12' } }), 400, 'client_secret');
  assertProblem(await api('PATCH', '/clients/nobody', { body: { scope: 'openid' } }), 404);
});

test('clients: secret rotation ends the old secret; DELETE', async () => {
  const old = (await api('POST', '/clients', { body: { client_id: 'rot', grant_types: ['client_credentials'], scope: 'reports' } })).json.client_secret;
  const rotated = await api('POST', '/clients/rot/secret');
  assert.equal(rotated.status, 200, rotated.text);
  assert.notEqual(rotated.json.client_secret, old);
  const refused = await gh.token({ grant_type: 'client_credentials' }, { basic: { id: 'rot', secret: old } });
  assert.notEqual(refused.status, 200);
  await clientToken('rot', rotated.json.client_secret, 'reports');
  assertProblem(await api('POST', '/clients/spa/secret'), 400, 'token_endpoint_auth_method');
  const del = await api('DELETE', '/clients/rot');
  assert.equal(del.status, 204);
  assertProblem(await api('GET', '/clients/rot'), 404);
  assertProblem(await api('DELETE', '/clients/rot'), 404);
});

test('bad input: unknown fields, wrong types, refused URIs, a page size of a million, malformed bodies', async () => {
  assertProblem(await api('POST', '/clients', { body: { client_id: 'x1', redirect_uris: [REDIRECT], colour: 'red' } }), 400, 'colour');
  assertProblem(await api('POST', '/clients', { body: { client_id: 'x1', redirect_uris: REDIRECT } }), 400, 'redirect_uris');
  assertProblem(await api('POST', '/clients', { body: { client_id: 42 } }), 400, 'client_id');
  assertProblem(await api('POST', '/clients', { body: { client_id: 'x1', redirect_uris: ['http://rp.example/cb'] } }), 400, 'redirect_uris');
  assertProblem(await api('POST', '/clients', { body: { client_id: 'x1', redirect_uris: [`${REDIRECT}#frag`] } }), 400, 'redirect_uris');
  assertProblem(await api('POST', '/clients', { body: { client_id: 'x1', grant_types: ['password'] } }), 400, 'grant_types');
  assertProblem(await api('POST', '/clients', { body: { client_id: 'x1', token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] } }), 400, 'grant_types');
  assertProblem(await api('POST', '/clients', { body: { client_id: 'bad id', grant_types: ['client_credentials'] } }), 400, 'client_id');
  assertProblem(await api('GET', '/clients?limit=1000000'), 400, 'limit');
  assertProblem(await api('GET', '/clients?limit=0'), 400, 'limit');
  assertProblem(await api('GET', '/clients?colour=red'), 400, 'colour');
  assertProblem(await api('GET', '/clients?limit=1&limit=2'), 400); // refused before the handler, still a problem
  assertProblem(await api('POST', '/clients', { raw: `{"client_id":"${'x'.repeat(70000)}"}`, headers: { 'content-type': 'application/json' } }), 413);
  assertProblem(await api('POST', '/clients', { raw: '{"client_id":', headers: { 'content-type': 'application/json' } }), 400);
  assertProblem(await api('POST', '/clients', { raw: '["x"]', headers: { 'content-type': 'application/json' } }), 400);
  assertProblem(await api('POST', '/clients', { raw: '{"client_id":"a","client_id":"b"}', headers: { 'content-type': 'application/json' } }), 400);
  assertProblem(await api('POST', '/clients', { raw: 'client_id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
  assertProblem(await api('POST', '/users', { body: { username: 'zed', password: 'short' } }), 400, 'password');
  assertProblem(await api('POST', '/users', { body: { username: 'zed', password: 'long-enough-1', email: ['a@b'] } }), 400, 'email');
  const put = await api('PUT', '/clients');
  assertProblem(put, 405);
  assert.match(put.headers.get('allow'), /GET/);
  assertProblem(await api('GET', '/nothing-here'), 404);
  const listed = (await api('GET', '/clients?limit=200')).json.items.map((c) => c.client_id);
  assert.ok(!listed.some((id) => id === 'x1' || id === 'bad id'), 'nothing was created');
});

test('users: create, 409, search, PATCH, password', async () => {
  const created = await api('POST', '/users', { body: { username: 'bob', password: 'Harbor-first-pw-123', email: 'Bob@Example.test', name: 'Bob Builder' } });
  assert.equal(created.status, 201, created.text);
  const bob = created.json;
  assert.equal(created.headers.get('location'), `/admin/v1/users/${bob.sub}`);
  assert.equal(bob.disabled, false);
  assert.equal(bob.password, undefined);
  assertProblem(await api('POST', '/users', { body: { username: 'bob', password: 'Harbor-other-pw-123' } }), 409, 'username');
  const found = await api('GET', '/users?q=builder');
  assert.deepEqual(found.json.items.map((u) => u.username), ['bob']);
  assert.deepEqual((await api('GET', '/users?q=EXAMPLE.TEST')).json.items.map((u) => u.username), ['ada', 'bob']);
  assert.deepEqual((await api('GET', '/users?q=%25')).json.items, [], 'a % is a literal');
  const patched = await api('PATCH', `/users/${bob.sub}`, { body: { nickname: 'bobby', name: null } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.nickname, 'bobby');
  assert.equal(patched.json.name, undefined);
  assertProblem(await api('PATCH', `/users/${bob.sub}`, { body: { username: 'ada' } }), 409, 'username');
  assertProblem(await api('PATCH', `/users/${bob.sub}`, { body: { password: 'x' } }), 400, 'password');
  const pw = await api('POST', `/users/${bob.sub}/password`, { body: { password: 'Harbor-second-pw-123' } });
  assert.equal(pw.status, 204, pw.text);
  await gh.obtainTokens(web, { username: 'bob', password: 'Harbor-second-pw-123' });
  /* second factors: an authenticator enrolled at the command line, reset here */
  const added = await gh.cli(['user', 'mfa', 'bob', '--add-totp']);
  assert.equal(added.code, 0, added.stderr);
  assert.match((await gh.cli(['user', 'mfa', 'bob'])).stdout, /^totp\tconfirmed/m);
  const secret = new URL(added.stdout.trim()).searchParams.get('secret');
  const withFactor = await gh.obtainTokens(web, { username: 'bob', password: 'Harbor-second-pw-123' }, { otp: await generate({ secret }) });
  assert.equal((await api('DELETE', `/users/${bob.sub}/mfa`)).status, 204);
  assert.doesNotMatch((await gh.cli(['user', 'mfa', 'bob'])).stdout, /^totp/m);
  assert.equal((await gh.token(refreshGrant(web, withFactor.refresh_token))).status, 400, "the member's grants ended");
  assertProblem(await api('DELETE', `/users/nobody-such/mfa`), 404);
  assert.equal((await api('DELETE', `/users/${bob.sub}`)).status, 204);
  assertProblem(await api('GET', `/users/${bob.sub}`), 404);
});

test('users: disable ends sessions and grants and refuses sign-in; enable lets the member in again', async () => {
  const tokens = await gh.obtainTokens(web, ada);
  const sessions = await api('GET', `/users/${ada.sub}/sessions`);
  assert.equal(sessions.status, 200);
  assert.ok(sessions.json.items.length >= 1);
  const grants = await api('GET', `/users/${ada.sub}/grants`);
  assert.deepEqual(grants.json.items.map((g) => g.client_id), ['web']);
  assert.ok(grants.json.items[0].refresh_families >= 1);
  const disabled = await api('POST', `/users/${ada.sub}/disable`);
  assert.equal(disabled.status, 200, disabled.text);
  assert.equal(disabled.json.disabled, true);
  assert.deepEqual((await api('GET', `/users/${ada.sub}/sessions`)).json.items, []);
  assert.notEqual((await gh.token(refreshGrant(web, tokens.refresh_token))).status, 200, 'the refresh token is revoked');
  assert.notEqual((await gh.userinfo(tokens.access_token)).status, 200, 'the access token is revoked');
  const r = await gh.authorize({ client_id: web.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' }, { username: ada.username, password: ada.password });
  assert.ok(!r.redirect?.searchParams.get('code'), 'a disabled member cannot sign in');
  const enabled = await api('POST', `/users/${ada.sub}/enable`);
  assert.equal(enabled.json.disabled, false);
  await gh.obtainTokens(web, ada);
});

test("a member's sessions and grants: revoke one, revoke all", async () => {
  const tokens = await gh.obtainTokens(web, ada);
  const list = (await api('GET', `/users/${ada.sub}/sessions`)).json.items;
  assert.ok(list.length >= 1);
  assert.equal((await api('DELETE', `/users/${ada.sub}/sessions/${list[0].id}`)).status, 204);
  assertProblem(await api('DELETE', `/users/${ada.sub}/sessions/${list[0].id}`), 404);
  assert.equal((await api('DELETE', `/users/${ada.sub}/sessions`)).status, 204);
  assert.deepEqual((await api('GET', `/users/${ada.sub}/sessions`)).json.items, []);
  assertProblem(await api('DELETE', `/users/${ada.sub}/grants/rp1`), 404);
  assert.equal((await api('DELETE', `/users/${ada.sub}/grants/web`)).status, 204);
  assert.deepEqual((await api('GET', `/users/${ada.sub}/grants`)).json.items, []);
  assert.notEqual((await gh.token(refreshGrant(web, tokens.refresh_token))).status, 200);
  assert.notEqual((await gh.userinfo(tokens.access_token)).status, 200);
  assertProblem(await api('GET', '/users/nobody/grants'), 404);
});

test('keys: list and rotate', async () => {
  const before = await api('GET', '/keys');
  assert.equal(before.status, 200);
  assert.ok(before.json.items.some((k) => k.state === 'signing'));
  assert.ok(before.json.items.every((k) => !('private_jwk' in k) && !('d' in k)));
  assertProblem(await api('POST', '/keys/rotate', { body: { activate_in: -1 } }), 400, 'activate_in');
  const rotated = await api('POST', '/keys/rotate', { body: { activate_in: 600 } });
  assert.equal(rotated.status, 200, rotated.text);
  const now = (await api('GET', '/keys')).json.items;
  for (const kid of rotated.json.kids) assert.equal(now.find((k) => k.kid === kid)?.state, 'next');
});

test('events: every admin action and security event, filtered and paged', async () => {
  const wrong = await gh.authorize({ client_id: web.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' }, { username: 'ada', password: 'not-her-password' });
  assert.ok(!wrong.redirect);
  const code = await gh.obtainCode(web, ada, { scope: 'openid profile email' });
  const first = await gh.token(codeGrant(web, code.code));
  const rotated = await gh.token(refreshGrant(web, first.json.refresh_token));
  assert.equal(rotated.status, 200);
  assert.notEqual((await gh.token(refreshGrant(web, first.json.refresh_token))).status, 200, 'reuse');

  const all = (await api('GET', '/events?limit=200')).json.items;
  const actions = new Set(all.map((e) => e.action));
  for (const a of ['client.create', 'client.update', 'client.secret_rotate', 'client.delete', 'user.create', 'user.update', 'user.password',
    'user.disable', 'user.enable', 'user.delete', 'session.revoke', 'consent.revoke', 'keys.rotate', 'signin.ok', 'signin.failure',
    'consent.give', 'token.refresh_reuse']) {
    assert.ok(actions.has(a), `an event ${a}: have ${[...actions].join(', ')}`);
  }
  const failure = all.find((e) => e.action === 'signin.failure' && e.target === 'ada');
  assert.equal(failure.ip, '127.0.0.1');
  const created = await api('GET', '/events?action=client.create');
  assert.ok(created.json.items.length >= 3 && created.json.items.every((e) => e.action === 'client.create'));
  const actor = (id) => created.json.items.find((e) => e.target === id)?.actor;
  assert.equal(actor('rp1'), 'ops', 'the admin client is the actor');
  assert.equal(actor('web'), 'cli', 'the CLI is the actor');
  const targeted = await api('GET', `/events?target=${ada.sub}&action=user.disable`);
  assert.equal(targeted.json.items.length, 1);
  assert.deepEqual((await api('GET', '/events?since=4102444800')).json.items, [], 'nothing after 2100');
  assert.deepEqual((await api('GET', '/events?until=1')).json.items, []);
  assertProblem(await api('GET', '/events?since=yesterday'), 400, 'since');
  assertProblem(await api('GET', '/events?cursor=abc'), 400, 'cursor');
  const ids = [];
  let cursor = null;
  for (let i = 0; i < 200; i++) {
    const page = await api('GET', `/events?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...page.json.items.map((e) => e.id));
    cursor = page.json.next_cursor;
    if (!cursor) break;
  }
  assert.ok(ids.length >= all.length);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first, no repeats');
  assert.equal(new Set(ids).size, ids.length);
});

test('the CLI writes events too, as actor cli', async () => {
  const r = await gh.cli(['user', 'disable', 'ada']);
  assert.equal(r.code, 0, r.stderr);
  const ev = (await api('GET', `/events?action=user.disable&actor=cli`)).json.items;
  assert.equal(ev[0].target, ada.sub);
  assert.equal((await gh.cli(['user', 'enable', 'ada'])).code, 0);
});

test('every answer above is what GET /admin/v1/openapi.json documents', async () => {
  const res = await fetch(gh.url('/admin/v1/openapi.json'));
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.equal(doc.openapi, '3.1.0');
  const errors = answers.flatMap((a) => checkAnswer(doc, a));
  assert.ok(answers.length > 50, `checked ${answers.length} answers`);
  assert.deepEqual(errors, []);
});
