// Second factors in a real browser (issue 20, docs/mfa.md): in chromium, a
// signed-in member opens /account/mfa, sees the QR code (inline SVG) and
// the key as text, types the first code an independent TOTP implementation
// (otplib) makes from that key, and gets ten recovery codes; a new sign-in
// then asks for the code after the password and lands back at the client.
// axe-core audits the second-factor and enrolment pages in English and
// Korean, and the Korean second-factor page has no sentence in English.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { generate } from 'otplib';

import { latinOnlySentences, launch, openPage, readableText, seriousViolations } from './lib/browser.mjs';
import { Gatehouse, randomString, sleep, useServer } from './lib/harness.mjs';

const REDIRECT = 'https://rp.example/cb';
const RP = { id: 'rp-browser-mfa', secret: `rp-${randomString(24)}`, redirectUris: REDIRECT };
const USER = { username: 'jiwoo', password: `pw-${randomString()}`, email: 'jiwoo@example.com', nickname: 'jiwoo' };

/** The TOTP code of secret `offset` steps from now (otplib). */
const totp = (secret, offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * offset });

describe('second factors in chromium', { timeout: 180000 }, () => {
  const as = useServer(new Gatehouse({ label: 'authorization server' }));
  let browser;
  let secret;
  let codes = [];

  before(async () => {
    await as.addClient(RP);
    await as.addUser(USER);
    browser = await launch();
  });
  after(async () => browser?.close());

  const authorizeUrl = (lang = 'en') =>
    as.url(`/auth/authorize?${new URLSearchParams({ client_id: RP.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'st', ui_locales: lang })}`);

  /** A page whose visits to the client's redirect URI end there (the client is not running). */
  async function open(lang) {
    const { context, page } = await openPage(browser, lang);
    await context.route('https://rp.example/**', (r) => r.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the client' }));
    return { context, page };
  }

  async function password(page) {
    await page.fill('#username', USER.username);
    await page.fill('#password', USER.password);
    await page.click('button[type=submit]');
  }

  test('enrolment: the QR code and the key as text, confirmed with a first code; recovery codes shown', async () => {
    const { context, page } = await open('en');
    try {
      await page.goto(authorizeUrl());
      await password(page);
      await page.click('button[name=decision][value=allow]');
      await page.waitForURL(/^https:\/\/rp\.example\/cb\?code=/);
      await page.goto(as.url('/account/mfa'));
      const qr = page.locator('svg.qr');
      assert.ok(await qr.isVisible(), 'the QR code is drawn');
      const box = await qr.boundingBox();
      assert.ok(box.width >= 150 && box.height >= 150, `large enough to scan: ${box.width}x${box.height}`);
      assert.match(await qr.getAttribute('role'), /img/);
      secret = (await page.textContent('#totp-key')).trim();
      assert.match(secret, /^[A-Z2-7]{32}$/);
      assert.deepEqual(await seriousViolations(page), [], 'the enrolment page');
      const into = (Date.now() / 1000) % 30;
      if (into > 25) await sleep((30 - into) * 1000 + 200);
      await page.fill('#otp', await totp(secret));
      await page.click('button[type=submit]');
      await page.waitForSelector('ol.recovery-codes');
      assert.equal(await page.locator('ol.recovery-codes li').count(), 10);
      codes = (await page.locator('ol.recovery-codes li').allTextContents()).map((c) => c.trim());
      assert.deepEqual(await seriousViolations(page), [], 'the recovery codes page');
    } finally {
      await context.close();
    }
  });

  test('sign-in asks for the code after the password, then goes back to the client', async () => {
    assert.ok(secret, 'enrolled by the test before');
    const { context, page } = await open('en');
    try {
      await page.goto(authorizeUrl());
      await password(page);
      const otp = page.locator('input[name=otp]');
      await otp.waitFor();
      assert.equal(await otp.getAttribute('autocomplete'), 'one-time-code');
      assert.equal(await otp.getAttribute('inputmode'), 'numeric');
      assert.equal(await page.locator('form[method=post]').count(), 1);
      assert.deepEqual(await seriousViolations(page), [], 'the second-factor page');
      await page.fill('#otp', '000000' === (await totp(secret, 1)) ? '111111' : '000000');
      await page.click('button[type=submit]');
      await page.waitForSelector('#form-error');
      assert.equal(await otp.getAttribute('aria-invalid'), 'true');
      assert.deepEqual(await seriousViolations(page), [], 'the second-factor page with its error');
      await page.fill('#otp', await totp(secret, 1)); /* the enrolment used this step */
      await page.click('button[type=submit]');
      await page.waitForURL(/^https:\/\/rp\.example\/cb\?code=/);
    } finally {
      await context.close();
    }
  });

  test('the Korean second-factor page speaks Korean and passes axe', async () => {
    const { context, page } = await open('ko');
    try {
      await page.goto(authorizeUrl('ko'));
      await password(page);
      await page.locator('input[name=otp]').waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'ko');
      await page.click('summary');
      assert.deepEqual(latinOnlySentences(await readableText(page)), []);
      assert.deepEqual(await seriousViolations(page), [], 'the Korean second-factor page');
    } finally {
      await context.close();
    }
  });

  test('turning the app off: the Turn off form passes axe, a wrong code is marked, a recovery code turns it off', async () => {
    assert.ok(codes.length === 10, 'recovery codes from the enrolment test');
    const { context, page } = await open('en');
    try {
      await page.goto(authorizeUrl());
      await password(page);
      await page.fill('#otp', codes[0]);
      await page.click('button[type=submit]');
      await page.click('a:has-text("Continue")');
      await page.waitForURL(/^https:\/\/rp\.example\/cb\?code=/);
      await page.goto(as.url('/account/mfa'));
      const field = page.locator('#off-otp');
      await field.waitFor();
      assert.deepEqual(await seriousViolations(page), [], 'the status page with its Turn off form');
      await field.fill('000000' === (await totp(secret, 1)) ? '111111' : '000000');
      await page.click('#mfa-off button[type=submit]');
      await page.waitForSelector('#form-error');
      assert.equal(await page.locator('#off-otp').getAttribute('aria-invalid'), 'true');
      assert.deepEqual(await seriousViolations(page), [], 'the Turn off form with its error');
      await page.fill('#off-otp', codes[1]);
      await page.click('#mfa-off button[type=submit]');
      await page.waitForURL(/\/account\?done=mfa_off$/);
      assert.match(await readableText(page), /Sign-ins no longer ask for its codes/);
      assert.deepEqual(await seriousViolations(page), [], 'the account page saying so');
    } finally {
      await context.close();
    }
  });
});
