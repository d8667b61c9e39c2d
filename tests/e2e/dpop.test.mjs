// DPoP (RFC 9449): sender-constrained tokens, with openid-client 6 and
// oauth4webapi 3 unmodified (their DPoP handles, server nonces included),
// then hostile proofs by hand: wrong htm or htu, an old iat, a replayed jti,
// alg none or HS256, a private key in the header, a huge header, a missing
// ath; a bound token presented as Bearer; a public client's refresh token
// with another key or none; a client that must use DPoP without a proof;
// codes bound with dpop_jkt at the authorization endpoint and through PAR.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';

import { CookieJar, TOKEN_PATH, USERINFO_PATH, decodeJwt, setup, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse({ config: { error_style: 'rfc6749' } });

const REDIRECT = 'https://rp.example/cb';
const PAR_PATH = '/oauth2/v1/par';
let user, pub, conf, bound, ops, tx, nonce;

setup(async () => {
  user = await gh.addUser({ username: 'dora', password: 'Lantern-first-pw-123', email: 'dora@example.com', nickname: 'dora' });
  pub = await gh.addClient({ id: 'dpop-pub', redirectUris: REDIRECT, isPublic: true, grants: ['authorization_code', 'refresh_token'] });
  conf = await gh.addClient({ id: 'dpop-conf', secret: 'dpop-conf-secret-0123', redirectUris: REDIRECT, grants: ['authorization_code', 'refresh_token', 'client_credentials'], scope: 'openid profile email api' });
  bound = await gh.addClient({ id: 'dpop-bound', secret: 'dpop-bound-secret-0123', redirectUris: REDIRECT, grants: ['client_credentials'], scope: 'api', extraArgs: ['--dpop-bound'] });
  ops = await gh.addClient({ id: 'dpop-ops', secret: 'dpop-ops-secret-0123', redirectUris: [], grants: ['client_credentials'], scope: 'gatehouse:admin' });
  tx = await gh.addClient({ id: 'dpop-tx', secret: 'dpop-tx-secret-0123', redirectUris: [], grants: ['urn:ietf:params:oauth:grant-type:token-exchange'], scope: 'api' });
  /* the server's nonce for the proofs made by hand (dpop_nonce = yes, the default) */
  nonce = (await tokenRequest(ccFields(conf), proof(ecKey()))).header('dpop-nonce');
});

/* ------------------------------------------------ proofs made by hand -- */

const b64u = (b) => Buffer.from(b).toString('base64url');

/** A P-256 key: { privateKey, jwk (public), jkt (RFC 7638) }. */
function ecKey() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const jkt = b64u(crypto.createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest());
  return { privateKey, jwk: { kty, crv, x, y }, jkt };
}

