// Issue 25 item 4: a Korean page says everything in Korean. In chromium with
// a Korean locale, every error page of the authorization server (authorize,
// sign-out, device, a missing static file, the refusals made before a
// handler runs) and every notice of the gateway's page (refused sign-ins,
// refused or expired states, failed calls, the signed-in actions) is read
// as a person reads it, text and accessible names, and no sentence may be
// in Latin letters alone. Errors carry text ids (the server's details) or
// codes (the gateway's failure body), which the page words in its language.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { latinOnlySentences, openPage, readableText, useSignInStack } from './lib/browser.mjs';
import { randomString, request } from './lib/harness.mjs';
import { visibleText } from './lib/html.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PLATFORM = 'ottm';
const REDIRECT = 'https://rp.example/cb';
const BYE = 'https://rp.example/bye';
const USER = { username: 'minji', password: `pw-${randomString()}`, email: 'minji@ottm.example', nickname: '민지', name: '김민지' };
const GW_CLIENT = { id: 'gateway', secret: `gw-secret-${randomString(24)}` };
const RP = { id: 'rp-ko', secret: `rp-ko-${randomString(24)}`, redirectUris: REDIRECT, postLogoutRedirectUris: BYE };

/** The text of a page (as read by a person) holds Korean and no sentence in Latin letters alone. */
function assertKorean(text, what) {
  assert.match(text, /\p{Script=Hangul}/u, `${what}: no Korean at all`);
  assert.deepEqual(latinOnlySentences(text), [], `${what}: sentences not in Korean`);
}

