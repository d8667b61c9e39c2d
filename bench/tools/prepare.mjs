// Prepares one running server for the load runs of bench/run.sh: signs the
// benchmark user in once (so that its session and consent are remembered),
// and collects what the wrk scripts replay: a user access token, a
// client_credentials token, the authorize request with its session cookie,
// and, for Gatehouse, a filled-in login form. With --refresh FILE it makes a
// list of fresh refresh tokens instead, right before a wrk run spends them
// (made earlier, node-oidc-provider's in-memory LRU would have evicted them).
// With --access FILE it makes a list of distinct user access tokens, for the
// runs that present a different token on every request (tokens.lua).
//
//   node prepare.mjs KIND BASE DISCOVERY_PATH [--refresh FILE | --access FILE]
//
// KIND: gatehouse | oidc-provider | glewlwyd. Env: CLIENT_ID, CLIENT_SECRET,
// REDIRECT_URI, BENCH_USER, BENCH_PASSWORD, REFRESH_BATCH (tokens per list),
// ACCESS_TOKENS (tokens in the --access list), SESSION_COOKIE (for --refresh
// and --access: the Cookie header the first run printed).
// Prints shell assignments (NAME='value') on stdout; endpoints come from the
// server's discovery document, and an empty *_PATH means "not offered".
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { basicAuth, CookieJar, Gatehouse, request } from '../../tests/e2e/lib/harness.mjs';
import { formData, postForms } from '../../tests/e2e/lib/html.mjs';

const [kind, base, discoveryPath, flag, listFile] = process.argv.slice(2);
const env = process.env;
const client = { id: env.CLIENT_ID, secret: env.CLIENT_SECRET, redirectUri: env.REDIRECT_URI };
const user = { username: env.BENCH_USER, password: env.BENCH_PASSWORD };
const basic = basicAuth(client.id, client.secret);
const BATCH = Number(env.REFRESH_BATCH ?? 128);
const ACCESS = Number(env.ACCESS_TOKENS ?? 1024);
const PARALLEL = 8;

/* How each server signs a person in and what its authorize request needs. */
const SERVERS = {
  gatehouse: { scope: 'openid profile', ccScope: 'api', signIn: signInGatehouse, authorizeSuffix: '' },
  'oidc-provider': { scope: 'openid profile', ccScope: 'api', signIn: signInByRedirects, authorizeSuffix: '' },
  // Glewlwyd's authorize endpoint sends everyone to its login web app unless g_continue is present
  glewlwyd: { scope: 'openid api', ccScope: 'api', signIn: signInGlewlwyd, authorizeSuffix: '&g_continue' },
};

const pathOf = (url) => (url ? new URL(url).pathname : '');

function authorizeUrl(meta, server) {
  const q = new URLSearchParams({ response_type: 'code', client_id: client.id, redirect_uri: client.redirectUri, scope: server.scope, state: 'bench', nonce: 'bench' });
  return `${meta.authorization_endpoint}?${q}${server.authorizeSuffix}`;
}

async function signInGatehouse(meta, server, jar) {
  const gh = Gatehouse.attach({ base });
  const r = await gh.authorize(authorizeUrl(meta, server), { ...user, jar });
  assert.ok(r.redirect?.searchParams.get('code'), `gatehouse sign-in: ${r.response.describe()}`);
}

/* oidc-provider: the peer's interaction route signs in and consents by itself. */
async function signInByRedirects(meta, server, jar) {
  let url = authorizeUrl(meta, server);
  for (let i = 0; i < 10 && !url.startsWith(client.redirectUri); i++) {
    const res = await request('GET', url, { headers: jar.headers() });
    jar.take(res);
    assert.ok(res.header('location'), `sign-in at ${url}: ${res.describe()}`);
    url = new URL(res.header('location'), url).href;
  }
  assert.ok(url.startsWith(client.redirectUri), `sign-in ended at ${url}`);
}

