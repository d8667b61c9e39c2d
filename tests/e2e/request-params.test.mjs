// Request objects (RFC 9101) are verified with the client's keys
// (par-jar.test.mjs has the working ones): one that does not verify (here:
// alg none, from a client without keys) gets an error page, never a redirect
// and never silently ignored (which would sign the person in under
// parameters the client did not mean). request_uri is only what the PAR
// endpoint hands out (RFC 9126): another URL is refused with
// request_uri_not_supported at the verified redirect URI, nothing fetched; an
// unknown pushed request gets a page. Discovery says so.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AUTHORIZE_PATH, CookieJar, DISCOVERY_PATH, request, setup, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse();

let client;
let user;
// an unsigned request object (alg none) asking for the same thing; its content does not matter
const REQUEST_OBJECT = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"scope":"openid email"}').toString('base64url')}.`;

setup(async () => {
  client = await gh.addClient({ id: 'rp-reqobj', secret: 'rp-reqobj-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await gh.addUser({ username: 'rita', password: 'r_ita-Pass-1234', email: 'rita@example.com', nickname: 'ri' });
});

const params = (extra = {}) => ({
  client_id: client.id,
  redirect_uri: client.redirectUri,
  response_type: 'code',
  scope: 'openid profile',
  state: 'st-req',
  ...extra,
});

function assertRedirectError(res, error, what) {
  assert.equal(res.status, 302, `${what}: ${res.describe()}`);
  const back = new URL(res.header('location'));
  assert.equal(`${back.origin}${back.pathname}`, client.redirectUri, what);
  assert.equal(back.searchParams.get('error'), error, `${what}: ${back}`);
  assert.equal(back.searchParams.get('state'), 'st-req', `${what}: state`);
  assert.equal(back.searchParams.get('iss'), gh.base, `${what}: iss`);
  assert.equal(back.searchParams.get('code'), null, `${what}: no code`);
}

test('an unverifiable request, a foreign request_uri and an unknown pushed request are refused, by GET and by POST, signed in or not', async () => {
  const signedIn = (await gh.obtainCode(client, user, { extra: {} })).jar;
  const cases = [
    [{ request: REQUEST_OBJECT }, null],
    [{ request_uri: 'https://rp.example/request.jwt' }, 'request_uri_not_supported'],
    [{ request_uri: 'urn:ietf:params:oauth:request_uri:abc' }, null],
  ];
  for (const [extra, error] of cases) {
    for (const jar of [new CookieJar(), signedIn]) {
      const what = `${Object.keys(extra)[0]} (${jar === signedIn ? 'signed in' : 'signed out'})`;
      const got = await gh.get(gh.authorizeUrl(params(extra)).slice(gh.base.length), { headers: jar.headers() });
      const posted = await request('POST', gh.url(AUTHORIZE_PATH), { headers: jar.headers(), body: new URLSearchParams(params(extra)) });
      for (const [how, res] of [['GET', got], ['POST', posted]]) {
        if (error) {
          assertRedirectError(res, error, `${how} ${what}`);
        } else {
          assert.equal(res.status, 400, `${how} ${what}: ${res.describe()}`);
          assert.equal(res.header('location'), undefined, `${how} ${what}: no redirect`);
        }
      }
    }
  }
});

test('with an unknown client or redirect URI, request is answered by an error page, never a redirect', async () => {
  for (const extra of [{ client_id: 'nobody' }, { redirect_uri: 'https://evil.example/cb' }]) {
    const res = await gh.get(gh.authorizeUrl(params({ ...extra, request: REQUEST_OBJECT })).slice(gh.base.length));
    assert.equal(res.status, 400, res.describe());
    assert.equal(res.header('location'), undefined);
  }
});

test('discovery says request objects are supported, request_uri only from the PAR endpoint', async () => {
  const d = (await gh.get(DISCOVERY_PATH)).json;
  assert.equal(d.request_parameter_supported, true);
  assert.equal(d.request_uri_parameter_supported, false);
  assert.equal(d.pushed_authorization_request_endpoint, gh.url('/oauth2/v1/par'));
});