/** A DPoP proof; header and claims may be overridden (undefined drops a member). */
function proof(key, { htm = 'POST', htu = gh.url(TOKEN_PATH), header = {}, claims = {}, alg = 'ES256', sign } = {}) {
  const h = { typ: 'dpop+jwt', alg, jwk: key.jwk, ...header };
  const c = { jti: crypto.randomUUID(), htm, htu, iat: Math.floor(Date.now() / 1000), nonce, ...claims };
  for (const o of [h, c]) for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  const input = `${b64u(JSON.stringify(h))}.${b64u(JSON.stringify(c))}`;
  const sig = sign ? sign(input) : crypto.sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64u(sig)}`;
}

const ath = (token) => b64u(crypto.createHash('sha256').update(token).digest());

function pkce() {
  const verifier = b64u(crypto.randomBytes(32));
  return { verifier, challenge: b64u(crypto.createHash('sha256').update(verifier).digest()) };
}

/** A code for client (PKCE), with extra authorization parameters. */
async function code(client, extra = {}) {
  const p = pkce();
  const { code } = await gh.obtainCode(client, user, { extra: { code_challenge: p.challenge, code_challenge_method: 'S256', ...extra } });
  return { code, verifier: p.verifier };
}

function tokenRequest(fields, dpop, headers = {}) {
  return gh.postForm(TOKEN_PATH, fields, { headers: dpop ? { dpop, ...headers } : headers });
}

function codeFields(client, c) {
  return { grant_type: 'authorization_code', code: c.code, code_verifier: c.verifier, redirect_uri: REDIRECT, client_id: client.id, ...(client.secret ? { client_secret: client.secret } : {}) };
}

function ccFields(client) {
  return { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret, scope: 'api' };
}

function assertProofRefused(res, what, error = 'invalid_dpop_proof') {
  assert.equal(res.status, 400, `${what}: ${res.describe()}`);
  assert.equal(res.json.error, error, what);
}

/* ---------------------------------------------------------- metadata -- */

test('metadata: dpop_signing_alg_values_supported in both discovery documents', async () => {
  for (const p of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])
    assert.deepEqual((await gh.get(p)).json.dpop_signing_alg_values_supported, ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'], p);
});

/* -------------------------------------------------- unmodified clients -- */

async function configFor(clientId, auth) {
  return oidc.discovery(new URL(gh.base), clientId, {}, auth, { execute: [oidc.allowInsecureRequests] });
}

test('openid-client: a public client binds its tokens (nonce retried), userinfo with DPoP, refresh with the same key', async () => {
  const config = await configFor(pub.id, oidc.None());
  const keyPair = await oidc.randomDPoPKeyPair('ES256');
  const DPoP = oidc.getDPoPHandle(config, keyPair);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const r = await gh.authorize(url.href, { username: user.username, password: user.password, jar: new CookieJar() });
  const tokens = await oidc.authorizationCodeGrant(config, r.redirect, { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP });
  assert.equal(tokens.token_type.toLowerCase(), 'dpop');
  const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
  const jkt = b64u(crypto.createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest());
  assert.equal(decodeJwt(tokens.access_token).payload.cnf.jkt, jkt);
  const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims().sub, { DPoP });
  assert.equal(info.nickname, 'dora');
  const next = await oidc.refreshTokenGrant(config, tokens.refresh_token, undefined, { DPoP });
  assert.equal(next.token_type.toLowerCase(), 'dpop');
  assert.equal(decodeJwt(next.access_token).payload.cnf.jkt, jkt);
  /* the rotated refresh token stays bound: another key cannot use it */
  const other = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
  await assert.rejects(oidc.refreshTokenGrant(config, next.refresh_token, undefined, { DPoP: other }), (e) => e.error === 'invalid_grant');
  await oidc.refreshTokenGrant(config, next.refresh_token, undefined, { DPoP });
});

test('openid-client: a confidential client with DPoP; introspection says DPoP and cnf.jkt', async () => {
  const config = await configFor(conf.id, oidc.ClientSecretPost(conf.secret));
  const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('RS256'));
  const tokens = await oidc.clientCredentialsGrant(config, { scope: 'api' }, { DPoP });
  assert.equal(tokens.token_type.toLowerCase(), 'dpop');
  const jkt = decodeJwt(tokens.access_token).payload.cnf.jkt;
  assert.match(jkt, /^[A-Za-z0-9_-]{43}$/);
  const intro = await oidc.tokenIntrospection(config, tokens.access_token);
  assert.equal(intro.active, true);
  assert.equal(intro.token_type, 'DPoP');
  assert.deepEqual(intro.cnf, { jkt });
  /* a Bearer token says Bearer and has no cnf */
  const plain = await oidc.clientCredentialsGrant(config, { scope: 'api' });
  const plainIntro = await oidc.tokenIntrospection(config, plain.access_token);
  assert.equal(plainIntro.token_type, 'Bearer');
  assert.equal(plainIntro.cnf, undefined);
});

test('openid-client: an Ed25519 key (EdDSA proofs) binds the tokens; userinfo with DPoP; the jkt is RFC 8037\'s thumbprint', async () => {
  const config = await configFor(conf.id, oidc.ClientSecretPost(conf.secret));
  const keyPair = await oidc.randomDPoPKeyPair('EdDSA');
  const DPoP = oidc.getDPoPHandle(config, keyPair);
  const tokens = await oidc.clientCredentialsGrant(config, { scope: 'api' }, { DPoP });
  assert.equal(tokens.token_type.toLowerCase(), 'dpop');
  const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
  assert.equal(jwk.kty, 'OKP');
  const jkt = b64u(crypto.createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })).digest());
  assert.equal(decodeJwt(tokens.access_token).payload.cnf.jkt, jkt);
  const intro = await oidc.tokenIntrospection(config, tokens.access_token);
  assert.deepEqual([intro.active, intro.token_type, intro.cnf?.jkt], [true, 'DPoP', jkt]);
});

test('oauth4webapi: a PS256 proof (an RSA-PSS key) binds a client_credentials token', async () => {
  const issuer = new URL(gh.base);
  const insecure = { [oauth.allowInsecureRequests]: true };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  const cc = { client_id: conf.id };
  const DPoP = oauth.DPoP(cc, await oauth.generateKeyPair('PS256'));
  const result = await withNonce(
    () => oauth.clientCredentialsGrantRequest(as, cc, oauth.ClientSecretPost(conf.secret), new URLSearchParams({ scope: 'api' }), { DPoP, ...insecure }),
    (res) => oauth.processClientCredentialsResponse(as, cc, res),
  );
  assert.equal(result.token_type, 'dpop');
  assert.match(decodeJwt(result.access_token).payload.cnf.jkt, /^[A-Za-z0-9_-]{43}$/);
});

test('openid-client: PAR with a DPoP proof binds the code to the key; another key cannot redeem it', async () => {
  const config = await configFor(conf.id, oidc.ClientSecretPost(conf.secret));
  const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
  const flow = async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT, scope: 'openid', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }, { DPoP });
    const r = await gh.authorize(url.href, { username: user.username, password: user.password, jar: new CookieJar() });
    return { back: r.redirect, checks: { pkceCodeVerifier: verifier, expectedState: state } };
  };
  const first = await flow();
  const other = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
  await assert.rejects(oidc.authorizationCodeGrant(config, first.back, first.checks, undefined, { DPoP: other }), (e) => e.error === 'invalid_grant');
  const second = await flow();
  const tokens = await oidc.authorizationCodeGrant(config, second.back, second.checks, undefined, { DPoP });
  assert.equal(tokens.token_type.toLowerCase(), 'dpop');
});

/** An oauth4webapi request, retried once after use_dpop_nonce (the library's documented way). */
async function withNonce(send, process) {
  try {
    return await process(await send());
  } catch (e) {
    assert.ok(oauth.isDPoPNonceError(e), `expected use_dpop_nonce: ${e}`);
    return process(await send());
  }
}

test('oauth4webapi: DPoP() handle, use_dpop_nonce retried: code flow, userinfo, client_credentials', async () => {
  const issuer = new URL(gh.base);
  const insecure = { [oauth.allowInsecureRequests]: true };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  const client = { client_id: pub.id };
  const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({ client_id: pub.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const r = await gh.authorize(url.href, { username: user.username, password: user.password, jar: new CookieJar() });
  const params = oauth.validateAuthResponse(as, client, r.redirect);
  const tokens = await withNonce(
    () => oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, { DPoP, ...insecure }),
    (res) => oauth.processAuthorizationCodeResponse(as, client, res),
  );
  assert.equal(tokens.token_type, 'dpop');
  const sub = oauth.getValidatedIdTokenClaims(tokens).sub;
  const info = await oauth.processUserInfoResponse(as, client, sub, await oauth.userInfoRequest(as, client, tokens.access_token, { DPoP, ...insecure }));
  assert.equal(info.nickname, 'dora');
  const cc = { client_id: conf.id };
  const ccDPoP = oauth.DPoP(cc, await oauth.generateKeyPair('RS256'));
  const result = await withNonce(
    () => oauth.clientCredentialsGrantRequest(as, cc, oauth.ClientSecretPost(conf.secret), new URLSearchParams({ scope: 'api' }), { DPoP: ccDPoP, ...insecure }),
    (res) => oauth.processClientCredentialsResponse(as, cc, res),
  );
  assert.equal(result.token_type, 'dpop');
});

/* ------------------------------------------------------- by hand -- */

test('a server nonce: none or a made-up one gets use_dpop_nonce with a DPoP-Nonce header', async () => {
  const key = ecKey();
  nonce = undefined;
  const res = await tokenRequest(ccFields(conf), proof(key));
  assertProofRefused(res, 'no nonce', 'use_dpop_nonce');
  nonce = res.header('dpop-nonce');
  assert.match(nonce, /^[0-9a-f]{64}$/);
  const made = await tokenRequest(ccFields(conf), proof(key, { claims: { nonce: 'f'.repeat(64) } }));
  assertProofRefused(made, 'a made-up nonce', 'use_dpop_nonce');
  const ok = await tokenRequest(ccFields(conf), proof(key));
  assert.equal(ok.status, 200, ok.describe());
  assert.equal(ok.json.token_type, 'DPoP');
  assert.equal(decodeJwt(ok.json.access_token).payload.cnf.jkt, key.jkt);
  /* without a DPoP header the answer is the Bearer one, as before, and no nonce */
  const plain = await tokenRequest(ccFields(conf));
  assert.equal(plain.status, 200);
  assert.equal(plain.json.token_type, 'Bearer');
  assert.equal(decodeJwt(plain.json.access_token).payload.cnf, undefined);
  assert.equal(plain.header('dpop-nonce'), undefined);
});

test('hostile proofs at the token endpoint are invalid_dpop_proof', async () => {
  const key = ecKey();
  const hs = (input) => crypto.createHmac('sha256', 'k'.repeat(32)).update(input).digest();
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = privateKey.export({ format: 'jwk' });
  const cases = {
    'wrong htm': proof(key, { htm: 'GET' }),
    'wrong htu': proof(key, { htu: gh.url('/oauth2/v1/revoke') }),
    'another host in htu': proof(key, { htu: `https://evil.example${TOKEN_PATH}` }),
    'an old iat': proof(key, { claims: { iat: Math.floor(Date.now() / 1000) - 3600 } }),
    'an iat in the future': proof(key, { claims: { iat: Math.floor(Date.now() / 1000) + 600 } }),
    'no jti': proof(key, { claims: { jti: undefined } }),
    'typ JWT': proof(key, { header: { typ: 'JWT' } }),
    'alg none': proof(key, { alg: 'none', sign: () => Buffer.alloc(0) }).replace(/\.$/, '.AA'),
    'alg HS256': proof(key, { alg: 'HS256', sign: hs }),
    'a private key in the header': proof({ ...key, privateKey, jwk: privateJwk }),
    'a symmetric key in the header': proof(key, { header: { jwk: { kty: 'oct', k: b64u('k'.repeat(32)) } }, alg: 'HS256', sign: hs }),
    'no jwk': proof(key, { header: { jwk: undefined } }),
    'a signature by another key': proof({ ...key, privateKey: ecKey().privateKey }),
    'a huge header': proof(key, { header: { pad: 'x'.repeat(3000) } }),
    'not a JWT': 'not.a.jwt',
  };
  for (const [what, p] of Object.entries(cases)) assertProofRefused(await tokenRequest(ccFields(conf), p), what);
  const two = await gh.post(TOKEN_PATH, new URLSearchParams(ccFields(conf)), { headers: { dpop: [proof(key), proof(key)] } });
  assertProofRefused(two, 'two DPoP headers');
});

