// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document,
// as MCP clients use them; docs/clients.md): an https URL as client_id, its
// document served by a local https server of a throwaway CA that the server
// trusts through outside_ca_file (and on loopback, which only
// client_document_private = yes allows). oauth4webapi, unmodified, runs the
// code flow with PKCE; the metadata says the feature is there; the cache
// keeps a document for its max-age and never one marked no-store; PAR takes
// such a client; openid-client 6 runs the flow and a refresh for a client
// whose document carries its keys (private_key_jwt); hostile documents (huge, slow, redirecting, mismatched,
// not JSON, asking for a secret, on a private address) change nothing, cost
// bounded time, and give an error page at authorize and invalid_client at
// the token endpoint; and slow documents cannot hold every worker.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';

import { CookieJar, assertErrorPage, setup, useGatehouse } from './lib/harness.mjs';
import { clientKey } from './lib/client-keys.mjs';
import { documentServer, testAuthority } from './lib/document-server.mjs';

const ca = testAuthority();
const base = { error_style: 'rfc6749', outside_ca_file: ca.caFile, client_document_timeout: 1 };
const gh = useGatehouse({ config: { ...base, client_id_metadata_documents: 'yes', client_document_private: 'yes', threads: 4 } });
const guarded = useGatehouse({ config: { ...base, client_id_metadata_documents: 'yes' }, label: 'client_document_private = no (default)' });
const off = useGatehouse({ config: { ...base, client_document_private: 'yes' }, label: 'client_id_metadata_documents = no (default)' });

const REDIRECT = 'http://127.0.0.1:7777/callback';
const INSECURE = { [oauth.allowInsecureRequests]: true };
let docs, user;

/** A public client's document at path p of the document server. */
function documentAt(p, over = {}) {
  return { client_id: docs.url(p), client_name: 'Agent Smith', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'], token_endpoint_auth_method: 'none', scope: 'openid profile offline_access', client_uri: 'https://agent.example', logo_uri: 'https://agent.example/logo.png', ...over };
}

setup(async () => {
  docs = await documentServer(ca);
  user = await gh.addUser({ username: 'minji', password: 'Lantern-first-pw-123', email: 'minji@example.com', nickname: 'minji' });
  await guarded.addUser({ username: 'minji', password: 'Lantern-first-pw-123', email: 'minji@example.com', nickname: 'minji' });
});

after(() => docs?.close());

function pkceParams(clientId, challenge, over = {}) {
  return { response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope: 'openid profile', state: 'st', code_challenge: challenge, code_challenge_method: 'S256', ...over };
}

async function clientRows(server) {
  const r = await server.cli(['client', 'list']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

test('both metadata documents say client_id_metadata_document_supported when it is on', async () => {
  for (const p of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    assert.equal((await gh.get(p)).json.client_id_metadata_document_supported, true, p);
    assert.equal((await off.get(p)).json.client_id_metadata_document_supported, false, `${p} when off`);
  }
});

test('oauth4webapi: the code flow with PKCE and an https URL as client_id; consent asked, then remembered', async () => {
  docs.serve('/agent.json', documentAt('/agent.json'), { 'cache-control': 'max-age=300' });
  const client = { client_id: docs.url('/agent.json') };
  const as = await oauth.processDiscoveryResponse(new URL(gh.base), await oauth.discoveryRequest(new URL(gh.base), INSECURE));
  const verifier = oauth.generateRandomCodeVerifier();
  const challenge = await oauth.calculatePKCECodeChallenge(verifier);
  const jar = new CookieJar();
  const r = await gh.authorize(pkceParams(client.client_id, challenge), { username: user.username, password: user.password, jar });
  assert.ok(r.redirect, r.response.describe());
  assert.ok(r.history.some((h) => h.form === 'consent'), 'consent is asked of an unverified client');
  const params = oauth.validateAuthResponse(as, client, r.redirect, 'st');
  const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, INSECURE);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, res);
  assert.ok(tokens.access_token);
  assert.equal(oauth.getValidatedIdTokenClaims(tokens).aud, client.client_id);
  const info = await gh.userinfo(tokens.access_token);
  assert.equal(info.status, 200, info.text);

  /* the member's consent to that exact client_id is remembered */
  const again = await gh.authorize(pkceParams(client.client_id, challenge), { jar });
  assert.ok(again.redirect, again.response.describe());
  assert.ok(!again.history.some((h) => h.form === 'consent'), 'consent given to this client_id is not asked again');

  /* a public client must use PKCE */
  const bare = await gh.get(`/auth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, state: 's' })}`);
  assert.equal(bare.status, 302, bare.describe());
  assert.equal(new URL(bare.header('location')).searchParams.get('error'), 'invalid_request');
  assert.match(await clientRows(gh), /agent\.json/, 'the client is kept as a row for its grants');

  /* the operator removes it like any client: its grants end */
  const rm = await gh.cli(['client', 'remove', client.client_id]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.doesNotMatch(await clientRows(gh), /agent\.json/);
  assert.equal((await gh.userinfo(tokens.access_token)).status, 401, 'its access token is revoked with it');
});

test('openid-client 6: private_key_jwt with the keys in the document, code flow and refresh', async () => {
  const key = await clientKey('ES256');
  const p = '/keyed.json';
  docs.serve(p, documentAt(p, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } }));
  const config = await oidc.discovery(new URL(gh.base), docs.url(p), {}, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid offline_access', state: 'ks', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const r = await gh.authorize(url.href, { username: user.username, password: user.password, jar: new CookieJar() });
  assert.ok(r.redirect, r.response.describe());
  const tokens = await oidc.authorizationCodeGrant(config, r.redirect, { pkceCodeVerifier: verifier, expectedState: 'ks' });
  assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
  assert.ok((await oidc.refreshTokenGrant(config, tokens.refresh_token)).access_token);
  /* without the assertion, the client is not authenticated */
  const bare = await gh.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: docs.url(p) });
  assert.equal(bare.json.error, 'invalid_client', bare.text);
});

