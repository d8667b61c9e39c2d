// The gateway as an OpenID Connect client (issue 17, item 11), against a
// stand-in provider whose answers each test bends (tests/platforms/oidc.mjs):
// RFC 9207's iss in the authorization response (compared when present,
// required when the metadata says it is sent); the id_token's azp, iat and
// nbf (with the clock skew) and an exp that no value can overflow; and
// discovered endpoints that must share the issuer's origin unless the
// configuration names them.

import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';

import { oidcStandin } from '../platforms/oidc.mjs';
import { CookieJar, assertEnvelope, followAuthorize, useGateway } from './lib/gateway.mjs';
import { querySql } from './lib/harness.mjs';

const op = oidcStandin(); /* metadata says iss is sent */
const quiet = oidcStandin(); /* metadata does not say so, and no iss is sent */
const foreign = oidcStandin(); /* its token endpoint is on another origin */
const named = oidcStandin(); /* the same, but the configuration names it */
const all = [op, quiet, foreign, named];
before(() => Promise.all(all.map((p) => p.start())));
after(() => Promise.all(all.map((p) => p.stop())));
afterEach(() => {
  for (const p of all) [p.sendIss, p.claims, p.rawClaims] = [p === quiet ? false : true, (c) => c, (j) => j];
});
const gw = useGateway({
  platforms: () => {
    quiet.metadata = { authorization_response_iss_parameter_supported: false };
    quiet.sendIss = false;
    foreign.metadata = { token_endpoint: foreign.foreign('/op/token') };
    named.metadata = { token_endpoint: named.foreign('/op/token') };
    return {
      op: op.config(),
      quiet: quiet.config(),
      foreign: foreign.config(),
      named: { ...named.config(), token_url: named.foreign('/op/token') },
    };
  },
});

const accounts = () => Number(querySql(gw.db, 'SELECT count(*) FROM gateway_users'));

/** Login URL, the provider's redirect, then the login posted with the iss given (default: the redirect's). */
async function signIn(platform, { iss } = {}) {
  const jar = new CookieJar();
  const url = await gw.loginUrl(platform, jar);
  const back = await followAuthorize(url, gw.base);
  const sent = iss === undefined ? back.iss : iss ?? undefined;
  return { res: await gw.login(platform, back.code, back.state, jar, sent), back };
}

/** A refused login: the status, no cookie, no account. */
async function assertRefused(what, run, status = 400) {
  const before = accounts();
  const { res } = await run();
  const j = assertEnvelope(res, status, false, what);
  assert.equal(res.setCookies.length, 0, `${what}: no cookie`);
  assert.equal(accounts(), before, `${what}: no account`);
  return j;
}

test('RFC 9207: the redirect carries iss, and the right one signs in', async () => {
  const { res, back } = await signIn('op');
  assert.equal(back.iss, op.issuer());
  assertEnvelope(res, 200, true, 'login with the right iss');
});

test('RFC 9207: an iss naming another issuer is refused', async () => {
  op.sendIss = 'https://attacker.example';
  const j = await assertRefused('iss of another issuer', () => signIn('op'));
  assert.match(j.message, /issuer/);
});

test('RFC 9207: iss is required when the metadata says it is sent', async () => {
  await assertRefused('no iss though advertised', () => signIn('op', { iss: null }));
});

test('RFC 9207: without the metadata flag, no iss is fine, a wrong one is not', async () => {
  assertEnvelope((await signIn('quiet')).res, 200, true, 'no iss, none advertised');
  await assertRefused('wrong iss, none advertised', () => signIn('quiet', { iss: op.issuer() }));
});

test('id_token: azp, when present, must be our client_id', async () => {
  op.claims = (c) => ({ ...c, azp: 'another-client' });
  await assertRefused('azp of another client', () => signIn('op'), 502);
  op.claims = (c) => ({ ...c, azp: op.clientId });
  assertEnvelope((await signIn('op')).res, 200, true, 'azp = client_id');
});

test('id_token: iat is required and not in the future; nbf not in the future (60 s skew)', async () => {
  const now = () => Math.floor(Date.now() / 1000);
  op.claims = (c) => ({ ...c, iat: now() + 3600 });
  await assertRefused('iat an hour ahead', () => signIn('op'), 502);
  op.claims = ({ iat, ...c }) => c;
  await assertRefused('no iat', () => signIn('op'), 502);
  op.claims = (c) => ({ ...c, nbf: now() + 3600 });
  await assertRefused('nbf an hour ahead', () => signIn('op'), 502);
  op.claims = (c) => ({ ...c, iat: now() + 30, nbf: now() + 30 });
  assertEnvelope((await signIn('op')).res, 200, true, 'iat and nbf within the skew');
});

test('id_token: exp is compared without overflow', async () => {
  op.claims = (c) => ({ ...c, exp: 1 });
  await assertRefused('exp long past', () => signIn('op'), 502);
  op.claims = (c) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 120 });
  await assertRefused('exp two minutes past', () => signIn('op'), 502);
  // the largest NumericDate a signed 64-bit integer holds: far in the future, not expired
  op.rawClaims = (j) => j.replace(/"exp":\d+/, '"exp":9223372036854775807');
  assertEnvelope((await signIn('op')).res, 200, true, 'exp = 2^63 - 1');
});

test('discovery: an endpoint on another origin than the issuer is refused', async () => {
  const res = await gw.api('GET', '/oauth2/api/login/foreign');
  const j = assertEnvelope(res, 502, false, 'login URL with a foreign token endpoint');
  assert.match(j.message, /discovery/);
  assert.equal(foreign.calls('token').length, 0, 'nothing sent to the foreign endpoint');
});

test('discovery: the same endpoint is used when the configuration names it', async () => {
  assertEnvelope((await signIn('named')).res, 200, true, 'configured token_url on another origin');
  assert.equal(named.calls('token').length, 1);
});