async function signInGlewlwyd(meta, server, jar) {
  const res = await request('POST', `${base}/api/auth/`, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  assert.equal(res.status, 200, `glewlwyd login: ${res.describe()}`);
  jar.take(res);
}

/* One authorize request with the session: must redirect straight back with a code. */
async function code(meta, server, jar) {
  const res = await request('GET', authorizeUrl(meta, server), { headers: jar.headers() });
  const location = res.header('location') ?? '';
  const c = location.startsWith(client.redirectUri) && new URL(location).searchParams.get('code');
  assert.ok(c, `authorize with a session should redirect with a code: ${res.describe()} ${location}`);
  return c;
}

async function token(meta, fields) {
  const res = await request('POST', meta.token_endpoint, { headers: { authorization: basic }, body: fields });
  assert.equal(res.status, 200, `token ${fields.grant_type}: ${res.describe()}`);
  return res.json;
}

async function codeFlow(meta, server, jar) {
  const c = await code(meta, server, jar);
  return token(meta, { grant_type: 'authorization_code', code: c, redirect_uri: client.redirectUri });
}

/* The member (refresh_token, access_token) of count code flows' answers. */
async function tokensOf(meta, server, jar, count, member) {
  const out = [];
  while (out.length < count) {
    const n = Math.min(PARALLEL, count - out.length);
    const got = await Promise.all(Array.from({ length: n }, () => codeFlow(meta, server, jar)));
    for (const t of got) {
      assert.ok(t[member], `no ${member} in ${JSON.stringify(t)}`);
      out.push(t[member]);
    }
  }
  return out;
}

/* Gatehouse's login form, filled in: the CSRF cookie and the body to post. */
async function loginForm(meta, server) {
  const jar = new CookieJar();
  const res = await request('GET', authorizeUrl(meta, server));
  jar.take(res);
  const [form] = postForms(res.text);
  assert.ok(form, `no login form: ${res.describe()}`);
  const submit = form.buttons.find((b) => b.name) ?? null;
  const body = new URLSearchParams(formData(form, user, submit)).toString();
  return { cookie: jar.header() ?? '', body, path: new URL(form.action || res.url, res.url).pathname };
}

const shq = (v) => `'${String(v).replaceAll("'", "'\\''")}'`;

async function main() {
  const server = SERVERS[kind];
  assert.ok(server, `unknown server kind ${kind}`);
  const meta = (await request('GET', base + discoveryPath)).json;
  if (flag === '--refresh' || flag === '--access') {
    const session = { headers: () => ({ cookie: env.SESSION_COOKIE }) };
    const [count, member] = flag === '--refresh' ? [BATCH, 'refresh_token'] : [ACCESS, 'access_token'];
    fs.writeFileSync(listFile, (await tokensOf(meta, server, session, count, member)).join('\n') + '\n');
    return;
  }
  const jar = new CookieJar();
  await server.signIn(meta, server, jar);
  const vars = {
    TOKEN_PATH: pathOf(meta.token_endpoint),
    USERINFO_PATH: pathOf(meta.userinfo_endpoint),
    INTROSPECT_PATH: pathOf(meta.introspection_endpoint),
    JWKS_PATH: pathOf(meta.jwks_uri),
    AUTHZ_PATH: authorizeUrl(meta, server).slice(base.length),
    SESSION_COOKIE: jar.header() ?? '',
    USER_TOKEN: (await codeFlow(meta, server, jar)).access_token,
    CC_TOKEN: (await token(meta, { grant_type: 'client_credentials', scope: server.ccScope })).access_token,
  };
  if (kind === 'gatehouse') {
    const f = await loginForm(meta, server);
    Object.assign(vars, { LOGIN_PATH: f.path, LOGIN_COOKIE: f.cookie, LOGIN_BODY: f.body });
  }
  for (const [k, v] of Object.entries(vars)) console.log(`${k}=${shq(v)}`);
}

main().catch((e) => {
  console.error(`prepare ${kind}: ${e.message}`);
  process.exit(1);
});