describe('Korean pages and notices are in Korean, in chromium', { timeout: 300000 }, () => {
  const stack = useSignInStack({ config: { login_max_failures: 2, login_lockout: 30 }, platform: PLATFORM, gwClient: GW_CLIENT, rp: RP, user: USER });
  const { as, gw } = stack;

  /** Opens a Korean page, runs fn(page), and closes it. */
  async function inKorean(fn) {
    const { context, page } = await openPage(stack.browser, 'ko');
    try {
      return await fn(page);
    } finally {
      await context.close();
    }
  }

  async function assertPageKorean(page, what) {
    assert.equal(await page.locator('html').getAttribute('lang'), 'ko', what);
    assertKorean(await readableText(page), what);
  }

  test('every error page of the authorization server', async () => {
    const authorize = (extra) => as.authorizeUrl({ client_id: RP.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's', ...extra });
    const pages = {
      'no client_id': as.url('/auth/authorize?response_type=code&scope=openid'),
      'unknown client': authorize({ client_id: 'nosuch' }),
      'unregistered redirect URI': authorize({ redirect_uri: 'https://evil.example/cb' }),
      'repeated parameter': `${authorize()}&state=again`,
      'malformed parameter': `${authorize()}&x=%zz`,
      'over-long parameter': authorize({ nonce: 'n'.repeat(600) }),
      'foreign id_token_hint': as.url('/auth/logout?id_token_hint=not.a.token'),
      'logout, unknown client': as.url('/auth/logout?client_id=nosuch'),
      'logout URI without a client': as.url(`/auth/logout?post_logout_redirect_uri=${encodeURIComponent(BYE)}`),
      'logout URI not registered': as.url(`/auth/logout?client_id=${RP.id}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`),
      'missing static file': as.url('/static/nosuch.css'),
    };
    await inKorean(async (page) => {
      for (const [what, url] of Object.entries(pages)) {
        await page.goto(url);
        await assertPageKorean(page, what);
      }
    });
    /* refusals a browser's address bar cannot make: another method, a body too large */
    const ko = { 'accept-language': 'ko-KR,ko;q=0.9' };
    const put = await request('PUT', authorize(), { headers: ko });
    const big = await request('POST', as.url('/auth/authorize'), { headers: { ...ko, 'content-type': 'application/x-www-form-urlencoded' }, body: `x=${'a'.repeat(70000)}` });
    for (const [what, res] of Object.entries({ 'another method': put, 'a body too large': big })) {
      assert.match(res.header('content-type') ?? '', /text\/html/, what);
      assertKorean(visibleText(res.text), what);
    }
  });

  test('the sign-in form\'s own errors: wrong password, expired form, unknown step, lockout', async () => {
    await inKorean(async (page) => {
      const start = as.authorizeUrl({ client_id: RP.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' });
      const submit = async (username, password, change = {}) => {
        await page.goto(start);
        await page.locator('input[name="username"]').fill(username);
        await page.locator('input[name="password"]').fill(password);
        await page.evaluate((c) => {
          for (const [name, value] of Object.entries(c)) document.querySelector(`input[name="${name}"]`).value = value;
        }, change);
        await page.locator('form button[type="submit"]').click();
        await page.waitForLoadState();
      };
      await submit(USER.username, USER.password, { csrf: 'forged' });
      await assertPageKorean(page, 'expired form');
      await submit(USER.username, USER.password, { step: 'bogus' });
      await assertPageKorean(page, 'unknown step');
      for (let i = 0; i < 4; i++) await submit('nobody', 'wrong');
      const alert = await page.locator('.alert').textContent();
      const left = Number(alert.match(/(\d+)초/)?.[1]);
      assert.ok(left >= 1 && left <= 30, `the lock's time left: ${alert}`);
      await assertPageKorean(page, 'locked sign-in');
      await submit('someone', 'wrong');
      await assertPageKorean(page, 'wrong password');
    });
  });

  test('the device page\'s errors', async () => {
    await inKorean(async (page) => {
      await page.goto(as.url('/auth/device'));
      await page.locator('input[name="username"]').fill(USER.username);
      await page.locator('input[name="password"]').fill(USER.password);
      await page.locator('form button[type="submit"]').click();
      await page.locator('input[name="user_code"]').fill('BCDF-GHJK');
      await page.locator('form button[type="submit"]').click();
      await page.locator('.alert').waitFor();
      await assertPageKorean(page, 'wrong device code');
    });
  });

  test('every notice of the gateway\'s page', async () => {
    const callback = (q) => gw.url(`/oauth2/callback?${new URLSearchParams(q)}`);
    const foreignState = new URL((await gw.api('GET', `/oauth2/api/login/${PLATFORM}`)).json.body).searchParams.get('state');
    const refusals = {
      'access denied at the platform': { platform: PLATFORM, error: 'access_denied', state: 'x' },
      'platform error': { platform: PLATFORM, error: 'server_error', state: 'x' },
      'platform busy': { platform: PLATFORM, error: 'temporarily_unavailable', state: 'x' },
      'incomplete answer': { platform: PLATFORM, state: 'x' },
      'unknown or expired state': { platform: PLATFORM, code: 'c', state: 'no-such-state' },
      'state from another browser': { platform: PLATFORM, code: 'c', state: foreignState },
      'unknown platform': { platform: 'nosuch', code: 'c', state: 'x' },
    };
    await inKorean(async (page) => {
      for (const [what, q] of Object.entries(refusals)) {
        await page.goto(callback(q));
        await page.locator('#signin-notice').waitFor();
        await assertPageKorean(page, what);
      }
      /* a platform's sign-in URL refused (the rate limit's answer) */
      await page.goto(gw.url('/'));
      await page.route('**/oauth2/api/login/ottm', (r) => r.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify({ flag: false, title: 'login url', message: 'too many requests', body: { code: 'too_many_requests' } }) }));
      await page.locator(`button[data-platform="${PLATFORM}"]`).click();
      await page.locator('#signin-notice').waitFor();
      await assertPageKorean(page, 'sign-in URL refused');
      await page.unroute('**/oauth2/api/login/ottm');

      /* signed in through our server (its Korean sign-in and consent pages too) */
      await page.locator(`button[data-platform="${PLATFORM}"]`).click();
      await page.locator('input[name="username"]').fill(USER.username);
      await page.locator('input[name="password"]').fill(USER.password);
      await page.locator('form button[type="submit"]').click();
      const allow = page.locator('button[name="decision"][value="allow"]');
      await allow.waitFor();
      await assertPageKorean(page, 'consent page');
      await allow.click();
      await page.locator('#view-signedin').waitFor();
      await assertPageKorean(page, 'signed in');
      assert.equal(await page.locator('#reconsent').isHidden(), true, 'no re-consent for an OpenID provider');
      await page.locator('#revoke').click();
      await assertPageKorean(page, 'unlink question');
      await page.locator('#revoke-cancel').click();

      await page.route('**/oauth2/api/logout', (r) => r.abort());
      await page.locator('#logout').click();
      await page.locator('#signedin-notice p').filter({ hasText: /게이트웨이/ }).waitFor();
      await assertPageKorean(page, 'gateway unreachable');
      await page.unroute('**/oauth2/api/logout');
      await page.route('**/oauth2/api/logout', (r) => r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ flag: false, title: 'logout', message: 'the database is unavailable; try again', body: { code: 'unavailable' } }) }));
      await page.locator('#logout').click();
      await page.locator('#signedin-notice .gw-notice-detail').waitFor();
      await assertPageKorean(page, 'sign-out failed');
      await page.unroute('**/oauth2/api/logout');

      await page.locator('#revoke').click();
      await page.locator('#revoke-yes').click();
      await page.locator('#view-signin').waitFor();
      await page.locator('#signin-notice').waitFor();
      await assertPageKorean(page, 'unlinked');

      await page.context().clearCookies();
      await page.reload();
      await page.locator('#view-signin').waitFor();
      await assertPageKorean(page, 'signed out, no notice');
    });
  });

  test('every text of the gateway page and every code the gateway sends exist in both languages', async () => {
    const texts = await inKorean(async (page) => {
      await page.goto(gw.url('/'));
      await page.locator('#view-signin').waitFor();
      return page.evaluate(() => TEXTS); // eslint-disable-line no-undef
    });
    assert.deepEqual(Object.keys(texts.ko).sort(), Object.keys(texts.en).sort());
    for (const [key, text] of Object.entries(texts.ko)) {
      if (key === 'switchTo' || key === 'switchLabel') continue; /* the switch speaks the other language (lang="en") */
      assertKorean(text, `TEXTS.ko.${key}`);
    }
    /* the codes of src/gateway: the kinds' table and every precise reason */
    const src = fs.readdirSync(path.join(ROOT, 'src/gateway')).map((f) => fs.readFileSync(path.join(ROOT, 'src/gateway', f), 'utf8')).join('\n');
    const envelope = fs.readFileSync(path.join(ROOT, 'src/gateway/envelope.c'), 'utf8');
    const table = envelope.slice(envelope.indexOf('CODE[] = {'), envelope.indexOf('};', envelope.indexOf('CODE[] = {')));
    const codes = [...table.matchAll(/= "([a-z_]+)"/g), ...src.matchAll(/gw_fail_code\(&?err,[^;"]*"([a-z_]+)"/g)].map((m) => m[1]);
    assert.ok(codes.length >= 12, `codes found: ${codes}`);
    for (const code of codes) {
      assert.ok(texts.en[`code_${code}`], `no English words for code ${code}`);
      assert.ok(texts.ko[`code_${code}`], `no Korean words for code ${code}`);
    }
  });
});
