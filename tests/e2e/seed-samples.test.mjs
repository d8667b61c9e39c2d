// Seed 004's sample requests, sent with curl as the seed writes them, only the
// base URL and the xxx placeholders replaced. The authorize sample has a
// literal space in "scope=openid profile"; curl 7.88 refuses a URL with a
// space ("URL using bad/illegal format", exit 3), and a browser following
// that link sends the space as %20, so that is what goes on the wire here.
// --globoff keeps curl from reading [] or {} in URLs as patterns.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

import { CookieJar, setup, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse();

const REDIRECT = 'https://oauth2.example.com/code';
let client;
let user;
const jar = new CookieJar();
const flow = {};

/** Runs curl -sS -i …args; resolves to { exit, status, headers (lower-cased, last wins), body, stderr }. */
function curl(args) {
  return new Promise((resolve, reject) => {
    const p = spawn('curl', ['-sS', '-i', '--max-time', '10', ...args]);
    const out = [];
    const err = [];
    p.stdout.on('data', (c) => out.push(c));
    p.stderr.on('data', (c) => err.push(c));
    p.on('error', (e) => reject(new Error(`cannot run curl: ${e.message}`)));
    p.on('close', (exit) => {
      const raw = Buffer.concat(out).toString().replace(/^(HTTP\/\S+ 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
      const split = raw.indexOf('\r\n\r\n');
      const head = split < 0 ? raw : raw.slice(0, split);
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const status = Number(statusLine.split(' ')[1]);
      resolve({ exit, status, headers, body: split < 0 ? '' : raw.slice(split + 4), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** The seed's authorize sample, space as %20, for this server and client. */
const authorizeSample = () =>
  `${gh.base}/auth/authorize?&scope=openid%20profile&response_type=code&state=xxx&redirect_uri=${REDIRECT}&client_id=${client.id}`;

setup(async () => {
  client = await gh.addClient({ id: 'ottm-game', secret: 'ottm-game-secret-0123456789', redirectUris: REDIRECT });
  user = await gh.addUser({ username: 'test', password: 'Rm4-Golx-1234', email: 'test@flask.global', nickname: 'test' });
});

test('sample 1: the authorize URL without a session answers the login page', async () => {
  const r = await curl(['--globoff', authorizeSample()]);
  assert.equal(r.exit, 0, r.stderr);
  assert.equal(r.status, 200, r.body.slice(0, 300));
  assert.match(r.headers['content-type'] ?? '', /^text\/html/i);
  assert.match(r.body, /<form[^>]*method=["']?post/i);
});

test('sample 1: once signed in and consented, the same URL redirects with code and state', async () => {
  const walked = await gh.authorize(authorizeSample(), { username: user.username, password: user.password, jar });
  assert.ok(walked.redirect, `login and consent: ${walked.response.describe()}`);
  const r = await curl(['--globoff', '-H', `Cookie: ${jar.header()}`, authorizeSample()]);
  assert.equal(r.exit, 0, r.stderr);
  assert.equal(r.status, 302, r.body.slice(0, 300));
  const loc = new URL(r.headers.location);
  assert.equal(loc.origin + loc.pathname, REDIRECT);
  assert.equal(loc.searchParams.get('state'), 'xxx');
  assert.equal(loc.searchParams.get('iss'), gh.base);
  assert.ok(loc.searchParams.get('code'));
  flow.code = loc.searchParams.get('code');
});

test('sample 2: the token request answers the seed 004 shape', async () => {
  assert.ok(flow.code, 'needs the code of the previous test');
  const body = `grant_type=authorization_code&code=${flow.code}&client_secret=${client.secret}&client_id=${client.id}&redirect_uri=${REDIRECT}`;
  const r = await curl(['-X', 'POST', `${gh.base}/oauth2/v1/token`, '-d', body]);
  assert.equal(r.exit, 0, r.stderr);
  assert.equal(r.status, 200, r.body);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/i);
  assert.match(r.headers['cache-control'] ?? '', /no-store/i);
  const t = JSON.parse(r.body);
  assert.deepEqual(Object.keys(t).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
  assert.equal(t.token_type, 'Bearer');
  assert.equal(t.expires_in, 3599);
  assert.deepEqual(t.scope.split(' ').sort(), ['openid', 'profile']);
  assert.match(t.id_token, /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/, 'a compact JWS, as the seed sample shows');
  flow.accessToken = t.access_token;
});

test('sample 3: userinfo with the Authorization header answers the seed 004 claims', async () => {
  assert.ok(flow.accessToken, 'needs the token of the previous test');
  const r = await curl([`${gh.base}/oauth2/v1/userinfo`, '-H', `Authorization: Bearer ${flow.accessToken}`]);
  assert.equal(r.exit, 0, r.stderr);
  assert.equal(r.status, 200, r.body);
  // seed 004's members, and preferred_username (profile, issue 22: docs/claims.md)
  assert.deepEqual(JSON.parse(r.body), { sub: user.sub, nickname: 'test', email: 'test@flask.global', preferred_username: user.username });
});

test('error sample: a wrong client secret answers the seed 004 error body exactly', async () => {
  const body = `grant_type=authorization_code&code=xxx&client_secret=xxx&client_id=${client.id}&redirect_uri=${REDIRECT}`;
  const r = await curl(['-X', 'POST', `${gh.base}/oauth2/v1/token`, '-d', body]);
  assert.equal(r.exit, 0, r.stderr);
  assert.equal(r.status, 400, r.body);
  assert.deepEqual(JSON.parse(r.body), { error: { code: '10076', message: 'Unauthorized oauth2 client' }, payload: null });
});
