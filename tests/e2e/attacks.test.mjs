// The attack suite: forged and misused tokens at userinfo, stolen or replayed
// grants at the token endpoint, redirect-URI tricks at authorize, forged form
// posts, and framing. Every case asserts the exact refusal (status and seed
// code, or an error page without Location). Forged tokens are made with
// Node's crypto. A second server with access_token_ttl = 1 shows expiry.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import {
  CookieJar,
  assertErrorPage,
  assertPageHeaders,
  assertSeedError,
  codeGrant,
  refreshGrant,
  setup,
  sleep,
  tamperSignature,
  useGatehouse,
} from './lib/harness.mjs';
import { formData, postForms } from './lib/html.mjs';

const gh = useGatehouse();
const shortLived = useGatehouse({ config: { access_token_ttl: 1 }, label: 'short-ttl' });

const REDIRECT = 'https://rp.example/cb';

let client;
let thief;
let user;
let tokens; // a genuine token answer for user
let jwk; // the server's public signing key

setup(async () => {
  client = await gh.addClient({ id: 'rp-victim', secret: 'rp-victim-secret-0123456789', redirectUris: REDIRECT });
  thief = await gh.addClient({ id: 'rp-thief', secret: 'rp-thief-secret-0123456789', redirectUris: 'https://thief.example/cb' });
  user = await gh.addUser({ username: 'alice', password: 'correct horse 7', email: 'alice@example.com', nickname: 'ali' });
  tokens = await gh.obtainTokens(client, user);
  [jwk] = (await gh.get('/oauth2/v1/keys')).json.keys;
});

/* ------------------------------------------------------------ forging -- */

const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function parts(token) {
  const [h, p, s] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')), h, p, s };
}

/** header.payload signed with HMAC-SHA256 under secret. */
function hs256(header, payload, secret) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** header.payload signed with an RSA key of our own (the server does not hold it). */
function rs256(header, payload, privateKey) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

function assertInvalidToken(res, what) {
  assertSeedError(res, '10075', what);
}

/* ----------------------------------------------------- userinfo tokens -- */

test('the genuine access token works (the baseline for every forgery below)', async () => {
  const res = await gh.userinfo(tokens.access_token);
  assert.equal(res.status, 200, res.describe());
  assert.equal(res.json.sub, user.sub);
});

test('alg none: empty signature, or no signature part at all', async () => {
  const { header, payload } = parts(tokens.access_token);
  const none = { ...header, alg: 'none' };
  assertInvalidToken(await gh.userinfo(`${b64(none)}.${b64(payload)}.`), 'alg none, empty signature');
  assertInvalidToken(await gh.userinfo(`${b64(none)}.${b64(payload)}`), 'alg none, two parts');
  const noneNoKid = { alg: 'none', typ: 'at+jwt' };
  assertInvalidToken(await gh.userinfo(`${b64(noneNoKid)}.${b64(payload)}.`), 'alg none without kid');
});

test('HS256 with the server public key as the HMAC secret (PEM, DER and JWK JSON)', async () => {
  const { header, payload } = parts(tokens.access_token);
  const pub = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  const secrets = {
    'SPKI PEM': pub.export({ type: 'spki', format: 'pem' }),
    'PKCS#1 PEM': pub.export({ type: 'pkcs1', format: 'pem' }),
    'SPKI DER': pub.export({ type: 'spki', format: 'der' }),
    'JWK JSON': JSON.stringify(jwk),
  };
  for (const [what, secret] of Object.entries(secrets)) {
    assertInvalidToken(await gh.userinfo(hs256({ ...header, alg: 'HS256' }, payload, secret)), `HS256, ${what}`);
  }
});

test('RS384 header, unknown kid, missing kid: the signature is never checked with another rule', async () => {
  const { header, p, s } = parts(tokens.access_token);
  const variants = {
    RS384: { ...header, alg: 'RS384' },
    PS256: { ...header, alg: 'PS256' },
    'unknown kid': { ...header, kid: 'not-our-key' },
    'no kid': { alg: header.alg, typ: header.typ },
    crit: { ...header, crit: ['exp'] },
  };
  for (const [what, h] of Object.entries(variants)) {
    assertInvalidToken(await gh.userinfo(`${b64(h)}.${p}.${s}`), what);
  }
});

test('a flipped signature byte, or an elevated scope under the original signature', async () => {
  assertInvalidToken(await gh.userinfo(tamperSignature(tokens.access_token)), 'flipped signature');
  const { h, payload, s } = parts(tokens.access_token);
  const elevated = { ...payload, scope: 'openid profile email' };
  assertInvalidToken(await gh.userinfo(`${h}.${b64(elevated)}.${s}`), 'scope elevated');
  const otherUser = { ...payload, sub: 'f'.repeat(32) };
  assertInvalidToken(await gh.userinfo(`${h}.${b64(otherUser)}.${s}`), 'sub changed');
});

