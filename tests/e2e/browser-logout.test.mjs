// Logout everywhere in a real browser (Debian's chromium through
// playwright-core): a person signs in to two relying parties written here
// (node http servers, each exchanging its code server-side), then signs out
// at one of them through /auth/logout. The back-channel client receives a
// logout token naming the session; the front-channel client's logout URL is
// loaded in an iframe of the "signed out" page with iss and sid (Front-Channel
// Logout 1.0 §3), under a CSP whose frame-src names exactly that origin; and
// the browser then goes on to the post_logout_redirect_uri with state.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import * as jose from 'jose';

import { launch, openPage } from './lib/browser.mjs';
import { Gatehouse, basicAuth, decodeJwt, freePort, randomString, request, useServer } from './lib/harness.mjs';

const USER = { username: 'hana', password: `pw-${randomString()}`, email: 'hana@example.com', nickname: 'hn' };

/** A relying party on 127.0.0.1: /login starts sign-in, /cb takes the code, the rest is recorded. */
class RelyingParty {
  constructor(as, id) {
    this.as = as;
    this.id = id;
    this.secret = `${id}-secret-${randomString(16)}`;
    this.seen = [];
    this.idToken = null;
  }

  async listen() {
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }

  close() {
    this.server?.closeAllConnections?.();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  async handle(req, res) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const url = new URL(req.url, this.base);
    this.seen.push({ path: url.pathname, query: url.searchParams, body: Buffer.concat(chunks).toString(), method: req.method });
    if (url.pathname === '/login') {
      const q = new URLSearchParams({ client_id: this.id, redirect_uri: `${this.base}/cb`, response_type: 'code', scope: 'openid profile', state: 's1' });
      res.writeHead(302, { location: `${this.as.url('/auth/authorize')}?${q}` });
      return res.end();
    }
    if (url.pathname === '/cb') {
      const body = new URLSearchParams({ grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: `${this.base}/cb` });
      const r = await request('POST', this.as.url('/oauth2/v1/token'), { body, headers: { authorization: basicAuth(this.id, this.secret) } });
      this.idToken = r.json?.id_token ?? null;
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(`<!doctype html><title>${this.id}</title><p id="who">${this.idToken ? 'signed in' : 'failed'}</p>`);
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>${this.id}</title><p id="page">${url.pathname}</p>`);
  }

  requests(path) {
    return this.seen.filter((s) => s.path === path);
  }
}

describe('logout reaches every relying party of the session, in chromium', { timeout: 180000 }, () => {
  const as = useServer(new Gatehouse({ label: 'authorization server' }));
  const back = new RelyingParty(as, 'rp-back');
  const front = new RelyingParty(as, 'rp-front');
  let browser;

  before(async () => {
    await back.listen();
    await front.listen();
    await as.start();
    await as.addClient({
      id: back.id,
      secret: back.secret,
      redirectUris: `${back.base}/cb`,
      postLogoutRedirectUris: `${back.base}/bye`,
      scope: 'openid profile',
      extraArgs: ['--backchannel-logout-uri', `${back.base}/backchannel`],
    });
    await as.addClient({
      id: front.id,
      secret: front.secret,
      redirectUris: `${front.base}/cb`,
      scope: 'openid profile',
      extraArgs: ['--frontchannel-logout-uri', `${front.base}/frontchannel?x=1`, '--frontchannel-logout-session-required'],
    });
    await as.addUser(USER);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await back.close();
    await front.close();
  });

  async function signInAt(page, rp, { login }) {
    await page.goto(`${rp.base}/login`);
    if (login) {
      await page.locator('input[name="username"]').fill(USER.username);
      await page.locator('input[name="password"]').fill(USER.password);
      await page.locator('form button[type="submit"]').click();
    }
    await page.locator('button[name="decision"][value="allow"]').click();
    await page.locator('#who').waitFor();
    assert.equal(await page.locator('#who').textContent(), 'signed in');
  }

  test('sign in to two relying parties, sign out at one: back-channel token, front-channel iframe, then back', async () => {
    const { context, page } = await openPage(browser, 'en');
    try {
      await signInAt(page, back, { login: true });
      await signInAt(page, front, { login: false }); /* the same session */
      const sid = decodeJwt(back.idToken).payload.sid;
      assert.equal(decodeJwt(front.idToken).payload.sid, sid);

      const frameLoaded = page.waitForRequest((r) => r.url().startsWith(`${front.base}/frontchannel`));
      const signedOut = page.waitForResponse((r) => r.url().startsWith(as.url('/auth/logout')));
      const q = new URLSearchParams({ id_token_hint: back.idToken, post_logout_redirect_uri: `${back.base}/bye`, state: 'after-logout' });
      await page.goto(`${as.url('/auth/logout')}?${q}`, { waitUntil: 'commit' });
      const res = await signedOut;
      assert.equal(res.status(), 200);
      const csp = res.headers()['content-security-policy'];
      const frameSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('frame-src'));
      assert.equal(frameSrc, `frame-src ${front.base}`, csp);
      assert.match(csp, /frame-ancestors 'none'/);

      const frame = new URL((await frameLoaded).url());
      assert.equal(frame.searchParams.get('x'), '1', 'the registered query is kept');
      assert.equal(frame.searchParams.get('iss'), as.base);
      assert.equal(frame.searchParams.get('sid'), sid);

      await page.waitForURL((u) => u.href.startsWith(`${back.base}/bye`));
      assert.equal(new URL(page.url()).searchParams.get('state'), 'after-logout');

      const deadline = Date.now() + 10000;
      while (back.requests('/backchannel').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const [call] = back.requests('/backchannel');
      assert.ok(call, 'the back-channel client was called');
      const token = new URLSearchParams(call.body).get('logout_token');
      const jwks = jose.createRemoteJWKSet(new URL(as.url('/oauth2/v1/keys')));
      const { payload } = await jose.jwtVerify(token, jwks, { issuer: as.base, audience: back.id, typ: 'logout+jwt' });
      assert.equal(payload.sid, sid);
      assert.equal(front.requests('/backchannel').length, 0);

      /* signed out: the next sign-in asks for the password again */
      await page.goto(`${back.base}/login`);
      await page.locator('input[name="password"]').waitFor();
    } finally {
      await context.close();
    }
  });
});
