// The seed 000 sequence in a real browser: Debian's chromium, driven by
// playwright-core (which never downloads a browser of its own), against our
// authorization server and the gateway with our server as its `ottm`
// platform. The person opens the gateway's page, chooses ottm, signs in on
// our login page, allows on our consent page, lands back signed in with
// their name and email shown (no Review consent for an OpenID provider),
// signs out of the gateway and of our server at once (single_sign_out), signs
// in again with the password and unlinks the account after confirming; the Korean page speaks Korean and
// its switch changes the language in place and remembers it.
//
// Screenshots of every step go to tests/e2e/artifacts/browser/ (git-ignored).
// CHROMIUM (default /usr/bin/chromium) names the browser.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { Gateway } from './lib/gateway.mjs';
import { Gatehouse, randomString, useServer } from './lib/harness.mjs';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'artifacts/browser');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STEP_MS = 15000;
const PLATFORM = 'ottm';
const LABEL = 'OTTM';

const USER = {
  username: 'minji',
  password: `pw-${randomString()}`,
  email: 'minji@ottm.example',
  nickname: 'minji',
  name: 'Kim Minji',
};
const CLIENT = { id: 'gateway', secret: `gw-secret-${randomString(24)}` };

describe('the seed 000 sequence in chromium', { timeout: 180000 }, () => {
  const as = useServer(new Gatehouse({ label: 'authorization server' }));
  let platforms;
  const gw = new Gateway({ platforms: () => platforms });
  let browser;

  before(async () => {
    await gw.reserve();
    await as.addClient({ ...CLIENT, redirectUris: gw.callbackUrl(PLATFORM), postLogoutRedirectUris: `${gw.base}/` });
    await as.addUser(USER);
    platforms = {
      [PLATFORM]: {
        kind: 'oidc',
        issuer: as.base,
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        scope: 'openid profile email',
        label: LABEL,
        single_sign_out: 'true',
      },
    };
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  useServer(gw);
  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60000 });
  });
  after(async () => {
    await browser?.close();
  });

  /** A fresh context (no cookies, no storage) and one page, with its console problems collected. */
  async function openPage(locale) {
    const context = await browser.newContext({ locale, viewport: { width: 1024, height: 768 } });
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      /* a failed call (auto login without cookies answers 401) is logged by chromium; it is not a fault */
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    return { context, page, problems };
  }

  const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  test('sign in through our server, see the user, re-consent, sign out', async () => {
    const { context, page, problems } = await openPage('en-US');
    try {
      await page.goto(gw.url('/'));
      await page.locator('#view-signin').waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.locator('#view-signin h1').textContent(), 'Sign in');
      const button = page.locator(`button[data-platform="${PLATFORM}"]`);
      assert.equal(await button.locator('span').last().textContent(), `Continue with ${LABEL}`);
      await shot(page, '01-gateway-sign-in');

      await button.click();
      await page.waitForURL((u) => u.origin === as.base && u.pathname === '/auth/authorize');
      await page.locator('input[name="username"]').fill(USER.username);
      await page.locator('input[name="password"]').fill(USER.password);
      await shot(page, '02-login-page');
      await page.locator('form button[type="submit"]').click();

      const allow = page.locator('button[name="decision"][value="allow"]');
      await allow.waitFor();
      await shot(page, '03-consent-page');
      await allow.click();

      await page.locator('#view-signedin').waitFor();
      assert.equal(new URL(page.url()).pathname, '/', 'the code is taken out of the address bar');
      assert.equal(await page.locator('#user-name').textContent(), USER.name);
      assert.equal(await page.locator('#user-email').textContent(), USER.email);
      assert.equal(await page.locator('#user-platform').textContent(), LABEL);
      await shot(page, '04-signed-in');

      /* an OpenID provider has no consent screen of its own to ask again (issue 19) */
      assert.equal(await page.locator('#reconsent').isHidden(), true, 'no Review consent for OTTM');

      await page.reload();
      await page.locator('#view-signedin').waitFor();

      await page.locator('#logout').click();
      await page.locator('#view-signin').waitFor();
      assert.equal(await page.locator('#signin-notice').textContent(), 'You are signed out.');
      await shot(page, '06-signed-out');

      await page.reload();
      await page.locator('#view-signin').waitFor();
      assert.equal(await page.locator('#signin-notice').isHidden(), true);

      /* one sign-out (issue 19): our server forgot the person too, so OTTM asks for the password again */
      await page.locator(`button[data-platform="${PLATFORM}"]`).click();
      await page.waitForURL((u) => u.origin === as.base && u.pathname === '/auth/authorize');
      await page.locator('input[name="password"]').waitFor();
      await page.locator('input[name="username"]').fill(USER.username);
      await page.locator('input[name="password"]').fill(USER.password);
      await page.locator('form button[type="submit"]').click();
      await page.locator('#view-signedin').waitFor(); /* consent given before */
      await page.locator('#revoke').click();
      await page.locator('#revoke-confirm').waitFor();
      await shot(page, '07-unlink-confirm');
      await page.locator('#revoke-yes').click();
      await page.locator('#view-signin').waitFor();
      assert.match(await page.locator('#signin-notice').textContent(), /unlinked/);
      await shot(page, '08-unlinked');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a refused sign-in comes back as words, not a code', async () => {
    const { context, page, problems } = await openPage('en-US');
    try {
      await page.goto(gw.url(`/oauth2/callback?platform=${PLATFORM}&error=access_denied&state=x`));
      await page.locator('#view-signin').waitFor();
      const notice = page.locator('#signin-notice');
      await notice.waitFor();
      assert.match(await notice.textContent(), /did not agree to share/);
      assert.doesNotMatch(await notice.textContent(), /access_denied/);
      await shot(page, '09-refused');
      /* a platform's own failure names the platform by its label (issue 19) */
      await page.goto(gw.url(`/oauth2/callback?platform=${PLATFORM}&error=server_error&state=x`));
      await page.locator('#signin-notice').waitFor();
      assert.match(await page.locator('#signin-notice').textContent(), new RegExp(`^${LABEL} could not sign you in`));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the Korean page speaks Korean, and the switch changes the language and remembers it', async () => {
    const { context, page, problems } = await openPage('ko-KR');
    try {
      await page.goto(gw.url('/'));
      await page.locator('#view-signin').waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
      assert.equal(await page.locator('#view-signin h1').textContent(), '로그인');
      assert.match(await page.locator(`button[data-platform="${PLATFORM}"]`).textContent(), /OTTM 계정으로 로그인/);
      assert.equal(await page.locator('#lang-switch').textContent(), 'English');
      await shot(page, '10-korean');

      await page.locator('#lang-switch').click();
      assert.equal(await page.locator('#view-signin h1').textContent(), 'Sign in');
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await page.reload();
      await page.locator('#view-signin').waitFor();
      assert.equal(await page.locator('#view-signin h1').textContent(), 'Sign in', 'the choice is remembered');
      await shot(page, '11-switched-to-english');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('on a phone the page fits the screen', async () => {
    const { context, page } = await openPage('en-US');
    try {
      await page.setViewportSize({ width: 375, height: 740 });
      await page.goto(gw.url('/'));
      await page.locator('#view-signin').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
      await shot(page, '12-phone');
    } finally {
      await context.close();
    }
  });
});
