// RFC 8414 authorization server metadata at /.well-known/oauth-authorization-server
// beside the OpenID Connect discovery document: the same document, read by
// oauth4webapi under both of its discovery algorithms, every endpoint it
// lists answering, and every value it lists for what clients may use really
// working. A value advertised without a check here fails the test, so
// nothing unsupported can be claimed.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import * as oauth from 'oauth4webapi';

import { CookieJar, DEVICE_GRANT, basicAuth, decodeJwt, setup, useGatehouse } from './lib/harness.mjs';
import { clientKey, signJwt, writeJwks } from './lib/client-keys.mjs';

const gh = useGatehouse({ config: { error_style: 'rfc6749' } });

const REDIRECT = 'https://rp.example/cb';
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';
const secret = { id: 'meta', secret: 'meta-secret-0123456789', redirectUri: REDIRECT };
const pub = { id: 'meta-public', redirectUri: REDIRECT };
let d, user, keys;

setup(async () => {
  d = (await gh.get('/.well-known/oauth-authorization-server')).json;
  keys = { RS256: await clientKey('RS256'), PS256: await clientKey('PS256'), ES256: await clientKey('ES256'), EdDSA: await clientKey('EdDSA') };
  const file = writeJwks(gh.dir, 'meta', Object.values(keys));
  let r = await gh.cli(['client', 'add', '--id', 'meta-keys', '--jwks', file, '--redirect-uri', REDIRECT, '--grant', 'authorization_code', '--grant', 'client_credentials', '--scope', 'openid']);
  assert.equal(r.code, 0, r.stderr);
  r = await gh.cli(['client', 'add', '--id', secret.id, '--secret', secret.secret, '--redirect-uri', REDIRECT, '--scope', 'openid profile email groups username',
    '--grant', 'authorization_code', '--grant', 'refresh_token', '--grant', 'client_credentials', '--grant', DEVICE_GRANT, '--grant', EXCHANGE]);
  assert.equal(r.code, 0, r.stderr);
  await gh.addClient({ id: pub.id, isPublic: true, redirectUris: REDIRECT, scope: 'openid' });
  user = await gh.addUser({ username: 'meta', password: 'correct horse 7', email: 'meta@example.com', nickname: 'meta' });
});

async function tokens(client = secret, extra = {}, scope = 'openid profile') {
  return gh.obtainTokens(client, user, { scope, extra });
}

/** The client's key of a JWS alg (RFC 9864's Ed25519 names the EdDSA key's algorithm). */
const keyOf = (alg) => keys[alg === 'Ed25519' ? 'EdDSA' : alg];

function assertion(alg, clientId = 'meta-keys', aud = gh.base) {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(keyOf(alg), { iss: clientId, sub: clientId, aud, exp: now + 60, iat: now, jti: crypto.randomUUID() }, { alg });
}

async function pkjwt(alg) {
  return { client_id: 'meta-keys', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion(alg) };
}

test('the same document at both well-known paths, read by oauth4webapi as OAuth and as OpenID', async () => {
  const oidcDoc = (await gh.get('/.well-known/openid-configuration')).json;
  assert.deepEqual(d, oidcDoc);
  assert.equal(d.issuer, gh.base);
  for (const algorithm of ['oauth2', 'oidc']) {
    const res = await oauth.discoveryRequest(new URL(gh.base), { algorithm, [oauth.allowInsecureRequests]: true });
    const as = await oauth.processDiscoveryResponse(new URL(gh.base), res);
    assert.equal(as.issuer, gh.base, algorithm);
  }
});

test('every endpoint listed answers', async () => {
  const urls = Object.entries(d).filter(([k]) => k.endsWith('_endpoint') || k === 'jwks_uri');
  assert.ok(urls.length >= 9);
  for (const [name, url] of urls) {
    assert.ok(url.startsWith(gh.base), name);
    const path = url.slice(gh.base.length);
    const get = await gh.get(path);
    const post = await gh.post(path, new URLSearchParams({ x: 'y' }));
    assert.ok(get.status !== 404 || post.status !== 404, `${name} ${path} answers`);
    assert.ok(get.status < 500 && post.status < 500, `${name}: no server error`);
  }
});