test('wrong iss or aud signed by a key the server does not hold (its kid, or the forger\'s own)', async () => {
  const { header, payload } = parts(tokens.access_token);
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ownKid = crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
  const forged = {
    'wrong iss, server kid': [header, { ...payload, iss: 'https://evil.example' }],
    'wrong aud, server kid': [header, { ...payload, aud: 'https://evil.example' }],
    'genuine claims, server kid': [header, payload],
    'wrong iss, own kid': [{ ...header, kid: ownKid }, { ...payload, iss: 'https://evil.example' }],
  };
  for (const [what, [h, p]] of Object.entries(forged)) {
    assertInvalidToken(await gh.userinfo(rs256(h, p, privateKey)), what);
  }
});

test('the id_token (typ JWT, aud the client) is not an access token', async () => {
  assert.equal(parts(tokens.id_token).header.typ, 'JWT');
  assertInvalidToken(await gh.userinfo(tokens.id_token), 'id_token as access token');
});

test('an expired access token (access_token_ttl = 1)', async () => {
  const c = await shortLived.addClient({ id: 'rp-short', secret: 'rp-short-secret-0123456789', redirectUris: REDIRECT });
  const u = await shortLived.addUser({ username: 'bob', password: 'battery staple 9', email: 'bob@example.com', nickname: 'bob' });
  const t = await shortLived.obtainTokens(c, u);
  assert.equal(t.expires_in, 1);
  await sleep(2100);
  assertInvalidToken(await shortLived.userinfo(t.access_token), 'expired');
});

/* ------------------------------------------------------ token endpoint -- */

test('a replayed code is refused', async () => {
  const { code } = await gh.obtainCode(client, user);
  assert.equal((await gh.token(codeGrant(client, code))).status, 200);
  assertSeedError(await gh.token(codeGrant(client, code)), '10051', 'replayed code');
});

test('a code redeemed by another client, or with another redirect_uri, is refused', async () => {
  const stolen = await gh.obtainCode(client, user);
  const asThief = { ...codeGrant(client, stolen.code), client_id: thief.id, client_secret: thief.secret };
  assertSeedError(await gh.token(asThief), '10051', 'code of another client');
  const { code } = await gh.obtainCode(client, user);
  assertSeedError(await gh.token(codeGrant(client, code, { redirect_uri: `${REDIRECT}/other` })), '10051', 'wrong redirect_uri');
});

test('a wrong PKCE code_verifier is refused', async () => {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const { code } = await gh.obtainCode(client, user, { extra: { code_challenge: challenge, code_challenge_method: 'S256' } });
  const wrong = crypto.randomBytes(32).toString('base64url');
  assertSeedError(await gh.token(codeGrant(client, code, { code_verifier: wrong })), '10051', 'wrong verifier');
});

test('a refresh token used by another client is refused', async () => {
  const t = await gh.obtainTokens(client, user);
  assertSeedError(await gh.token(refreshGrant(thief, t.refresh_token)), '10051', 'refresh token of another client');
  assert.equal((await gh.token(refreshGrant(client, t.refresh_token))).status, 200, 'the owner still can');
});

test('a reused refresh token revokes its family: the newer tokens die too, access tokens included', async () => {
  const t = await gh.obtainTokens(client, user);
  const rotated = await gh.token(refreshGrant(client, t.refresh_token));
  assert.equal(rotated.status, 200);
  const newer = rotated.json.refresh_token;
  assert.equal((await gh.userinfo(rotated.json.access_token)).status, 200);
  assertSeedError(await gh.token(refreshGrant(client, t.refresh_token)), '10051', 'reuse of the rotated-out token');
  assertSeedError(await gh.token(refreshGrant(client, newer)), '10051', 'the newer token of the revoked family');
  assertSeedError(await gh.userinfo(rotated.json.access_token), '10075', 'the newer access token of the revoked family');
  assertSeedError(await gh.userinfo(t.access_token), '10075', 'the first access token of the revoked family');
  assert.equal((await gh.userinfo(tokens.access_token)).status, 200, "another grant's token is untouched");
});

/* ----------------------------------------------------------- authorize -- */

