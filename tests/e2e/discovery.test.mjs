// Discovery and JWKS: the metadata a relying party configures itself from
// (OpenID Connect Discovery 1.0, RFC 8414, RFC 9207) points at the seed 004
// paths of this very server, and the published keys are usable public keys.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import * as oidc from 'openid-client';

import { DISCOVERY_PATH, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse();

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

test('discovery document names this issuer and the seed 004 endpoints', async () => {
  const res = await gh.get(DISCOVERY_PATH);
  assert.equal(res.status, 200);
  assert.match(res.header('content-type') ?? '', /^application\/json/i);
  const d = res.json;
  assert.equal(d.issuer, gh.base, 'issuer is exactly the --issuer given');
  assert.equal(d.authorization_endpoint, gh.url('/auth/authorize'));
  assert.equal(d.token_endpoint, gh.url('/oauth2/v1/token'));
  assert.equal(d.userinfo_endpoint, gh.url('/oauth2/v1/userinfo'));
  assert.equal(d.jwks_uri, gh.url('/oauth2/v1/keys'));
  assert.equal(d.revocation_endpoint, gh.url('/oauth2/v1/revoke'));
  assert.equal(d.introspection_endpoint, gh.url('/oauth2/v1/introspect'));
});

test('discovery document has the required members and what the server supports', async () => {
  const d = (await gh.get(DISCOVERY_PATH)).json;
  const has = (member, value) => assert.ok(d[member]?.includes(value), `${member} should include ${value}: ${JSON.stringify(d[member])}`);
  has('response_types_supported', 'code');
  assert.ok(Array.isArray(d.subject_types_supported) && d.subject_types_supported.length > 0, 'subject_types_supported');
  has('id_token_signing_alg_values_supported', 'RS256');
  has('grant_types_supported', 'authorization_code');
  has('grant_types_supported', 'refresh_token');
  has('grant_types_supported', 'client_credentials');
  has('token_endpoint_auth_methods_supported', 'client_secret_post');
  has('token_endpoint_auth_methods_supported', 'client_secret_basic');
  has('code_challenge_methods_supported', 'S256');
  has('scopes_supported', 'openid');
  assert.equal(d.authorization_response_iss_parameter_supported, true, 'RFC 9207: the redirect carries iss');
});

test('JWKS publishes public signing keys only, each with a distinct kid', async () => {
  const d = (await gh.get(DISCOVERY_PATH)).json;
  const res = await gh.get(new URL(d.jwks_uri).pathname);
  assert.equal(res.status, 200);
  assert.match(res.header('content-type') ?? '', /^application\/(jwk-set\+)?json/i);
  const { keys } = res.json;
  assert.ok(Array.isArray(keys) && keys.length > 0, 'at least one key');
  assert.equal(new Set(keys.map((k) => k.kid)).size, keys.length, 'distinct kids');
  for (const k of keys) {
    assert.ok(typeof k.kid === 'string' && k.kid.length > 0, 'kid');
    for (const m of PRIVATE_JWK_MEMBERS) assert.equal(k[m], undefined, `key ${k.kid} leaks private member ${m}`);
    assert.ok(k.use === undefined || k.use === 'sig', `key ${k.kid} use`);
    const pub = crypto.createPublicKey({ key: k, format: 'jwk' });
    assert.equal(pub.type, 'public');
  }
});

test('openid-client discovers the server (issuer validated)', async () => {
  const config = await oidc.discovery(new URL(gh.base), 'anyone', undefined, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const meta = config.serverMetadata();
  assert.equal(meta.issuer, gh.base);
  assert.equal(meta.token_endpoint, gh.url('/oauth2/v1/token'));
});

test('an unknown path is a 404, not a page of something else', async () => {
  const res = await gh.get('/no/such/path');
  assert.equal(res.status, 404);
});