const CHECKS = {
  response_types_supported: {
    code: async () => assert.ok((await gh.obtainCode(secret, user)).code),
  },
  response_modes_supported: {
    query: async () => assert.ok((await gh.obtainCode(secret, user, { extra: { response_mode: 'query' } })).redirect.searchParams.get('code')),
    form_post: async () => {
      const r = await gh.authorize({ client_id: secret.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's', response_mode: 'form_post' }, { username: user.username, password: user.password, jar: new CookieJar() });
      assert.match(r.response.text, /name="code"/);
    },
  },
  grant_types_supported: {
    authorization_code: async () => assert.ok((await tokens()).access_token),
    refresh_token: async () => {
      const t = await tokens();
      assert.equal((await gh.token({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: secret.id, client_secret: secret.secret })).status, 200);
    },
    client_credentials: async () => assert.equal((await gh.token({ grant_type: 'client_credentials', client_id: secret.id, client_secret: secret.secret })).status, 200),
    [DEVICE_GRANT]: async () => {
      const start = await gh.deviceAuthorize({ client_id: secret.id, client_secret: secret.secret, scope: 'openid' });
      assert.equal(start.status, 200);
      const poll = await gh.token({ grant_type: DEVICE_GRANT, device_code: start.json.device_code, client_id: secret.id, client_secret: secret.secret });
      assert.equal(poll.json.error, 'authorization_pending');
    },
    [EXCHANGE]: async () => {
      const t = await tokens();
      const res = await gh.token({ grant_type: EXCHANGE, subject_token: t.access_token, subject_token_type: AT, client_id: secret.id, client_secret: secret.secret });
      assert.equal(res.status, 200, res.text);
    },
  },
  token_endpoint_auth_methods_supported: {
    client_secret_basic: async () => assert.equal((await gh.token({ grant_type: 'client_credentials' }, { basic: secret })).status, 200),
    client_secret_post: async () => assert.equal((await gh.token({ grant_type: 'client_credentials', client_id: secret.id, client_secret: secret.secret })).status, 200),
    private_key_jwt: async () => assert.equal((await gh.token({ grant_type: 'client_credentials', ...(await pkjwt('ES256')) })).status, 200),
    none: async () => {
      const verifier = crypto.randomBytes(32).toString('base64url');
      const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
      const { code } = await gh.obtainCode(pub, user, { scope: 'openid', extra: { code_challenge: challenge, code_challenge_method: 'S256' } });
      const res = await gh.token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: pub.id, code_verifier: verifier });
      assert.equal(res.status, 200, res.text);
    },
  },
};
const REVOKE_AUTH = {
  client_secret_basic: async (token) => gh.revoke({ token }, { basic: secret }),
  client_secret_post: async (token) => gh.revoke({ token, client_id: secret.id, client_secret: secret.secret }),
  private_key_jwt: async (token) => gh.revoke({ token, ...(await pkjwt('RS256')) }),
  none: async (token) => gh.revoke({ token, client_id: pub.id }),
};

test('every value listed works', async () => {
  for (const [member, checks] of Object.entries(CHECKS)) {
    assert.deepEqual([...d[member]].sort(), Object.keys(checks).sort(), `${member}: each value has a check`);
    for (const [value, check] of Object.entries(checks)) await check().catch((e) => assert.fail(`${member} ${value}: ${e.message}`));
  }
  assert.deepEqual([...d.revocation_endpoint_auth_methods_supported].sort(), Object.keys(REVOKE_AUTH).sort());
  for (const [method, revoke] of Object.entries(REVOKE_AUTH)) assert.equal((await revoke('not-a-token')).status, 200, `revoke with ${method}`);
  assert.deepEqual(d.introspection_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
  for (const auth of [{ basic: secret }, { fields: { client_id: secret.id, client_secret: secret.secret } }, { fields: await pkjwt('ES256') }]) {
    const res = await gh.introspect({ token: 'x', ...(auth.fields ?? {}) }, auth.basic ? { basic: auth.basic } : {});
    assert.equal(res.status, 200, res.text);
  }
  for (const member of ['token_endpoint_auth_signing_alg_values_supported', 'revocation_endpoint_auth_signing_alg_values_supported',
    'introspection_endpoint_auth_signing_alg_values_supported', 'request_object_signing_alg_values_supported']) {
    assert.deepEqual(d[member], ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'], member);
  }
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519']) {
    assert.equal((await gh.token({ grant_type: 'client_credentials', ...(await pkjwt(alg)) })).status, 200, `an assertion signed ${alg}`);
    const now = Math.floor(Date.now() / 1000);
    const request = await signJwt(keyOf(alg), { iss: 'meta-keys', aud: gh.base, response_type: 'code', client_id: 'meta-keys', redirect_uri: REDIRECT, scope: 'openid', exp: now + 60 }, { alg });
    const res = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: 'meta-keys', request })}`);
    assert.equal(res.status, 200, `a request object signed ${alg}`);
  }
  assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
  const t = await tokens(secret, {}, 'openid profile email groups username');
  assert.deepEqual(d.scopes_supported, ['openid', 'profile', 'email', 'groups', 'username']);
  assert.deepEqual(t.scope.split(' ').sort(), ['email', 'groups', 'openid', 'profile', 'username']);
  assert.deepEqual(d.id_token_signing_alg_values_supported, [decodeJwt(t.id_token).header.alg]);
  for (const lang of d.ui_locales_supported) {
    const page = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: secret.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', ui_locales: lang })}`);
    assert.match(page.text, new RegExp(`<html lang="${lang}"`), lang);
  }
  assert.equal(d.authorization_response_iss_parameter_supported, true);
  assert.equal((await gh.obtainCode(secret, user)).redirect.searchParams.get('iss'), gh.base);
  const pushed = await gh.post('/oauth2/v1/par', new URLSearchParams({ response_type: 'code', redirect_uri: REDIRECT, scope: 'openid' }), { headers: { authorization: basicAuth(secret.id, secret.secret) } });
  assert.equal(pushed.status, 201, 'pushed_authorization_request_endpoint');
  assert.equal(d.require_pushed_authorization_requests, false, 'a plain request works (the checks above)');
  assert.equal(d.request_parameter_supported, true, 'request objects work (above)');
  assert.equal(d.request_uri_parameter_supported, false, 'no request_uri is fetched');
  assert.equal(d.require_signed_request_object, false, 'plain requests work');
});