test('redirect_uri not registered byte for byte: error page, never a Location', async () => {
  const bad = [
    `${REDIRECT}/extra`,
    `${REDIRECT}?x=1`,
    `${REDIRECT}#frag`,
    `${REDIRECT}/`,
    'https://RP.example/cb',
    'https://rp.example/CB',
    'HTTPS://rp.example/cb',
    'https://rp.example:443/cb',
    'https://rp.example/cb/../cb',
    'https://rp.example/%63b',
    // open redirects
    'https://evil.example/cb',
    'https://rp.example.evil.example/cb',
    'https://rp.example@evil.example/cb',
    'https://evil.example/?https://rp.example/cb',
    '//evil.example/cb',
    '/cb',
    // scripts
    'javascript:alert(document.cookie)',
    'JavaScript://rp.example/cb%0aalert(1)',
    'data:text/html,<script>alert(1)</script>',
  ];
  for (const redirect_uri of bad) {
    for (const prompt of [undefined, 'none']) {
      const params = { client_id: client.id, redirect_uri, response_type: 'code', scope: 'openid', state: 's' };
      if (prompt) params.prompt = prompt;
      const res = await gh.get(`/auth/authorize?${new URLSearchParams(params)}`);
      assertErrorPage(res, `${redirect_uri} prompt=${prompt}`);
      assertPageHeaders(res, redirect_uri);
    }
  }
  const unknown = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: 'nope', redirect_uri: 'https://evil.example/', response_type: 'code', scope: 'openid' })}`);
  assertErrorPage(unknown, 'unknown client');
});

test('a javascript: URI cannot even be registered', async () => {
  for (const uri of ['javascript:alert(1)', 'data:text/html,x', 'https://rp.example/cb#f']) {
    const r = await gh.cli(['client', 'add', '--id', `rp-js-${crypto.randomBytes(3).toString('hex')}`, '--secret', 'x-secret-01234567', '--redirect-uri', uri]);
    assert.notEqual(r.code, 0, `${uri} registered: ${r.stdout}`);
  }
});

/* ---------------------------------------------------------------- CSRF -- */

const authorizeParams = () => ({ client_id: client.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile', state: 'csrf' });

/** The one post form of a page, and the jar that loaded it. */
async function loadForm(url, jar) {
  const page = await gh.get(url, { headers: jar.headers() });
  jar.take(page);
  assert.equal(page.status, 200, page.describe());
  const forms = postForms(page.text);
  assert.equal(forms.length, 1);
  return forms[0];
}

/** Posts form data with csrf removed or replaced; asserts the refusal. */
async function assertForgedPostRefused(form, fill, button, jar, what) {
  for (const csrf of [null, '0'.repeat(64), 'x']) {
    const data = formData(form, fill, button);
    if (csrf === null) data.delete('csrf');
    else data.set('csrf', csrf);
    const res = await gh.post(new URL(form.action, gh.base).pathname, data, { headers: jar.headers() });
    const label = `${what}, csrf=${csrf}`;
    assert.equal(res.status, 403, `${label}: ${res.describe()}`);
    assert.equal(res.header('location'), undefined, `${label}: no redirect, no code`);
    assert.equal(res.setCookies.filter((c) => c.startsWith('gh_session=')).length, 0, `${label}: no session`);
  }
}

test('login POST without or with a wrong csrf: refused, no session, no code', async () => {
  const jar = new CookieJar();
  const form = await loadForm(`/auth/authorize?${new URLSearchParams(authorizeParams())}`, jar);
  await assertForgedPostRefused(form, { username: user.username, password: user.password }, null, jar, 'login');
  // a valid token from another browser is no good with this browser's cookie
  const other = await loadForm(`/auth/authorize?${new URLSearchParams(authorizeParams())}`, new CookieJar());
  const data = formData(form, { username: user.username, password: user.password });
  data.set('csrf', other.inputs.find((i) => i.name === 'csrf').value);
  const res = await gh.post('/auth/authorize', data, { headers: jar.headers() });
  assert.equal(res.status, 403, res.describe());
});

test('consent POST without or with a wrong csrf: refused, no code', async () => {
  const jar = new CookieJar();
  const params = { ...authorizeParams(), scope: 'openid email', prompt: 'consent' };
  const r = await gh.authorize(params, { username: user.username, password: user.password, jar, decision: 'none' });
  assert.equal(r.redirect, null, 'stopped at the consent page');
  const [form] = postForms(r.response.text);
  assert.ok(form.buttons.some((b) => b.name === 'decision'), 'the consent form');
  await assertForgedPostRefused(form, {}, { name: 'decision', value: 'allow' }, jar, 'consent');
});

/* ---------------------------------------------------------- framing -- */

test('every page forbids framing', async () => {
  const jar = new CookieJar();
  const pages = {
    login: await gh.get(`/auth/authorize?${new URLSearchParams(authorizeParams())}`),
    'error page': await gh.get('/auth/authorize?client_id=nope'),
    'logout confirmation': await gh.get('/auth/logout', { headers: (await gh.obtainCode(client, user, { jar })).jar.headers() }),
    'signed out': await gh.get('/auth/logout'),
  };
  const consent = await gh.authorize({ ...authorizeParams(), prompt: 'consent' }, { username: user.username, password: user.password, decision: 'none' });
  pages.consent = consent.response;
  for (const [what, res] of Object.entries(pages)) {
    assert.equal(res.status === 200 || res.status === 400, true, `${what}: ${res.describe()}`);
    assert.match(res.header('content-type') ?? '', /^text\/html/, what);
    assertPageHeaders(res, what);
  }
});
