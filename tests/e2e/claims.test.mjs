// Issue 22 item 4, claims and scopes (docs/claims.md): a custom scope of the
// configuration releasing member attributes, groups, preferred_username,
// per-client id_token claims and pairwise subject identifiers, seen by a
// relying party through openid-client (discovery, code flow, id_token,
// userinfo) and by introspection; members' attributes and groups through the
// admin API (every answer checked against its OpenAPI document) and the CLI;
// and the refusals of bad input, each naming its field.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';

import * as oidc from 'openid-client';

import { CookieJar, Gatehouse, decodeJwt, setup, useServer } from './lib/harness.mjs';
import { checkAnswer } from './lib/openapi.mjs';

const LABELS = { en: 'Your work details', ko: '업무 정보' };

/** A server whose configuration has the custom scope work. */
class ClaimsServer extends Gatehouse {
  configText() {
    return `${super.configText() ?? ''}\n[scope.work]\nlabel_en = ${LABELS.en}\nlabel_ko = ${LABELS.ko}\nclaims = department level\n`;
  }
}

const gh = useServer(new ClaimsServer({ label: 'claims', config: { login_max_failures: 50 } }));
const answers = []; // admin API answers, for the OpenAPI check
const SECRET = 'claims-secret-0123456789';
let adminToken;
let ada;

