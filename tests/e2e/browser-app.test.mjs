// A single-page application in a real browser (Debian's chromium through
// playwright-core): a page on its own origin, not the issuer's, runs
// oauth4webapi (as published on npm) to sign its person in with the code
// flow, PKCE and DPoP, then calls userinfo, refreshes and revokes, every call
// a cross-origin fetch that the browser lets through only with the server's
// CORS answers (preflights for the DPoP and Authorization headers, the
// DPoP-Nonce and WWW-Authenticate headers the library must read). A page on
// an origin that is none of the client's redirect URIs' is refused and
// spends nothing; introspection is never readable from a page; discovery and
// the keys are readable from any.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';

import * as oauth from 'oauth4webapi';

import { openPage, useBrowser } from './lib/browser.mjs';
import { CookieJar, freePort, randomString, setup, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse({ config: { error_style: 'rfc6749' } }); // what oauth4webapi reads
const browser = useBrowser();
const USER = { username: 'mina', password: `Lantern-first-pw-${randomString(6)}`, email: 'mina@example.com', nickname: 'mn' };
const LIBRARY = fs.readFileSync(createRequire(import.meta.url).resolve('oauth4webapi'));

// The application: oauth4webapi's own calls, the way its documentation
// shows them, retried once on use_dpop_nonce.
const APP = `
import * as oauth from '/oauth4webapi.js';
const ISSUER = new URL(document.documentElement.dataset.issuer);
const CLIENT = { client_id: document.documentElement.dataset.client };
const REDIRECT = location.origin + '/cb';
const insecure = { [oauth.allowInsecureRequests]: true };
const metadata = async () => oauth.processDiscoveryResponse(ISSUER, await oauth.discoveryRequest(ISSUER, insecure));
async function withNonce(send, process) {
  try { return await process(await send()); } catch (e) {
    if (!oauth.isDPoPNonceError(e)) throw e;
    return process(await send());
  }
}
window.app = {
  async signIn() {
    const as = await metadata();
    const verifier = oauth.generateRandomCodeVerifier();
    sessionStorage.setItem('verifier', verifier);
    const url = new URL(as.authorization_endpoint);
    url.search = new URLSearchParams({ client_id: CLIENT.client_id, redirect_uri: REDIRECT, response_type: 'code',
      scope: 'openid profile', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    location.assign(url.href);
  },
  async finish() {
    const as = await metadata();
    const DPoP = oauth.DPoP(CLIENT, await oauth.generateKeyPair('ES256'));
    const params = oauth.validateAuthResponse(as, CLIENT, new URL(location.href));
    const tokens = await withNonce(
      () => oauth.authorizationCodeGrantRequest(as, CLIENT, oauth.None(), params, REDIRECT, sessionStorage.getItem('verifier'), { DPoP, ...insecure }),
      (res) => oauth.processAuthorizationCodeResponse(as, CLIENT, res));
    const sub = oauth.getValidatedIdTokenClaims(tokens).sub;
    const info = await withNonce(
      () => oauth.userInfoRequest(as, CLIENT, tokens.access_token, { DPoP, ...insecure }),
      (res) => oauth.processUserInfoResponse(as, CLIENT, sub, res));
    const refreshed = await withNonce(
      () => oauth.refreshTokenGrantRequest(as, CLIENT, oauth.None(), tokens.refresh_token, { DPoP, ...insecure }),
      (res) => oauth.processRefreshTokenResponse(as, CLIENT, res));
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, CLIENT, oauth.None(), refreshed.refresh_token, insecure));
    const again = await oauth.refreshTokenGrantRequest(as, CLIENT, oauth.None(), refreshed.refresh_token, { DPoP, ...insecure });
    return { tokenType: tokens.token_type, sub, nickname: info.nickname, refreshedType: refreshed.token_type,
             afterRevocation: (await again.json()).error };
  },
};
`;

/** A static site on its own origin: the application's page, its script and the library. */
class Site {
  async listen() {
    this.port = await freePort();
    this.origin = `http://127.0.0.1:${this.port}`;
    this.server = http.createServer((req, res) => {
      const path = new URL(req.url, this.origin).pathname;
      if (path === '/oauth4webapi.js' || path === '/app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        return res.end(path === '/app.js' ? APP : LIBRARY);
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><html data-issuer="${gh.base}" data-client="${this.client}"><title>app</title><script type="module" src="/app.js"></script><p id="page">${path}</p></html>`);
    });
    await new Promise((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }

  close() {
    this.server?.closeAllConnections?.();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const app = new Site();
const elsewhere = new Site();
before(async () => {
  await app.listen();
  await elsewhere.listen();
});
after(async () => {
  await app.close();
  await elsewhere.close();
});

let client;
setup(async () => {
  client = await gh.addClient({ id: 'spa', redirectUris: `${app.origin}/cb`, isPublic: true, scope: 'openid profile', grants: ['authorization_code', 'refresh_token'] });
  app.client = elsewhere.client = client.id;
  await gh.addUser(USER);
});

/** A page of site with the application loaded. */
async function appPage(site) {
  const opened = await openPage(await browser(), 'en');
  await opened.page.goto(`${site.origin}/`);
  await opened.page.waitForFunction(() => window.app);
  return opened;
}

/** A code of the client's for a known verifier, obtained outside the browser. */
async function code() {
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(gh.url('/auth/authorize'));
  url.search = new URLSearchParams({ client_id: client.id, redirect_uri: `${app.origin}/cb`, response_type: 'code', scope: 'openid', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const r = await gh.authorize(url.href, { username: USER.username, password: USER.password, jar: new CookieJar() });
  return { code: new URL(r.redirect).searchParams.get('code'), verifier };
}

/** What the page gets from a token request with this code: { status, body } or { failed }. */
function redeemIn(page, { code, verifier }) {
  const token = gh.url('/oauth2/v1/token');
  return page.evaluate(
    async ({ token, code, verifier, client, redirect }) => {
      try {
        const body = new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: client, redirect_uri: redirect });
        const res = await fetch(token, { method: 'POST', body });
        return { status: res.status, body: await res.json() };
      } catch (e) {
        return { failed: String(e) };
      }
    },
    { token, code, verifier, client: client.id, redirect: `${app.origin}/cb` },
  );
}

test('oauth4webapi in a page of its own origin: code flow with PKCE and DPoP, userinfo, refresh, revocation', async () => {
  const { context, page } = await appPage(app);
  try {
    await Promise.all([page.waitForURL(/\/auth\/authorize/), page.evaluate(() => window.app.signIn())]);
    await page.locator('input[name="username"]').fill(USER.username);
    await page.locator('input[name="password"]').fill(USER.password);
    await page.locator('form button[type="submit"]').click();
    await page.locator('button[name="decision"][value="allow"]').click();
    await page.waitForURL(`${app.origin}/cb?**`);
    await page.waitForFunction(() => window.app);
    const result = await page.evaluate(() => window.app.finish());
    assert.equal(result.tokenType, 'dpop');
    assert.equal(result.nickname, USER.nickname);
    assert.match(result.sub, /^[0-9a-f]{32}$/);
    assert.equal(result.refreshedType, 'dpop');
    assert.equal(result.afterRevocation, 'invalid_grant', 'the revoked refresh token is refused');
  } finally {
    await context.close();
  }
});

test("a page on another origin cannot redeem the client's code, which stays the client's", async () => {
  const obtained = await code();
  const other = await appPage(elsewhere);
  const own = await appPage(app);
  try {
    const refused = await redeemIn(other.page, obtained);
    assert.equal(refused.status, 400, JSON.stringify(refused));
    assert.match(JSON.stringify(refused.body), /origin/);
    const redeemed = await redeemIn(own.page, obtained);
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed));
    assert.ok(redeemed.body.access_token);
    assert.equal((await redeemIn(own.page, obtained)).status, 400, 'spent once, then refused');
  } finally {
    await other.context.close();
    await own.context.close();
  }
});

test('discovery and the keys from any page; introspection from none', async () => {
  const { context, page } = await appPage(elsewhere);
  try {
    const got = await page.evaluate(
      async ({ base }) => {
        const json = async (path) => (await fetch(base + path)).json();
        let introspection;
        try {
          await fetch(`${base}/oauth2/v1/introspect`, { method: 'POST', body: new URLSearchParams({ token: 'x', client_id: 'spa' }) });
          introspection = 'read';
        } catch (e) {
          introspection = e.name;
        }
        return { issuer: (await json('/.well-known/openid-configuration')).issuer, keys: (await json('/oauth2/v1/keys')).keys.length, introspection };
      },
      { base: gh.base },
    );
    assert.equal(got.issuer, gh.base);
    assert.ok(got.keys >= 1);
    assert.equal(got.introspection, 'TypeError', 'the browser keeps the answer from the page');
  } finally {
    await context.close();
  }
});