test('a proof is used once', async () => {
  const key = ecKey();
  const p = proof(key);
  assert.equal((await tokenRequest(ccFields(conf), p)).status, 200);
  assertProofRefused(await tokenRequest(ccFields(conf), p), 'replayed');
});

test('a client registered with dpop_bound_access_tokens needs a proof', async () => {
  assertProofRefused(await tokenRequest(ccFields(bound)), 'no proof');
  const ok = await tokenRequest(ccFields(bound), proof(ecKey()));
  assert.equal(ok.status, 200, ok.describe());
  assert.equal(ok.json.token_type, 'DPoP');
  const shown = await gh.cli(['client', 'show', bound.id]);
  assert.match(shown.stdout, /dpop_bound_access_tokens/);
});

test('userinfo: a bound token needs Authorization: DPoP and a proof of its key with ath', async () => {
  const key = ecKey();
  const c = await code(pub);
  const tokens = (await tokenRequest(codeFields(pub, c), proof(key))).json;
  assert.equal(tokens.token_type, 'DPoP');
  const at = tokens.access_token;
  const ui = (headers) => gh.get(USERINFO_PATH, { headers });
  const good = () => proof(key, { htm: 'GET', htu: gh.url(USERINFO_PATH), claims: { ath: ath(at) } });
  const bearer = await ui({ authorization: `Bearer ${at}` });
  assert.equal(bearer.status, 401, bearer.describe());
  assert.match(bearer.header('www-authenticate'), /^DPoP error="invalid_token"/);
  const bearerWithProof = await ui({ authorization: `Bearer ${at}`, dpop: good() });
  assert.equal(bearerWithProof.status, 401, 'a proof does not make Bearer acceptable');
  const noProof = await ui({ authorization: `DPoP ${at}` });
  assert.equal(noProof.status, 401);
  assert.match(noProof.header('www-authenticate'), /^DPoP error="invalid_dpop_proof"/);
  const noAth = await ui({ authorization: `DPoP ${at}`, dpop: proof(key, { htm: 'GET', htu: gh.url(USERINFO_PATH) }) });
  assert.equal(noAth.status, 401);
  assert.match(noAth.header('www-authenticate'), /invalid_dpop_proof/);
  const otherKey = ecKey();
  const wrongKey = await ui({ authorization: `DPoP ${at}`, dpop: proof(otherKey, { htm: 'GET', htu: gh.url(USERINFO_PATH), claims: { ath: ath(at) } }) });
  assert.equal(wrongKey.status, 401);
  const tokenUrl = await ui({ authorization: `DPoP ${at}`, dpop: proof(key, { htm: 'GET', claims: { ath: ath(at) } }) });
  assert.equal(tokenUrl.status, 401, 'htu of the token endpoint');
  const ok = await ui({ authorization: `DPoP ${at}`, dpop: good() });
  assert.equal(ok.status, 200, ok.describe());
  assert.equal(ok.json.nickname, 'dora');
  /* a Bearer token is not accepted under the DPoP scheme */
  const plain = (await tokenRequest(codeFields(pub, await code(pub)))).json;
  assert.equal(plain.token_type, 'Bearer');
  const asDpop = await ui({ authorization: `DPoP ${plain.access_token}`, dpop: proof(key, { htm: 'GET', htu: gh.url(USERINFO_PATH), claims: { ath: ath(plain.access_token) } }) });
  assert.equal(asDpop.status, 401);
  assert.equal((await gh.userinfo(plain.access_token)).status, 200);
});