/** One admin API call, recorded for the OpenAPI check. */
async function api(method, path, body) {
  const headers = { authorization: `Bearer ${adminToken}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(gh.url(`/admin/v1${path}`), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  answers.push({ method, path: `/admin/v1${path}`, status: res.status, contentType: res.headers.get('content-type'), body: text });
  return { status: res.status, json: text ? JSON.parse(text) : null, text };
}

function assertProblem(res, field) {
  assert.equal(res.status, 400, res.text);
  assert.equal(res.json.field, field, res.text);
  assert.match(res.json.detail, new RegExp(`^${field.replace(/\./g, '\\.')}: `), res.text);
}

/** A confidential client of the code flow (CLI), with more `client add` options. */
function addClient(id, redirect, extraArgs = []) {
  return gh.addClient({ id, secret: SECRET, redirectUris: redirect, scope: 'openid profile email groups work username', extraArgs });
}

/** openid-client through the code flow for client and scope: { tokens, claims, info, config }. */
async function signIn(client, scope, jar = new CookieJar()) {
  const config = await oidc.discovery(new URL(gh.base), client.id, { client_secret: SECRET }, oidc.ClientSecretPost(SECRET), { execute: [oidc.allowInsecureRequests] });
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: client.redirectUri, scope, state, nonce });
  const r = await gh.authorize(url.href, { username: ada.username, password: ada.password, jar });
  assert.ok(r.redirect, r.response?.describe());
  const tokens = await oidc.authorizationCodeGrant(config, r.redirect, { expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  const claims = tokens.claims();
  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  return { tokens, claims, info, config };
}

setup(async () => {
  const r = await gh.cli(['client', 'add', '--id', 'ops', '--grant', 'client_credentials', '--scope', 'gatehouse:admin']);
  assert.equal(r.code, 0, r.stderr);
  const secret = /client_secret: (\S+)/.exec(r.stdout)[1];
  adminToken = (await gh.token({ grant_type: 'client_credentials', scope: 'gatehouse:admin' }, { basic: { id: 'ops', secret } })).json.access_token;
  ada = await gh.addUser({ username: 'ada', password: 'Lantern-first-pw-123', email: 'ada@example.test', nickname: 'ada' });
});

test('discovery lists the custom scope, its claims, groups and pairwise', async () => {
  const d = (await gh.get('/.well-known/openid-configuration')).json;
  assert.deepEqual(d.scopes_supported, ['openid', 'profile', 'email', 'groups', 'username', 'work']);
  for (const c of ['preferred_username', 'email_verified', 'groups', 'department', 'level']) assert.ok(d.claims_supported.includes(c), c);
  assert.deepEqual(d.subject_types_supported, ['public', 'pairwise']);
});

test('the admin API keeps attributes (RFC 7396 merge) and groups of a member', async () => {
  let res = await api('PATCH', `/users/${ada.sub}`, { attributes: { department: 'Sales', level: 3, tags: ['a', 1] }, groups: ['staff', 'admins', 'staff'] });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.attributes, { department: 'Sales', level: 3, tags: ['a', 1] });
  assert.deepEqual(res.json.groups, ['staff', 'admins']);
  res = await api('PATCH', `/users/${ada.sub}`, { attributes: { tags: null, level: 4 } });
  assert.deepEqual(res.json.attributes, { department: 'Sales', level: 4 });
  assert.deepEqual(res.json.groups, ['staff', 'admins'], 'groups left as they were');
  res = await api('GET', '/groups');
  assert.deepEqual(res.json.items, [{ name: 'staff', members: 1 }, { name: 'admins', members: 1 }]);
  const created = await api('POST', '/users', { username: 'bea', password: 'Lantern-first-pw-123', groups: ['staff'], attributes: { department: 'Ops' } });
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(created.json.groups, ['staff']);
  assert.equal((await api('GET', '/groups')).json.items[0].members, 2);
});

test('bad attributes, groups and client claim fields are refused, naming the field, and change nothing', async () => {
  const before = (await api('GET', `/users/${ada.sub}`)).json;
  assertProblem(await api('PATCH', `/users/${ada.sub}`, { attributes: { sub: 'forged' } }), 'attributes.sub');
  assertProblem(await api('PATCH', `/users/${ada.sub}`, { attributes: { email: 'x@y' } }), 'attributes.email');
  assertProblem(await api('PATCH', `/users/${ada.sub}`, { attributes: { nested: { a: 1 } } }), 'attributes.nested');
  assertProblem(await api('PATCH', `/users/${ada.sub}`, { attributes: { 'bad key': 1 } }), 'attributes.bad key');
  assertProblem(await api('PATCH', `/users/${ada.sub}`, { attributes: { long: 'x'.repeat(1025) } }), 'attributes.long');
  assertProblem(await api('PATCH', `/users/${ada.sub}`, { attributes: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) }), 'attributes');
  assertProblem(await api('PATCH', `/users/${ada.sub}`, { attributes: [1] }), 'attributes');
  assertProblem(await api('PATCH', `/users/${ada.sub}`, { groups: ['has space'] }), 'groups');
  assertProblem(await api('PATCH', `/users/${ada.sub}`, { groups: 'staff' }), 'groups');
  assert.deepEqual((await api('GET', `/users/${ada.sub}`)).json, before);
  const base = { client_id: 'bad-rp', redirect_uris: ['https://a.example/cb'] };
  assertProblem(await api('POST', '/clients', { ...base, id_token_claims: ['sub'] }), 'id_token_claims');
  assertProblem(await api('POST', '/clients', { ...base, id_token_claims: ['no way'] }), 'id_token_claims');
  assertProblem(await api('POST', '/clients', { ...base, subject_type: 'secret' }), 'subject_type');
  assertProblem(await api('POST', '/clients', { ...base, subject_type: 'pairwise', redirect_uris: ['https://a.example/cb', 'https://b.example/cb'] }), 'redirect_uris');
  assert.equal((await api('GET', '/clients/bad-rp')).status, 404);
});

test('the CLI sets and removes attributes and groups, with the API\'s checks', async () => {
  let r = await gh.cli(['user', 'update', 'ada', '--attribute', 'level=5', '--attribute', 'site=Seoul', '--group', 'ops', '--remove-group', 'admins']);
  assert.equal(r.code, 0, r.stderr);
  r = await gh.cli(['group', 'add', 'readers', 'ada', 'bea']);
  assert.equal(r.code, 0, r.stderr);
  r = await gh.cli(['user', 'update', 'ada', '--remove-attribute', 'site']);
  assert.equal(r.code, 0, r.stderr);
  const u = (await api('GET', `/users/${ada.sub}`)).json;
  assert.deepEqual(u.attributes, { department: 'Sales', level: 5 });
  assert.deepEqual(u.groups, ['staff', 'ops', 'readers']);
  r = await gh.cli(['group', 'list']);
  assert.match(r.stdout, /^readers\t2$/m);
  r = await gh.cli(['user', 'update', 'ada', '--attribute', 'iss=x']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /attributes\.iss: /);
  r = await gh.cli(['client', 'add', '--id', 'mixed', '--redirect-uri', 'https://a.example/cb', '--redirect-uri', 'https://b.example/cb', '--subject-type', 'pairwise']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /redirect_uris: .*one host/);
});

test('userinfo and the id_token carry the custom scope\'s claims, groups and preferred_username', async () => {
  const rp = await addClient('rp-claims', 'https://rp.example/cb', ['--id-token-claim', 'department', '--id-token-claim', 'groups', '--id-token-claim', 'preferred_username', '--id-token-claim', 'email']);
  const { claims, info } = await signIn(rp, 'openid profile groups work username');
  assert.deepEqual(info, { sub: ada.sub, nickname: 'ada', email: 'ada@example.test', preferred_username: 'ada', groups: ['staff', 'ops', 'readers'], department: 'Sales', level: 5 });
  assert.equal(claims.department, 'Sales');
  assert.deepEqual(claims.groups, ['staff', 'ops', 'readers']);
  assert.equal(claims.preferred_username, 'ada');
  assert.equal(claims.email, 'ada@example.test');
  assert.equal(claims.level, undefined, 'not among the client\'s id_token_claims');
  assert.equal(claims.nickname, undefined, 'not among the client\'s id_token_claims');
  // seed 004's answer for openid profile stays exactly {sub, nickname, email}:
  // preferred_username has the scope username (docs/claims.md)
  const profile = await signIn(rp, 'openid profile');
  assert.deepEqual(profile.info, { sub: ada.sub, nickname: 'ada', email: 'ada@example.test' });
  // only what the granted scopes release
  const narrow = await signIn(rp, 'openid');
  assert.deepEqual(narrow.info, { sub: ada.sub });
  for (const c of ['department', 'groups', 'preferred_username', 'email']) assert.equal(narrow.claims[c], undefined, c);
  const client = (await api('GET', '/clients/rp-claims')).json;
  assert.deepEqual(client.id_token_claims, ['department', 'groups', 'preferred_username', 'email']);
  assert.equal(client.subject_type, 'public');
});

test('pairwise subs: one per sector, stable, and the same at the id_token, userinfo and introspection', async () => {
  const a1 = await addClient('pw-a1', 'https://a.example/cb', ['--subject-type', 'pairwise']);
  const a2 = await addClient('pw-a2', ['https://a.example/other', 'https://A.example:8443/cb'], ['--subject-type', 'pairwise']);
  const b = await addClient('pw-b', 'https://b.example/cb', ['--subject-type', 'pairwise']);
  const pub = await addClient('pw-public', 'https://a.example/public');
  const seen = {};
  for (const c of [a1, a2, b, pub]) {
    const { claims, info, tokens } = await signIn(c, 'openid profile');
    assert.equal(info.sub, claims.sub, `${c.id}: userinfo and id_token agree`);
    // RFC 9068 §6: the access token, which the client can read too, carries
    // the same sub; the member's own is sealed in it, for this server alone
    const at = decodeJwt(tokens.access_token).payload;
    assert.equal(at.sub, claims.sub, `${c.id}: the access token carries the sub the client sees`);
    if (c === pub) assert.equal(at.gh_member, undefined, 'a public client\'s token seals nothing');
    else {
      assert.ok(!tokens.access_token.includes(ada.sub) && !JSON.stringify(at).includes(ada.sub), `${c.id}: the member's own sub is nowhere in its access token`);
      assert.match(at.gh_member, /^v1\.[A-Za-z0-9_-]+$/);
    }
    const intro = await gh.introspect({ token: tokens.access_token }, { basic: { id: c.id, secret: SECRET } });
    assert.equal(intro.json.sub, claims.sub, `${c.id}: introspection agrees`);
    assert.equal(intro.json.gh_member, undefined, 'introspection answers no sealed member');
    const refresh = await gh.introspect({ token: tokens.refresh_token }, { basic: { id: c.id, secret: SECRET } });
    assert.equal(refresh.json.sub, claims.sub, `${c.id}: refresh token introspection agrees`);
    seen[c.id] = claims.sub;
  }
  assert.equal(seen['pw-public'], ada.sub);
  assert.match(seen['pw-a1'], /^[0-9a-f]{64}$/);
  assert.equal(seen['pw-a1'], seen['pw-a2'], 'one sector, one sub');
  assert.notEqual(seen['pw-a1'], seen['pw-b'], 'another sector, another sub');
  assert.notEqual(seen['pw-a1'], ada.sub);
  const again = await signIn(a1, 'openid');
  assert.equal(again.claims.sub, seen['pw-a1'], 'stable across sign-ins');
  const first = await signIn(a1, 'openid');
  assert.notEqual(decodeJwt(again.tokens.access_token).payload.gh_member, decodeJwt(first.tokens.access_token).payload.gh_member, 'no two tokens carry the same sealed text');
  assert.equal((await gh.userinfo(again.tokens.access_token)).json.sub, seen['pw-a1']);
  const refreshed = await oidc.refreshTokenGrant(again.config, again.tokens.refresh_token);
  assert.equal(decodeJwt(refreshed.access_token).payload.sub, seen['pw-a1'], 'a refreshed access token too');
  assert.ok(!refreshed.access_token.includes(ada.sub));
  assert.equal((await gh.userinfo(refreshed.access_token)).json.sub, seen['pw-a1']);
  // the API's view of the client, and a PATCH spreading it over two hosts refused
  assert.equal((await api('GET', '/clients/pw-a1')).json.subject_type, 'pairwise');
  assertProblem(await api('PATCH', '/clients/pw-a1', { redirect_uris: ['https://a.example/cb', 'https://c.example/cb'] }), 'redirect_uris');
});

