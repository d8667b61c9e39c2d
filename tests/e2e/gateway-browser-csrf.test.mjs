// Login CSRF and cross-site logout in a real browser (issue 17, items 1 and
// 2): Debian's chromium through playwright-core, the gateway with an OpenID
// provider stand-in (tests/platforms/oidc.mjs: consents at once, sends RFC
// 9207 iss) as its platform.
//
//   - The person signs in through the gateway's page (the login cookie, the
//     JSON calls and the callback's iss all work in a browser).
//   - An attacker mints a login URL, signs in at the platform as himself and
//     sends the callback link to a victim: opened in the victim's browser it
//     signs nobody in (no access or refresh cookie, no account).
//   - A page on another site auto-submits <form method=post
//     enctype=text/plain> to /oauth2/api/logout: the person stays signed in.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { chromium } from 'playwright-core';

import { oidcStandin } from '../platforms/oidc.mjs';
import { CookieJar, followAuthorize, useGateway } from './lib/gateway.mjs';
import { querySql } from './lib/harness.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STEP_MS = 15000;
const PLATFORM = 'op';

describe('login CSRF and cross-site logout in chromium', { timeout: 180000 }, () => {
  const op = oidcStandin();
  before(() => op.start());
  after(() => op.stop());
  const gw = useGateway({ platforms: () => ({ [PLATFORM]: { ...op.config(), label: 'Stand-in' } }) });
  let browser;
  let evil; /* the attacker's site: http://localhost:PORT, another site than the gateway's 127.0.0.1 */
  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60000 });
    evil = http.createServer((req, res) => {
      const target = `${gw.base}/oauth2/api/logout`;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>win a prize</title><form method="post" enctype="text/plain" action="${target}"><input type="hidden" name='{"x":"' value='"}'></form><script>document.forms[0].submit()</script>`);
    });
    await new Promise((resolve) => evil.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await browser?.close();
    evil?.close();
  });

  const accounts = () => Number(querySql(gw.db, 'SELECT count(*) FROM gateway_users'));

  async function openPage() {
    const context = await browser.newContext();
    context.setDefaultTimeout(STEP_MS);
    return { context, page: await context.newPage() };
  }

  /** The gateway's cookies held by the browser, by name. */
  async function cookies(context) {
    return Object.fromEntries((await context.cookies(gw.base)).map((c) => [c.name, c.value]));
  }

  /** Signs in through the page: the platform button, the stand-in's redirect, the callback. */
  async function signInThroughPage(page) {
    await page.goto(gw.url('/'));
    await page.locator(`button[data-platform="${PLATFORM}"]`).click();
    await page.locator('#view-signedin').waitFor();
    assert.equal(await page.locator('#user-email').textContent(), 'olive@example.com');
  }

  test("the gateway's page signs in (login cookie, JSON calls, iss carried)", async () => {
    const { context, page } = await openPage();
    try {
      await signInThroughPage(page);
      const held = await cookies(context);
      assert.ok(held.access && held.refresh, 'signed in');
      assert.equal(held.gw_login, undefined, 'the login cookie is spent');
      assert.equal(op.calls('token').length > 0, true);
    } finally {
      await context.close();
    }
  });

  test("the attacker's callback link opened in the victim's browser signs nobody in", async () => {
    // the attacker: a login URL, and the platform's answer for his own account
    const attacker = new CookieJar();
    const { callback } = await followAuthorize(await gw.loginUrl(PLATFORM, attacker), gw.base);
    assert.ok(callback.searchParams.get('code') && callback.searchParams.get('iss'));
    const users = accounts();
    const tokenCalls = op.calls('token').length;
    const { context, page } = await openPage();
    try {
      await page.goto(callback.href);
      await page.locator('#view-signin').waitFor();
      const notice = page.locator('#signin-notice');
      await notice.waitFor();
      assert.match(await notice.locator('p').first().textContent(), /Sign-in could not be completed/);
      const held = await cookies(context);
      assert.equal(held.access, undefined, 'no access cookie');
      assert.equal(held.refresh, undefined, 'no refresh cookie');
      assert.equal(accounts(), users, 'no account');
      assert.equal(op.calls('token').length, tokenCalls, 'the code was not even redeemed');
      await page.goto(gw.url('/'));
      await page.locator('#view-signin').waitFor();
    } finally {
      await context.close();
    }
  });

  test('a cross-site text/plain form to /oauth2/api/logout leaves the person signed in', async () => {
    const { context, page } = await openPage();
    try {
      await signInThroughPage(page);
      const before = await cookies(context);
      const attack = await context.newPage();
      const answer = attack.waitForResponse((r) => r.url() === `${gw.base}/oauth2/api/logout`);
      await attack.goto(`http://localhost:${evil.address().port}/`);
      const res = await answer;
      await attack.waitForLoadState();
      const after = await cookies(context);
      assert.equal(after.access, before.access, 'the access cookie is kept');
      assert.equal(after.refresh, before.refresh, 'the refresh cookie is kept');
      assert.equal(res.status(), 403, 'the cross-site logout is refused');
      assert.equal(await res.request().headerValue('sec-fetch-site'), 'cross-site');
      await page.goto(gw.url('/'));
      await page.locator('#view-signedin').waitFor();
      // the page's own logout still works
      await page.locator('#logout').click();
      await page.locator('#view-signin').waitFor();
      assert.equal((await cookies(context)).access, undefined, 'signed out by the page');
    } finally {
      await context.close();
    }
  });
});