test('revocation authenticates the client by its document as it is now', async () => {
  const p = '/revoking.json';
  docs.serve(p, documentAt(p), { 'cache-control': 'no-store' });
  const id = docs.url(p);
  const verifier = oauth.generateRandomCodeVerifier();
  const r = await gh.authorize(pkceParams(id, await oauth.calculatePKCECodeChallenge(verifier), { scope: 'openid offline_access' }), { username: user.username, password: user.password, jar: new CookieJar() });
  assert.ok(r.redirect, r.response.describe());
  const tok = await gh.token({ grant_type: 'authorization_code', code: r.redirect.searchParams.get('code'), client_id: id, redirect_uri: REDIRECT, code_verifier: verifier });
  assert.equal(tok.status, 200, tok.text);
  docs.serve(p, documentAt('/someone-else.json'), { 'cache-control': 'no-store' });
  const refused = await gh.revoke({ token: tok.json.refresh_token, client_id: id });
  assert.equal(refused.json?.error, 'invalid_client', `a refused document is no client at revocation either: ${refused.text}`);
  /* the refusal is remembered for half a minute, mended document or not */
  docs.serve(p, documentAt(p), { 'cache-control': 'no-store' });
  assert.equal((await gh.revoke({ token: tok.json.refresh_token, client_id: id })).json?.error, 'invalid_client');
});

test('the redirect URI must match the document exactly', async () => {
  docs.serve('/exact.json', documentAt('/exact.json'));
  const r = await gh.get(`/auth/authorize?${new URLSearchParams(pkceParams(docs.url('/exact.json'), 'x'.repeat(43), { redirect_uri: `${REDIRECT}/other` }))}`);
  assertErrorPage(r, 'a redirect URI not in the document');
});

test('cache: a document is kept for its max-age, one marked no-store is fetched every time', async () => {
  const kept = '/kept.json';
  docs.serve(kept, documentAt(kept), { 'cache-control': 'public, max-age=600' });
  const start = (p, over) => gh.get(`/auth/authorize?${new URLSearchParams(pkceParams(docs.url(p), 'y'.repeat(43), over))}`);
  assert.equal((await start(kept)).status, 200, 'first use fetches it');
  assert.equal(docs.hits(kept), 1);
  docs.serve(kept, documentAt(kept, { redirect_uris: [`${REDIRECT}/new`] }), { 'cache-control': 'max-age=600' });
  assert.equal((await start(kept)).status, 200, 'the old document still holds');
  assertErrorPage(await start(kept, { redirect_uri: `${REDIRECT}/new` }), 'the changed document is not seen before it expires');
  assert.equal(docs.hits(kept), 1, 'no fetch before max-age');

  const fresh = '/fresh.json';
  docs.serve(fresh, documentAt(fresh), { 'cache-control': 'no-store' });
  assert.equal((await start(fresh)).status, 200);
  docs.serve(fresh, documentAt(fresh, { redirect_uris: [`${REDIRECT}/new`] }), { 'cache-control': 'no-store' });
  assertErrorPage(await start(fresh), 'the no-store document was fetched again: the old redirect URI is gone');
  assert.equal((await start(fresh, { redirect_uri: `${REDIRECT}/new` })).status, 200);
  assert.equal(docs.hits(fresh), 3, 'fetched on every use');
});

test('PAR takes an https URL as client_id', async () => {
  docs.serve('/par.json', documentAt('/par.json'));
  const r = await gh.postForm('/oauth2/v1/par', pkceParams(docs.url('/par.json'), 'z'.repeat(43)));
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.request_uri, /^urn:ietf:params:oauth:request_uri:/);
});

