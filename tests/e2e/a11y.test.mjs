// Issue 25 item 5: the pages work for keyboards and screen readers. In
// chromium: axe-core audits every page (sign-in, with and without an error,
// consent, sign-out confirmation, error and information pages, the device
// pages, the gateway's page signed out, signed in, with the unlink question
// open and without JavaScript) in both languages, light and dark, and fails
// on any serious or critical violation; and the checks axe cannot make:
// Tab follows the visual order of the consent buttons, errors are tied to
// their inputs, the light focus ring has 3:1 contrast (WCAG 1.4.11), focus
// is kept when the unlink question closes and moved when the gateway's view
// changes, and the gateway without JavaScript says so instead of spinning.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { openPage, seriousViolations, useSignInStack } from './lib/browser.mjs';
import { randomString } from './lib/harness.mjs';

const PLATFORM = 'ottm';
const REDIRECT = 'https://rp.example/cb';
const BYE = 'https://rp.example/bye';
const USER = { username: 'minji', password: `pw-${randomString()}`, email: 'minji@ottm.example', nickname: 'minji', name: 'Kim Minji' };
const GW_CLIENT = { id: 'gateway', secret: `gw-secret-${randomString(24)}` };
const RP = { id: 'rp-a11y', secret: `rp-a11y-${randomString(24)}`, redirectUris: REDIRECT, postLogoutRedirectUris: BYE, scope: 'openid profile email offline_access' };
const LANGS = ['en', 'ko'];