test("refresh: a public client's token is bound to its key, a confidential client's is not", async () => {
  const key = ecKey();
  const tokens = (await tokenRequest(codeFields(pub, await code(pub)), proof(key))).json;
  const refresh = (client, rt, p) => tokenRequest({ grant_type: 'refresh_token', refresh_token: rt, client_id: client.id, ...(client.secret ? { client_secret: client.secret } : {}) }, p);
  const none = await refresh(pub, tokens.refresh_token);
  assert.equal(none.status, 400);
  assert.equal(none.json.error, 'invalid_grant', 'without a proof');
  const other = await refresh(pub, tokens.refresh_token, proof(ecKey()));
  assert.equal(other.json.error, 'invalid_grant', 'with another key');
  const ok = await refresh(pub, tokens.refresh_token, proof(key));
  assert.equal(ok.status, 200, `the refused attempts left it unspent: ${ok.describe()}`);
  assert.equal(ok.json.token_type, 'DPoP');
  const confTokens = (await tokenRequest(codeFields(conf, await code(conf)), proof(key))).json;
  assert.equal(confTokens.token_type, 'DPoP');
  const plain = await refresh(conf, confTokens.refresh_token);
  assert.equal(plain.status, 200, plain.describe());
  assert.equal(plain.json.token_type, 'Bearer');
});

