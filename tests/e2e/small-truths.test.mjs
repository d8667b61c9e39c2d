// Issue 25 item 6, the small truths: a locked sign-in says how long it is
// really locked for (the time the Retry-After header gives, in words of the
// page's language, not "a few minutes"); a scope of the operator's own is
// shown on the consent page in the words of its [scope.NAME] section, in
// English and Korean, not as its bare name (`client add` warns about one
// without words: tests/cli); and the gateway's sign-in buttons carry each
// platform's own mark, in its brand colours, as inline SVG, not a letter.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { STANDINS } from '../platforms/index.mjs';
import { openPage, useBrowser } from './lib/browser.mjs';
import { Gateway } from './lib/gateway.mjs';
import { Gatehouse, randomString, useServer } from './lib/harness.mjs';
import { visibleText } from './lib/html.mjs';

const REDIRECT = 'https://rp.example/cb';
const USER = { username: 'sora', password: `pw-${randomString()}`, email: 'sora@example.com', nickname: 'sora', name: 'Han Sora' };
const RP = { id: 'rp-truths', secret: `rp-truths-${randomString(24)}`, redirectUris: REDIRECT, scope: 'openid profile photos:read' };
const chromium = useBrowser(); /* one for both halves */
const LABELS = { en: 'See the photos in your albums', ko: '앨범의 사진 보기' };

/** A server whose configuration also labels the scope photos:read. */
class LabelledServer extends Gatehouse {
  configText() {
    return `${super.configText()}\n[scope.photos:read]\nlabel_en = ${LABELS.en}\nlabel_ko = ${LABELS.ko}\n`;
  }
}

describe('the pages tell the truth', { timeout: 180000 }, () => {
  const as = useServer(new LabelledServer({ config: { login_max_failures: 2, login_lockout: 30 } }));
  let browser;

  before(async () => {
    await as.addClient(RP);
    await as.addUser(USER);
    browser = await chromium();
  });

  test('a locked sign-in says the time the lock has left, as Retry-After does', async () => {
    const params = { client_id: RP.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's', ui_locales: 'en' };
    let page;
    for (let i = 0; i < 4 && page?.status !== 429; i++) page = (await as.authorize(params, { username: 'nobody', password: 'wrong-password' })).response;
    assert.equal(page.status, 429, page.describe());
    const retry = Number(page.header('retry-after'));
    assert.ok(retry >= 1 && retry <= 30, `Retry-After ${retry}`);
    const text = visibleText(page.text);
    assert.doesNotMatch(text, /a few minutes/);
    const said = Number(text.match(/Please wait (\d+) seconds? and try again/)?.[1]);
    assert.ok(Math.abs(said - retry) <= 1, `the page says ${said} s, Retry-After ${retry} s: ${text}`);
  });

  test('a scope of your own is named in the words of its [scope.NAME] section, in both languages', async () => {
    for (const lang of ['en', 'ko']) {
      const { context, page } = await openPage(browser, lang);
      try {
        await page.goto(as.authorizeUrl({ client_id: RP.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid photos:read', state: 's', ui_locales: lang }));
        await page.locator('input[name="username"]').fill(USER.username);
        await page.locator('input[name="password"]').fill(USER.password);
        await page.locator('form button[type="submit"]').click();
        await page.locator('button[name="decision"]').first().waitFor();
        const items = await page.locator('li.scope:not(.claim)').allTextContents();
        assert.deepEqual(items, [LABELS[lang]], lang);
      } finally {
        await context.close();
      }
    }
  });
});

describe('the gateway\'s sign-in buttons carry the platforms\' marks', { timeout: 120000 }, () => {
  const standins = Object.fromEntries(Object.entries(STANDINS).map(([kind, make]) => [kind, make()]));
  before(() => Promise.all(Object.values(standins).map((p) => p.start())));
  after(() => Promise.all(Object.values(standins).map((p) => p.stop())));
  const gw = useServer(new Gateway({ platforms: () => Object.fromEntries(Object.entries(standins).map(([n, p]) => [n, p.config()])) }));
  let browser;
  before(async () => {
    browser = await chromium();
  });

  /* each brand's sign-in colours: the tile behind the mark, and the mark's own */
  const BRANDS = {
    naver: { tile: 'rgb(3, 199, 90)', fills: ['#ffffff'] },
    kakao: { tile: 'rgb(254, 229, 0)', fills: ['#000000'] },
    google: { tile: 'rgb(255, 255, 255)', fills: ['#EA4335', '#4285F4', '#FBBC05', '#34A853'] },
    github: { tile: 'rgb(36, 41, 47)', fills: ['#ffffff'] },
  };

  test('each kind has its own mark in its colours, small and hidden from screen readers', async () => {
    const { context, page } = await openPage(browser, 'en');
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(gw.url('/'));
      await page.locator('#view-signin').waitFor({ timeout: 5000 }).catch(() => assert.fail(`the page did not load: ${problems}`));
      await page.locator('#view-signin').waitFor();
      const paths = new Set();
      for (const [kind, brand] of Object.entries(BRANDS)) {
        const mark = page.locator(`button[data-platform="${kind}"] .gw-platform-mark`);
        const m = await mark.evaluate((el) => ({
          hidden: el.getAttribute('aria-hidden'),
          text: el.textContent.trim(),
          tile: getComputedStyle(el).backgroundColor,
          svgs: el.querySelectorAll('svg').length,
          fills: [...el.querySelectorAll('svg path')].map((p) => p.getAttribute('fill')),
          d: [...el.querySelectorAll('svg path')].map((p) => p.getAttribute('d')).join(' '),
          box: el.getBoundingClientRect().toJSON(),
        }));
        assert.equal(m.hidden, 'true', kind);
        assert.equal(m.text, '', `${kind}: no letter`);
        assert.equal(m.svgs, 1, `${kind}: one inline SVG mark`);
        assert.equal(m.tile, brand.tile, `${kind}: tile colour`);
        assert.deepEqual(m.fills, brand.fills, `${kind}: the mark's colours`);
        assert.ok(m.box.width <= 32 && m.box.height <= 32, `${kind}: small (${m.box.width}x${m.box.height})`);
        paths.add(m.d);
      }
      assert.equal(paths.size, Object.keys(BRANDS).length, 'every kind has a mark of its own');
    } finally {
      await context.close();
    }
  });
});
