// Dead ends in a real browser (issue 25 item 3): Debian's chromium through
// playwright-core. The authorization server's own address shows a page in the
// product's look (its style sheet applied) whose link opens the discovery
// document; unknown paths at both servers show the 404 page in that look; the
// sign-in form does not let a 5,000-character username be typed, and when an
// over-long one arrives anyway (a page without the limit) the browser gets
// the sign-in form back with a message, and signing in from it completes the
// pending request.
//
// Screenshots go to tests/e2e/artifacts/browser-dead-ends/ (git-ignored).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { Gateway } from './lib/gateway.mjs';
import { Gatehouse, setup, useServer } from './lib/harness.mjs';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'artifacts/browser-dead-ends');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STEP_MS = 15000;
const REDIRECT_URI = 'https://rp.example/cb';

describe('dead ends in chromium', { timeout: 120000 }, () => {
  const as = useServer(new Gatehouse({ label: 'authorization server' }));
  const gw = useServer(new Gateway({ platforms: () => ({ ottm: { kind: 'oidc', issuer: as.base, client_id: 'gw', client_secret: 'gw-secret-0123456789abcdef' } }) }));
  let browser;
  let user;

  setup(async () => {
    await as.addClient({ id: 'rp-browser-dead-ends', secret: 'rp-browser-dead-ends-secret', redirectUris: REDIRECT_URI });
    user = await as.addUser({ username: 'jisoo', password: 'j_isoo-Pass-1234', email: 'jisoo@example.com', nickname: 'jisoo' });
  });
  before(async () => {
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60000 });
  });
  after(async () => {
    await browser?.close();
  });

  async function withPage(locale, fn) {
    const context = await browser.newContext({ locale, viewport: { width: 1024, height: 768 } });
    context.setDefaultTimeout(STEP_MS);
    try {
      await fn(await context.newPage());
    } finally {
      await context.close();
    }
  }

  const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  /** The card's look comes from /static/gatehouse.css: a rounded card. */
  async function assertProductLook(page, what) {
    const radius = await page.locator('.card').evaluate((el) => getComputedStyle(el).borderTopLeftRadius);
    assert.equal(radius, '16px', `${what}: the style sheet is applied`);
  }

  test('the authorization server\'s address: a page, and its link opens the discovery document', async () => {
    await withPage('en-US', async (page) => {
      const res = await page.goto(as.url('/'));
      assert.equal(res.status(), 200);
      await assertProductLook(page, 'home');
      assert.match(await page.locator('h1').innerText(), /Gatehouse/);
      await shot(page, 'home');
      await page.locator('a[href="/.well-known/openid-configuration"]').click();
      await page.waitForURL(/openid-configuration$/);
      const discovery = JSON.parse(await page.locator('body').innerText());
      assert.equal(discovery.issuer, as.base);
    });
  });

  test('unknown paths at both servers: the 404 page in the product\'s look', async () => {
    await withPage('ko-KR', async (page) => {
      for (const [name, url] of [['as', as.url('/no/such/page')], ['gateway', gw.url('/no/such/page')]]) {
        const res = await page.goto(url);
        assert.equal(res.status(), 404, name);
        await assertProductLook(page, name);
        assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
        assert.equal(await page.locator('h1').innerText(), '페이지를 찾을 수 없습니다');
        await shot(page, `not-found-${name}`);
      }
    });
  });

  test('the sign-in form: a long username cannot be typed; an over-long one that arrives gets the form back', async () => {
    await withPage('en-US', async (page) => {
      const params = new URLSearchParams({ scope: 'openid', response_type: 'code', state: 'st-browser', client_id: 'rp-browser-dead-ends', redirect_uri: REDIRECT_URI });
      await page.goto(as.url(`/auth/authorize?${params}`));
      await page.locator('#username').fill('u'.repeat(5000));
      const typed = await page.locator('#username').inputValue();
      const max = Number(await page.locator('#username').getAttribute('maxlength'));
      assert.ok(max > 0 && typed.length === max, `the input keeps ${max} characters (kept ${typed.length})`);

      // A page without the limit (an old tab, a script): the server answers with the form.
      await page.locator('#username').evaluate((el) => el.removeAttribute('maxlength'));
      await page.locator('#username').fill('u'.repeat(5000));
      await page.locator('#password').fill('whatever');
      await Promise.all([page.waitForLoadState('load'), page.locator('button[type="submit"]').click()]);
      assert.match(await page.locator('.alert').innerText(), /too long/);
      await assertProductLook(page, 'sign-in form again');
      await shot(page, 'too-long');

      let landed = null;
      await page.route(`${REDIRECT_URI}**`, (route) => {
        landed = new URL(route.request().url());
        return route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the client' });
      });
      await page.locator('#username').fill(user.username);
      await page.locator('#password').fill(user.password);
      await page.locator('button[type="submit"]').click();
      await page.locator('button[name="decision"][value="allow"]').click();
      await page.waitForURL(`${REDIRECT_URI}**`);
      assert.ok(landed?.searchParams.get('code'), 'a code');
      assert.equal(landed.searchParams.get('state'), 'st-browser');
    });
  });
});