test('dpop_jkt binds the code to a key, at the authorization endpoint and through PAR', async () => {
  const key = ecKey();
  const c = await code(pub, { dpop_jkt: key.jkt });
  assert.equal((await tokenRequest(codeFields(pub, c))).json.error, 'invalid_grant', 'without a proof');
  const c2 = await code(pub, { dpop_jkt: key.jkt });
  assert.equal((await tokenRequest(codeFields(pub, c2), proof(ecKey()))).json.error, 'invalid_grant', 'another key');
  const c3 = await code(pub, { dpop_jkt: key.jkt });
  const ok = await tokenRequest(codeFields(pub, c3), proof(key));
  assert.equal(ok.status, 200, ok.describe());
  const bad = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: pub.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256', dpop_jkt: 'short' })}`);
  assert.equal(new URL(bad.header('location')).searchParams.get('error'), 'invalid_request');
  /* PAR with a proof: the code is bound to the proof's key */
  const p = pkce();
  const fields = { client_id: conf.id, client_secret: conf.secret, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', code_challenge: p.challenge, code_challenge_method: 'S256' };
  const pushed = await gh.postForm(PAR_PATH, fields, { headers: { dpop: proof(key, { htu: gh.url(PAR_PATH) }) } });
  assert.equal(pushed.status, 201, pushed.describe());
  const r = await gh.authorize(gh.authorizeUrl({ client_id: conf.id, request_uri: pushed.json.request_uri }), { username: user.username, password: user.password, jar: new CookieJar() });
  const parCode = { code: r.redirect.searchParams.get('code'), verifier: p.verifier };
  assert.equal((await tokenRequest(codeFields(conf, parCode))).json.error, 'invalid_grant');
  const mismatch = await gh.postForm(PAR_PATH, { ...fields, dpop_jkt: ecKey().jkt }, { headers: { dpop: proof(key, { htu: gh.url(PAR_PATH) }) } });
  assertProofRefused(mismatch, 'dpop_jkt and the proof disagree');
});

test('the admin API takes no DPoP-bound token as a bearer token', async () => {
  const fields = { grant_type: 'client_credentials', client_id: ops.id, client_secret: ops.secret, scope: 'gatehouse:admin' };
  const plain = (await tokenRequest(fields)).json.access_token;
  assert.equal((await gh.get('/admin/v1/clients', { headers: { authorization: `Bearer ${plain}` } })).status, 200);
  const issued = await tokenRequest(fields, proof(ecKey()));
  assert.equal(issued.json.token_type, 'DPoP', issued.describe());
  const boundToken = issued.json.access_token;
  const res = await gh.get('/admin/v1/clients', { headers: { authorization: `Bearer ${boundToken}` } });
  assert.equal(res.status, 401, res.describe());
});

test('token exchange binds the new token to the key the request proves', async () => {
  const subject = (await tokenRequest(ccFields(conf))).json.access_token;
  const key = ecKey();
  const fields = { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', client_id: tx.id, client_secret: tx.secret, subject_token: subject, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' };
  const res = await tokenRequest(fields, proof(key));
  assert.equal(res.status, 200, res.describe());
  assert.equal(res.json.token_type, 'DPoP');
  assert.equal(decodeJwt(res.json.access_token).payload.cnf.jkt, key.jkt);
  assert.equal((await tokenRequest(fields)).json.token_type, 'Bearer');
});
