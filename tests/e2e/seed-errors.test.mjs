// Every seed 004 error code, each caused the way a partner would cause it, and
// answered exactly: HTTP 400, {"error":{"code","message"},"payload":null}
// with the seed's message. 10071 at /auth/authorize is a redirect with
// error=invalid_scope instead (the redirect URI is known by then).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  assertSeedError,
  basicAuth,
  codeGrant,
  refreshGrant,
  sleep,
  tamperSignature,
  setup,
  useGatehouse,
  USERINFO_PATH,
} from './lib/harness.mjs';

const gh = useGatehouse();
const SHORT_TTL = 2;
const shortLived = useGatehouse({ config: { access_token_ttl: SHORT_TTL }, label: 'gatehouse (access_token_ttl 2)' });

let client;
let narrow;
let user;

setup(async () => {
  client = await gh.addClient({ id: 'rp-err', secret: 'rp-err-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  narrow = await gh.addClient({
    id: 'rp-narrow',
    secret: 'rp-narrow-secret-0123456789',
    redirectUris: 'https://narrow.example/cb',
    scope: 'openid profile',
  });
  user = await gh.addUser({ username: 'bob', password: 'b_ob-Pass-1234', email: 'bob@example.com', nickname: 'bobby' });
});

/** A form body with name repeated: [['a','1'],['a','1']] keeps both. */
const pairs = (list) => new URLSearchParams(list);

describe('10051 Invalid request', () => {
  test('token: grant_type missing', async () => {
    const { code } = await gh.obtainCode(client, user);
    const { grant_type: _, ...rest } = codeGrant(client, code);
    assertSeedError(await gh.token(rest), '10051', 'no grant_type');
  });

  test('token: grant_type unknown', async () => {
    const { code } = await gh.obtainCode(client, user);
    assertSeedError(await gh.token(codeGrant(client, code, { grant_type: 'magic_bean' })), '10051', 'unknown grant_type');
  });

  test('token: code missing, unknown, or already used', async () => {
    const { code: _, ...noCode } = codeGrant(client, 'x');
    assertSeedError(await gh.token(noCode), '10051', 'no code');
    assertSeedError(await gh.token(codeGrant(client, 'no-such-code-0123456789abcdef')), '10051', 'unknown code');
    const { code } = await gh.obtainCode(client, user);
    assert.equal((await gh.token(codeGrant(client, code))).status, 200, 'first use');
    assertSeedError(await gh.token(codeGrant(client, code)), '10051', 'second use');
  });

  test('token: redirect_uri differs from the one the code was issued for', async () => {
    const { code } = await gh.obtainCode(client, user);
    const res = await gh.token(codeGrant(client, code, { redirect_uri: 'https://rp.example/other' }));
    assertSeedError(res, '10051', 'other redirect_uri');
    const { code: code2 } = await gh.obtainCode(client, user);
    const { redirect_uri: _, ...noRedirect } = codeGrant(client, code2);
    assertSeedError(await gh.token(noRedirect), '10051', 'redirect_uri missing although the authorization request had one');
  });

  test('token: a repeated parameter (RFC 6749 §3.2)', async () => {
    const { code } = await gh.obtainCode(client, user);
    const body = Object.entries(codeGrant(client, code));
    assertSeedError(await gh.token(pairs([...body, ['grant_type', 'authorization_code']])), '10051', 'grant_type twice');
    const { code: code2 } = await gh.obtainCode(client, user);
    assertSeedError(await gh.token(pairs([...Object.entries(codeGrant(client, code2)), ['code', code2]])), '10051', 'code twice');
  });

  test('token: refresh_token unknown, or already rotated out', async () => {
    assertSeedError(await gh.token(refreshGrant(client, 'no-such-refresh-token-0123456789')), '10051', 'unknown refresh_token');
    const t = await gh.obtainTokens(client, user);
    assert.equal((await gh.token(refreshGrant(client, t.refresh_token))).status, 200, 'first refresh');
    assertSeedError(await gh.token(refreshGrant(client, t.refresh_token)), '10051', 'used refresh_token');
  });

  test('userinfo: no token at all', async () => {
    assertSeedError(await gh.get(USERINFO_PATH), '10051', 'GET without token');
    assertSeedError(await gh.post(USERINFO_PATH, {}), '10051', 'POST without token');
  });
});

describe('10071 Invalid oauth2 scope', () => {
  test('authorize: a scope outside the client registration redirects with invalid_scope and no code', async () => {
    const state = 'st-scope-71';
    const params = { scope: 'openid profile email', response_type: 'code', state, redirect_uri: narrow.redirectUri, client_id: narrow.id };
    const r = await gh.authorize(params, { username: user.username, password: user.password });
    assert.ok(r.redirect, `expected a redirect to the client: ${r.response.describe()}`);
    assert.equal(r.response.status, 302);
    assert.equal(r.redirect.origin + r.redirect.pathname, narrow.redirectUri);
    const q = r.redirect.searchParams;
    assert.equal(q.get('error'), 'invalid_scope');
    assert.equal(q.get('state'), state);
    assert.equal(q.get('iss'), gh.base);
    assert.equal(q.get('code'), null, 'no code');
  });

  test('token: refresh asking for a scope the grant does not hold', async () => {
    const t = await gh.obtainTokens(client, user, { scope: 'openid profile' });
    const res = await gh.token(refreshGrant(client, t.refresh_token, { scope: 'openid profile email' }));
    assertSeedError(res, '10071', 'refresh widening the scope');
  });
});

