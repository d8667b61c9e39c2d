// The modern clients (issue 23) through main's newer paths, after the merge:
// a pushed request (RFC 9126) with a resource (RFC 8707) of a client that
// requires PAR, signed in through a federated platform (the request is stored
// while the person is at the platform, then resumed) and through a second
// factor; the code's tokens are for the resource. And the new client members
// through the admin API (RFC 7591 names, answers checked against its
// OpenAPI document): jwks, resources, require_pushed_authorization_requests,
// private_key_jwt as the method of a client with keys, which has no secret.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { generate } from 'otplib';

import { kakao, KAKAO_USER } from '../platforms/kakao.mjs';
import { allow, choose, FederatedServer, submit } from './lib/federation.mjs';
import { clientKey } from './lib/client-keys.mjs';
import { codeGrant, CookieJar, decodeJwt, setup, useServer } from './lib/harness.mjs';
import { checkAnswer } from './lib/openapi.mjs';

const stand = kakao();
before(() => stand.start());
after(() => stand.stop());

const gh = useServer(new FederatedServer({ platforms: () => ({ kakao: stand.config() }) }));

const REDIRECT = 'https://partner.example/cb';
const API = 'https://api.partner.example/';
const partner = { id: 'par-partner', secret: 'par-partner-secret-0123', redirectUri: REDIRECT };
const member = { username: 'minji', password: 'Lantern-first-pw-123', email: 'minji@example.test', nickname: 'minji' };
const answers = [];
let adminToken;

setup(async () => {
  let r = await gh.cli(['client', 'add', '--id', partner.id, '--secret', partner.secret, '--redirect-uri', REDIRECT,
    '--scope', 'openid profile email', '--resource', API, '--require-par']);
  assert.equal(r.code, 0, r.stderr);
  r = await gh.cli(['client', 'add', '--id', 'ops', '--grant', 'client_credentials', '--scope', 'gatehouse:admin']);
  assert.equal(r.code, 0, r.stderr);
  const secret = /client_secret: (\S+)/.exec(r.stdout)[1];
  const t = await gh.token({ grant_type: 'client_credentials', scope: 'gatehouse:admin' }, { basic: { id: 'ops', secret } });
  assert.equal(t.status, 200, t.describe());
  adminToken = t.json.access_token;
  await gh.addUser(member);
});

/** A pushed request of the partner for API; the authorization URL that names it. */
async function pushedUrl(extra = {}) {
  const res = await gh.postForm('/oauth2/v1/par', {
    client_id: partner.id, client_secret: partner.secret, response_type: 'code', redirect_uri: REDIRECT,
    scope: 'openid profile', state: 'st-1', nonce: 'n-1', resource: API, ...extra,
  });
  assert.equal(res.status, 201, res.text);
  return gh.authorizeUrl({ client_id: partner.id, request_uri: res.json.request_uri });
}

/** The code at the partner's redirect exchanged: the access token's claims. */
async function accessFor(redirect) {
  assert.ok(redirect, 'back at the partner');
  const code = redirect.searchParams.get('code');
  assert.ok(code, `a code: ${redirect}`);
  const t = await gh.token(codeGrant(partner, code));
  assert.equal(t.status, 200, t.text);
  return decodeJwt(t.json.access_token).payload;
}

test('PAR + resource, signed in through a federated platform: resumed as pushed, token for the resource', async () => {
  stand.user = { ...KAKAO_USER, id: 777001 };
  const out = await choose(gh, await pushedUrl(), 'kakao', { stopAt: REDIRECT });
  assert.equal(out.res.status, 200, out.res.text.slice(0, 300));
  const created = await submit(out.res, out.url, { jar: out.jar, button: 'create', fill: { nickname: 'Kakao friend' }, stopAt: REDIRECT });
  const done = created.redirect ? created : await allow(created.res, created.url, { jar: out.jar, stopAt: REDIRECT });
  assert.equal(done.redirect?.searchParams.get('error'), null, done.redirect?.href);
  const claims = await accessFor(done.redirect);
  assert.equal(claims.aud, API);
  assert.equal(claims.client_id, partner.id);
});

test('PAR + resource through the second-factor step: still pushed, token for the resource', async () => {
  const enrol = await gh.cli(['user', 'mfa', member.username, '--add-totp']);
  assert.equal(enrol.code, 0, enrol.stderr);
  const secret = new URL(enrol.stdout.trim()).searchParams.get('secret');
  const r = await gh.authorize(await pushedUrl(), {
    username: member.username, password: member.password, otp: await generate({ secret }), jar: new CookieJar(),
  });
  assert.ok(r.redirect, r.response.describe());
  assert.equal(r.redirect.searchParams.get('error'), null, r.redirect.href);
  assert.equal((await accessFor(r.redirect)).aud, API);
});

async function api(method, path, body) {
  const res = await fetch(gh.url(`/admin/v1${path}`), {
    method, headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  answers.push({ method, path: `/admin/v1${path}`, status: res.status, contentType: res.headers.get('content-type'), body: text });
  return { status: res.status, json: text ? JSON.parse(text) : null, text };
}

test('admin API: jwks, resources and require_pushed_authorization_requests; a client with keys has no secret', async () => {
  const key = await clientKey('ES256', 'k-admin');
  const created = await api('POST', '/clients', {
    client_id: 'keyed', grant_types: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
    scope: 'reports', jwks: { keys: [key.publicJwk] }, resources: [API], require_pushed_authorization_requests: true,
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.token_endpoint_auth_method, 'private_key_jwt');
  assert.equal(created.json.client_secret, undefined, 'no secret for a client with keys');
  assert.equal(created.json.jwks.keys[0].kid, 'k-admin');
  assert.deepEqual(created.json.resources, [API]);
  assert.equal(created.json.require_pushed_authorization_requests, true);
  assert.equal((await api('POST', '/clients/keyed/secret')).status, 400, 'nothing to rotate');
  const patched = await api('PATCH', '/clients/keyed', { jwks: null, jwks_uri: 'https://rp.example/jwks.json', resources: null });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.jwks_uri, 'https://rp.example/jwks.json');
  assert.equal(patched.json.jwks, undefined);
  assert.deepEqual(patched.json.resources, []);
  const refused = await api('PATCH', '/clients/keyed', { token_endpoint_auth_method: 'client_secret_basic' });
  assert.equal(refused.status, 400, refused.text);
  assert.match(refused.json.detail, /private_key_jwt/);
  const back = await api('PATCH', '/clients/keyed', { jwks_uri: null, token_endpoint_auth_method: 'client_secret_basic' });
  assert.equal(back.status, 200, back.text);
  assert.equal(typeof back.json.client_secret, 'string', 'a secret once it authenticates with one');
  const doc = await (await fetch(gh.url('/admin/v1/openapi.json'))).json();
  assert.deepEqual(answers.flatMap((a) => checkAnswer(doc, a)), []);
});
