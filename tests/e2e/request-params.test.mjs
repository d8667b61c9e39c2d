// Request objects (OpenID Connect Core §6) are not supported: an authorization
// request carrying `request` or `request_uri` is refused with
// request_not_supported / request_uri_not_supported, sent back to the
// client's redirect URI once the client and the redirect URI are verified
// (never silently ignored, which would sign the person in under parameters
// the client did not mean). Before that, an error page, as for every
// authorization error. Discovery says both are unsupported.

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

test('request and request_uri are refused at the redirect URI, by GET and by POST, signed in or not', async () => {
  const signedIn = (await gh.obtainCode(client, user, { extra: {} })).jar;
  const cases = [
    [{ request: REQUEST_OBJECT }, 'request_not_supported'],
    [{ request_uri: 'https://rp.example/request.jwt' }, 'request_uri_not_supported'],
    [{ request_uri: 'urn:ietf:params:oauth:request_uri:abc' }, 'request_uri_not_supported'],
  ];
  for (const [extra, error] of cases) {
    for (const jar of [new CookieJar(), signedIn]) {
      const what = `${Object.keys(extra)[0]} (${jar === signedIn ? 'signed in' : 'signed out'})`;
      assertRedirectError(await gh.get(gh.authorizeUrl(params(extra)).slice(gh.base.length), { headers: jar.headers() }), error, `GET ${what}`);
      const posted = await request('POST', gh.url(AUTHORIZE_PATH), { headers: jar.headers(), body: new URLSearchParams(params(extra)) });
      assertRedirectError(posted, error, `POST ${what}`);
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

test('discovery says request objects are not supported', async () => {
  const d = (await gh.get(DISCOVERY_PATH)).json;
  assert.equal(d.request_parameter_supported, false);
  assert.equal(d.request_uri_parameter_supported, false);
});