test('documents are refused when the setting is off (the default)', async () => {
  docs.serve('/off.json', documentAt('/off.json'));
  assertErrorPage(await off.get(`/auth/authorize?${new URLSearchParams(pkceParams(docs.url('/off.json'), 'x'.repeat(43)))}`), 'off');
  assert.equal(docs.hits('/off.json'), 0, 'nothing fetched');
});

test('hostile documents change nothing, cost bounded time, and give the documented errors', async () => {
  const big = JSON.stringify({ ...documentAt('/huge.json'), filler: 'x'.repeat(8000) });
  const cases = [
    ['huge', '/huge.json', (p) => docs.serve(p, big)],
    ['slow', '/slow.json', (p) => docs.handle(p, (req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(documentAt(p))), 4000))],
    ['redirecting', '/redirect.json', (p) => { docs.serve('/target.json', documentAt(p)); docs.handle(p, (req, res) => res.writeHead(302, { location: docs.url('/target.json') }).end()); }],
    ['mismatched client_id', '/mismatch.json', (p) => docs.serve(p, documentAt('/other.json'))],
    ['bad JSON', '/bad.json', (p) => docs.serve(p, '{"client_id": ')],
    ['a secret method', '/secret.json', (p) => docs.serve(p, documentAt(p, { token_endpoint_auth_method: 'client_secret_basic' }))],
    ['a client_secret', '/secret2.json', (p) => docs.serve(p, documentAt(p, { client_secret: 'shared-secret-123' }))],
    ['client_credentials', '/cc.json', (p) => docs.serve(p, documentAt(p, { grant_types: ['client_credentials'] }))],
    ['not found', '/missing.json', () => {}],
  ];
  const before = await clientRows(gh);
  for (const [name, p, arrange] of cases) {
    arrange(p);
    const id = docs.url(p);
    const t0 = Date.now();
    assertErrorPage(await gh.get(`/auth/authorize?${new URLSearchParams(pkceParams(id, 'x'.repeat(43)))}`), `${name}: authorize`);
    assert.ok(Date.now() - t0 < 3000, `${name}: bounded time (${Date.now() - t0} ms)`);
    const tok = await gh.token({ grant_type: 'authorization_code', code: 'nope', client_id: id, redirect_uri: REDIRECT, code_verifier: 'v'.repeat(43) });
    assert.equal(tok.status, 401, `${name}: ${tok.text}`);
    assert.equal(tok.json.error, 'invalid_client', name);
  }
  assert.equal(docs.hits('/target.json'), 0, 'the redirect is not followed');
  assert.equal(docs.hits('/slow.json'), 1, 'a refused document is not fetched again at once');
  assert.equal(await clientRows(gh), before, 'no client row was written');

  /* a document on a private address (loopback here), with the default setting */
  docs.serve('/private.json', documentAt('/private.json'));
  assertErrorPage(await guarded.get(`/auth/authorize?${new URLSearchParams(pkceParams(docs.url('/private.json'), 'x'.repeat(43)))}`), 'private address');
  assert.equal(docs.hits('/private.json'), 0, 'no connection to a private address');
  const tok = await guarded.token({ grant_type: 'authorization_code', code: 'nope', client_id: docs.url('/private.json'), redirect_uri: REDIRECT, code_verifier: 'v'.repeat(43) });
  assert.equal(tok.json?.error, 'invalid_client', tok.text);
});

test('slow documents cannot hold every worker: one fetch at a time, others refused for now (503)', async () => {
  const slow = (req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 3000);
  docs.handle('/busy-1.json', slow);
  docs.handle('/busy-2.json', slow);
  const start = (p) => gh.get(`/auth/authorize?${new URLSearchParams(pkceParams(docs.url(p), 'x'.repeat(43)))}`);
  const first = start('/busy-1.json');
  while (docs.hits('/busy-1.json') === 0) await new Promise((r) => setTimeout(r, 20));
  const t0 = Date.now();
  const second = await start('/busy-2.json');
  assert.equal(second.status, 503, second.describe());
  assert.ok(Date.now() - t0 < 500, 'refused at once');
  assert.equal(docs.hits('/busy-2.json'), 0, 'not fetched');
  assertErrorPage(await first, 'the slow one times out');
  /* the worker is free again: a good document is used */
  docs.serve('/after-busy.json', documentAt('/after-busy.json'));
  assert.equal((await start('/after-busy.json')).status, 200);
});

test('client_id URLs the draft forbids are unknown clients, never fetched', async () => {
  for (const id of [`${docs.origin}/`, `${docs.origin}/a/../b.json`, `${docs.origin}/a.json#frag`, `https://user:pw@127.0.0.1:1/a.json`, `${docs.origin}`]) {
    assertErrorPage(await gh.get(`/auth/authorize?${new URLSearchParams(pkceParams(id, 'x'.repeat(43)))}`), id);
  }
  assert.equal(docs.hits('/'), 0);
  assert.equal(docs.hits('/b.json'), 0);
});