/** WCAG's relative luminance of an rgb()/rgba() colour (alpha ignored). */
function luminance(css) {
  const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('accessibility of every page, in chromium', { timeout: 400000 }, () => {
  const stack = useSignInStack({ platform: PLATFORM, gwClient: GW_CLIENT, rp: RP, user: USER });
  const { as, gw } = stack;

  async function withPage(lang, opts, fn) {
    const { context, page } = await openPage(stack.browser, lang, opts);
    try {
      return await fn(page);
    } finally {
      await context.close();
    }
  }

  const authorizeUrl = (lang, extra = {}) => as.authorizeUrl({ client_id: RP.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile offline_access', state: 's', ui_locales: lang, prompt: 'consent', ...extra });

  async function signIn(page, password = USER.password) {
    await page.locator('input[name="username"]').fill(USER.username);
    await page.locator('input[name="password"]').fill(password);
    await page.locator('form button[type="submit"]').click();
    await page.waitForLoadState();
  }

  /** Every page of the authorization server on the way through a sign-in, consent and sign-out. */
  async function auditServerPages(page, lang, found) {
    const audit = async (what) => {
      if (process.env.A11Y_DEBUG) console.log('audit', what, page.url());
      for (const v of await seriousViolations(page)) found.push(`${what}: ${v}`);
    };
    await page.goto(authorizeUrl(lang));
    await audit('sign-in');
    await signIn(page, 'wrong-password');
    await audit('sign-in, wrong password');
    await signIn(page);
    await page.locator('button[name="decision"]').first().waitFor();
    await audit('consent');
    await page.goto(as.url(`/auth/logout?client_id=${RP.id}&ui_locales=${lang}`));
    await audit('sign-out confirmation');
    await page.locator('button[name="confirm"]').click();
    await page.waitForLoadState();
    await audit('signed out');
    await page.goto(authorizeUrl(lang, { redirect_uri: 'https://evil.example/' }));
    await audit('error page');
    await page.goto(as.url('/auth/device'));
    await audit('device: sign-in');
    await signIn(page);
    await page.locator('input[name="user_code"]').waitFor();
    await audit('device: code');
    await page.locator('input[name="user_code"]').fill('BCDF-GHJK');
    await page.locator('form button[type="submit"]').click();
    await page.locator('.alert').waitFor();
    await audit('device: wrong code');
  }

  /** Allows on the consent page when it comes (the consent is remembered), then waits for the gateway's signed-in view. */
  async function allowOnce(page) {
    const allow = page.locator('button[name="decision"][value="allow"]');
    const signedIn = page.locator('#view-signedin');
    await Promise.race([allow.waitFor(), signedIn.waitFor()]);
    if (await allow.isVisible()) await allow.click();
    await signedIn.waitFor();
  }

  /** The gateway's page signed out, signed in, with the unlink question open. */
  async function auditGateway(page, found) {
    const audit = async (what) => {
      if (process.env.A11Y_DEBUG) console.log('audit', what, page.url());
      for (const v of await seriousViolations(page)) found.push(`${what}: ${v}`);
    };
    await page.goto(gw.url('/'));
    await page.locator('#view-signin').waitFor();
    await audit('gateway signed out');
    await page.locator(`button[data-platform="${PLATFORM}"]`).click();
    await signIn(page);
    await allowOnce(page);
    await audit('gateway signed in');
    await page.route('**/oauth2/api/userinfo', (r) => r.abort()); /* a notice on the page */
    await page.reload();
    await page.locator('#signin-notice').waitFor();
    await audit('gateway with a notice');
    await page.unroute('**/oauth2/api/userinfo');
    await page.reload();
    await page.locator('#view-signedin').waitFor();
    await page.locator('#revoke').click();
    await audit('gateway unlink question');
  }

  for (const lang of LANGS) {
    for (const dark of [false, true]) {
      test(`axe finds nothing serious: ${lang}, ${dark ? 'dark' : 'light'}`, async () => {
        const found = [];
        await withPage(lang, { dark }, (page) => auditServerPages(page, lang, found));
        await withPage(lang, { dark }, (page) => auditGateway(page, found));
        /* axe needs script: the page without its own script, <noscript> shown as without JavaScript */
        await withPage(lang, { dark }, async (page) => {
          await page.route('**/gateway/app.js', (r) => r.abort());
          await page.goto(gw.url('/'));
          await page.evaluate(() => {
            for (const n of document.querySelectorAll('noscript')) {
              const shown = document.createElement('div');
              shown.innerHTML = n.textContent;
              n.replaceWith(...shown.childNodes);
            }
          });
          for (const v of await seriousViolations(page)) found.push(`gateway without JavaScript: ${v}`);
        });
        assert.deepEqual(found, []);
      });
    }
  }

  test('Tab goes through the consent buttons in the order they are seen, on a desktop and a phone', async () => {
    for (const width of [1024, 375]) {
      await withPage('en', { width }, async (page) => {
        await page.goto(authorizeUrl('en'));
        await signIn(page);
        const buttons = page.locator('button[name="decision"]');
        await buttons.first().waitFor();
        /* the order seen: top to bottom, then left to right */
        const boxes = await buttons.evaluateAll((els) => els.map((e) => ({ value: e.value, ...e.getBoundingClientRect().toJSON() })));
        const seen = boxes.sort((a, b) => (Math.abs(a.top - b.top) > 4 ? a.top - b.top : a.left - b.left)).map((b) => b.value);
        const tabbed = [];
        await page.evaluate(() => document.activeElement?.blur());
        for (let i = 0; i < 10 && tabbed.length < 2; i++) {
          await page.keyboard.press('Tab');
          const v = await page.evaluate(() => (document.activeElement?.name === 'decision' ? document.activeElement.value : null));
          if (v && !tabbed.includes(v)) tabbed.push(v);
        }
        assert.deepEqual(tabbed, seen, `width ${width}: Tab order ${tabbed}, seen ${seen}`);
      });
    }
  });

  test('a wrong password or device code marks its inputs invalid, described by the error', async () => {
    await withPage('en', {}, async (page) => {
      await page.goto(authorizeUrl('en'));
      for (const name of ['username', 'password']) assert.equal(await page.locator(`input[name="${name}"]`).getAttribute('aria-invalid'), null, 'no error yet');
      await signIn(page, 'wrong-password');
      for (const name of ['username', 'password']) {
        const input = page.locator(`input[name="${name}"]`);
        assert.equal(await input.getAttribute('aria-invalid'), 'true', name);
        const described = await input.getAttribute('aria-describedby');
        assert.ok(described, `${name} is described`);
        assert.match(await page.locator(`#${described}`).textContent(), /incorrect/, `${name} is described by the error`);
      }
      await page.goto(as.url('/auth/device'));
      await signIn(page);
      await page.locator('input[name="user_code"]').fill('BCDF-GHJK');
      await page.locator('form button[type="submit"]').click();
      const code = page.locator('input[name="user_code"]');
      await code.waitFor();
      assert.equal(await code.getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator(`#${await code.getAttribute('aria-describedby')}`).textContent(), /not valid/);
    });
  });

  test('the light focus ring stands out 3:1 from what is around it (WCAG 1.4.11)', async () => {
    await withPage('en', {}, async (page) => {
      await page.goto(authorizeUrl('en'));
      for (const target of ['input[name="username"]', 'input[name="password"]', 'form button[type="submit"]']) {
        await page.keyboard.press('Tab');
        for (let i = 0; i < 6 && !(await page.locator(target).evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
        const ring = await page.locator(target).evaluate((e) => {
          const s = getComputedStyle(e);
          const card = getComputedStyle(e.closest('.card')).backgroundColor;
          return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor, card };
        });
        assert.notEqual(ring.style, 'none', `${target} shows a ring`);
        assert.ok(ring.width >= 2, `${target}: ring ${ring.width}px`);
        const ratio = contrast(ring.color, ring.card);
        assert.ok(ratio >= 3, `${target}: ring ${ring.color} on ${ring.card} is ${ratio.toFixed(2)}:1`);
      }
    });
  });

  test('the gateway keeps focus when the unlink question closes, and moves it with the view', async () => {
    await withPage('en', {}, async (page) => {
      await page.goto(gw.url('/'));
      await page.locator(`button[data-platform="${PLATFORM}"]`).click();
      await signIn(page);
      await allowOnce(page);
      const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
      await page.locator('#revoke').focus();
      await page.keyboard.press('Enter');
      assert.equal(await focused(), 'revoke-cancel', 'focus goes into the question');
      await page.keyboard.press('Enter');
      assert.equal(await focused(), 'revoke', 'focus comes back to the button that opened it');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
      assert.equal(await page.locator('#revoke-confirm').isHidden(), true, 'Escape closes the question');
      assert.equal(await focused(), 'revoke', 'and focus comes back');
      await page.locator('#logout').focus();
      await page.keyboard.press('Enter');
      await page.locator('#view-signin').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement === document.querySelector('#view-signin h1')), true, 'focus is on the new view\'s heading');
    });
  });

  test('the gateway without JavaScript says so in its language, and shows no spinner', async () => {
    for (const lang of LANGS) {
      await withPage(lang, { javaScript: false }, async (page) => {
        await page.goto(gw.url('/'));
        assert.equal(await page.locator('.gw-spinner').isVisible(), false, `${lang}: no spinner`);
        const text = await page.locator('body').innerText();
        assert.match(text, lang === 'ko' ? /JavaScript가 필요합니다/ : /needs JavaScript/, lang);
        if (lang === 'en') assert.doesNotMatch(text, /\p{Script=Hangul}/u, 'the English page speaks English');
      });
    }
  });
});