/** A back-channel logout receiver on loopback: resolves each posted logout_token. */
const received = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    received.push(new URLSearchParams(body).get('logout_token'));
    res.writeHead(200).end();
  });
});
after(() => new Promise((resolve) => receiver.close(resolve)));

test('a pairwise id_token_hint signs out without asking, and the logout token carries the pairwise sub', async () => {
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const bc = `http://127.0.0.1:${receiver.address().port}/bc`;
  const c = await gh.addClient({ id: 'pw-logout', secret: SECRET, redirectUris: 'https://a.example/cb', postLogoutRedirectUris: 'https://a.example/bye', extraArgs: ['--subject-type', 'pairwise', '--backchannel-logout-uri', bc] });
  const jar = new CookieJar();
  const { tokens } = await signIn(c, 'openid', jar);
  assert.notEqual(decodeJwt(tokens.id_token).payload.sub, ada.sub);
  const res = await gh.get(`/auth/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://a.example/bye' })}`, { headers: jar.headers() });
  assert.equal(res.status, 302, res.describe());
  assert.equal(res.header('location'), 'https://a.example/bye');
  for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(received.length, 1, 'one logout token delivered');
  assert.equal(decodeJwt(received[0]).payload.sub, decodeJwt(tokens.id_token).payload.sub);
});

test('every admin answer above is what the OpenAPI document says', async () => {
  const doc = await (await fetch(gh.url('/admin/v1/openapi.json'))).json();
  assert.ok(answers.length > 20, `checked ${answers.length} answers`);
  assert.deepEqual(answers.flatMap((a) => checkAnswer(doc, a)), []);
});

test('userinfo reads the token\'s client with its member: a removed client\'s token gets invalid_token, not the public sub', async () => {
  const c = await addClient('pw-gone', 'https://gone.example/cb', ['--subject-type', 'pairwise']);
  const { tokens, claims } = await signIn(c, 'openid');
  assert.notEqual(claims.sub, ada.sub);
  const r = await gh.cli(['client', 'remove', c.id]);
  assert.equal(r.code, 0, r.stderr);
  const res = await gh.userinfo(tokens.access_token);
  assert.equal(res.status, 400, res.describe()); // the seed's format: 10075, invalid token
  assert.equal(res.json.error.code, '10075', res.describe());
  assert.ok(!res.text.includes(ada.sub), 'the public sub is never answered');
});
