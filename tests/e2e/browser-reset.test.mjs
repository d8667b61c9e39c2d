// Issue 21 in a browser (Debian's chromium through playwright-core): a member
// who forgot their password follows "Forgot your password?" from the sign-in
// page, asks for a link, opens it from the mail a real SMTP server received,
// chooses a new password (a weak one is refused first, saying why), and signs
// in with it, landing back at the application with a code. The reset and
// registration pages are audited with axe-core in both languages, and the
// Korean ones speak Korean.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launch, latinOnlySentences, openPage, readableText, seriousViolations } from './lib/browser.mjs';
import { setup, useServer } from './lib/harness.mjs';
import { Mailbox, MailGatehouse, linkIn } from './lib/mailbox.mjs';

const mailbox = new Mailbox();
await mailbox.start();
after(() => mailbox.stop());

const REDIRECT = 'https://rp.example/cb';
const USER = { username: 'greta', password: 'first-Kayak-91', email: 'greta@mail.test', nickname: 'greta' };
const NEW_PASSWORD = 'second-Lumen-92';

describe('forgot password, in chromium', { timeout: 120000 }, () => {
  const as = useServer(new MailGatehouse({ label: 'browser-reset', config: { registration: 'open' }, smtp: { url: mailbox.url, from: 'noreply@gatehouse.test', retry_min: 1 } }));
  let browser;
  setup(async () => {
    await as.addClient({ id: 'web', secret: 'web-secret-0123456789', redirectUris: REDIRECT });
    await as.addUser(USER);
  });
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('sign-in page → forgot password → mail → link → new password → sign in', async () => {
    const { context, page } = await openPage(browser, 'en');
    let landed = null;
    await context.route(`${REDIRECT}**`, (route) => {
      landed = new URL(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the client' });
    });
    try {
      const authorize = as.authorizeUrl({ client_id: 'web', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'st-1' });
      await page.goto(authorize);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.waitForURL((u) => u.pathname === '/auth/reset');
      assert.deepEqual(await seriousViolations(page), [], 'the reset form is accessible');
      const before = mailbox.messages.length;
      await page.getByLabel('Username or e-mail').fill(USER.email);
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByRole('heading', { name: 'Check your mail' }).waitFor();

      const link = linkIn(await mailbox.waitFor(USER.email, { after: before }), '/auth/reset');
      await page.goto(link);
      assert.deepEqual(await seriousViolations(page), [], 'the new-password form is accessible');
      await page.getByLabel('New password').fill('password');
      await page.getByRole('button', { name: 'Save the password' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.textContent(), /too short/);
      assert.equal(await page.getByLabel('New password').getAttribute('aria-invalid'), 'true');
      await page.getByLabel('New password').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Save the password' }).click();
      await page.getByRole('heading', { name: 'Password changed' }).waitFor();

      await page.goto(authorize);
      await page.locator('input[name="username"]').fill(USER.username);
      await page.locator('input[name="password"]').fill(NEW_PASSWORD);
      await page.locator('form button[type="submit"]').click();
      await page.locator('button[name="decision"][value="allow"]').click();
      await page.waitForURL((u) => u.href.startsWith(REDIRECT));
      assert.ok(landed?.searchParams.get('code'), 'back at the application with a code');
      assert.equal(landed.searchParams.get('state'), 'st-1');
    } finally {
      await context.close();
    }
  });

  for (const lang of ['en', 'ko']) {
    test(`${lang}: the reset and registration pages are accessible and in the page's language`, async () => {
      const { context, page } = await openPage(browser, lang);
      try {
        for (const p of ['/auth/reset', '/auth/register']) {
          await page.goto(as.url(p));
          assert.equal(await page.locator('html').getAttribute('lang'), lang);
          if (lang === 'ko') assert.deepEqual(latinOnlySentences(await readableText(page)), [], p);
          assert.deepEqual(await seriousViolations(page), [], p);
        }
      } finally {
        await context.close();
      }
    });
  }
});