describe('10074 Insufficient oauth2 scope', () => {
  test('userinfo with a valid access token granted without openid', async () => {
    const t = await gh.obtainTokens(client, user, { scope: 'profile' });
    assert.equal(t.id_token, undefined, 'no id_token without openid');
    assert.equal(t.scope, 'profile');
    assertSeedError(await gh.userinfo(t.access_token), '10074', 'userinfo without openid');
  });
});

describe('10075 Invalid oauth2 token', () => {
  test('userinfo with garbage tokens, in the header, the query and a form body', async () => {
    assertSeedError(await gh.userinfo('garbage'), '10075', 'garbage bearer');
    assertSeedError(await gh.userinfo('not.a.token'), '10075', 'three garbage segments');
    assertSeedError(await gh.get(`${USERINFO_PATH}?access_token=garbage`), '10075', 'garbage in query');
    assertSeedError(await gh.post(USERINFO_PATH, { access_token: 'garbage' }), '10075', 'garbage in form body');
  });

  test('userinfo with a tampered signature, and with an id_token instead of an access token', async () => {
    const t = await gh.obtainTokens(client, user);
    assert.equal((await gh.userinfo(t.access_token)).status, 200, 'the untampered token works');
    assertSeedError(await gh.userinfo(tamperSignature(t.access_token)), '10075', 'tampered signature');
    assertSeedError(await gh.userinfo(t.id_token), '10075', 'an id_token is not an access token');
  });

  test('userinfo with an expired access token', async () => {
    const c = await shortLived.addClient({ id: 'rp-ttl', secret: 'rp-ttl-secret-0123456789', redirectUris: 'https://rp.example/cb' });
    const u = await shortLived.addUser({ username: 'carol', password: 'c_arol-Pass-1234', email: 'carol@example.com', nickname: 'caz' });
    const t = await shortLived.obtainTokens(c, u);
    assert.equal(t.expires_in, SHORT_TTL, 'expires_in follows access_token_ttl');
    assert.equal((await shortLived.userinfo(t.access_token)).status, 200, 'valid before it expires');
    await sleep((SHORT_TTL + 1.5) * 1000);
    assertSeedError(await shortLived.userinfo(t.access_token), '10075', 'expired');
  });
});

describe('10076 Unauthorized oauth2 client', () => {
  test('token: wrong client_secret, posted or with HTTP Basic', async () => {
    const { code } = await gh.obtainCode(client, user);
    assertSeedError(await gh.token(codeGrant(client, code, { client_secret: 'wrong-secret' })), '10076', 'client_secret_post');
    const { client_secret: _, ...noSecret } = codeGrant(client, code);
    const res = await gh.token(noSecret, { basic: { id: client.id, secret: 'wrong-secret' } });
    assertSeedError(res, '10076', 'client_secret_basic');
  });

  test('token: unknown client_id', async () => {
    const { code } = await gh.obtainCode(client, user);
    assertSeedError(await gh.token(codeGrant(client, code, { client_id: 'nobody' })), '10076', 'unknown client');
    assertSeedError(await gh.token({ grant_type: 'client_credentials' }, { basic: { id: 'nobody', secret: 'x' } }), '10076', 'unknown client, basic');
  });

  test('token: a grant the client is not registered for', async () => {
    const res = await gh.token({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
    assertSeedError(res, '10076', 'client_credentials for an authorization_code client');
  });

  test('the right client authenticated with Basic works (the failures above are not about Basic itself)', async () => {
    const { code } = await gh.obtainCode(client, user);
    const { client_secret: _, ...noSecret } = codeGrant(client, code);
    const res = await gh.token(noSecret, { headers: { authorization: basicAuth(client.id, client.secret) } });
    assert.equal(res.status, 200, res.describe());
  });
});

// RFC 9700 §4.15: a client must not pass for a resource owner. A
// client_credentials token never carries openid, so it never reads userinfo.
describe('a client is never a resource owner', () => {
  let machine;
  setup(async () => {
    machine = await gh.addClient({
      id: 'svc-err',
      secret: 'svc-err-secret-0123456789',
      redirectUris: 'https://svc.example/cb',
      scope: 'openid api1',
      grants: ['client_credentials'],
    });
  });

  test('client_credentials with scope=openid → 10071', async () => {
    const res = await gh.token({ grant_type: 'client_credentials', scope: 'openid', client_id: machine.id, client_secret: machine.secret });
    assertSeedError(res, '10071', 'openid for a client');
  });

  test('a client_credentials token at userinfo → 10074', async () => {
    const res = await gh.token({ grant_type: 'client_credentials', client_id: machine.id, client_secret: machine.secret });
    assert.equal(res.status, 200, res.describe());
    assert.equal(res.json.scope, 'api1', 'the default scope leaves openid out');
    const info = await gh.get(USERINFO_PATH, { headers: { authorization: `Bearer ${res.json.access_token}` } });
    assertSeedError(info, '10074', 'client token at userinfo');
  });
});
