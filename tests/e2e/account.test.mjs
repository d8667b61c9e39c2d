// Issue 21 item 1: the account page, in chromium. A member signs in at
// /account (the sign-in form comes back there), changes the profile (the
// claims follow), changes the password (every other session and every grant
// end: another browser is signed out and its refresh and access tokens are
// refused; this one stays), revokes a connected application (its tokens are
// refused, another application's keep working), and signs out another
// session and then all others. Every POST needs the session's own CSRF
// token. The page is no-store with the pages' security headers, exists in
// Korean, and passes axe-core. On PostgreSQL too (GATEHOUSE_E2E_PG).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { latinOnlySentences, launch, openPage, readableText, seriousViolations } from './lib/browser.mjs';
import { CookieJar, assertPageHeaders, assertSeedError, refreshGrant, request, setup, useGatehouse } from './lib/harness.mjs';
import { formData, postForms } from './lib/html.mjs';

const gh = useGatehouse({ label: 'account' });
const REDIRECT = 'https://rp.example/cb';
const SCOPE = 'openid profile offline_access';
let rp;
let other;
let browser;

/** A fresh member for one test (so the tests do not depend on each other's order). */
async function member(name) {
  return gh.addUser({ username: name, password: "Lantern-first-pw-123", email: `${name}@example.test`, nickname: name });
}

setup(async () => {
  rp = await gh.addClient({ id: 'rp-account', secret: 'rp-account-secret-0123', redirectUris: REDIRECT, scope: SCOPE });
  other = await gh.addClient({ id: 'rp-other', secret: 'rp-other-secret-0123', redirectUris: REDIRECT, scope: SCOPE });
});
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A new browser (context) in lang, signed in at /account as user; resolves to { context, page }. */
async function signedInBrowser(user, { lang = 'en', password = user.password, dark = false } = {}) {
  const { context, page } = await openPage(browser, lang, { dark });
  await page.goto(gh.url('/account'));
  const form = page.locator('form:has(input[name="password"])');
  assert.equal(await form.getAttribute('action'), '/account/login', 'the sign-in form posts to /account/login');
  await page.locator('input[name="username"]').fill(user.username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.locator('#sessions').waitFor();
  assert.equal(new URL(page.url()).pathname, '/account', 'back at /account after the password');
  return { context, page };
}

/** Tokens of client for user through the front channel (a session of its own) and the token endpoint. */
function tokens(client, user, password = user.password) {
  return gh.obtainTokens(client, { ...user, password }, { scope: SCOPE });
}

/** Clicks a submit button of a page form and waits for the page that answers. */
async function submit(page, button) {
  await Promise.all([page.waitForLoadState('load'), button.click()]);
  await page.locator('#sessions, input[name="password"]').first().waitFor();
}

async function assertTokensDead(client, t, what) {
  assertSeedError(await gh.token(refreshGrant(client, t.refresh_token)), '10051', `${what}: refresh token`);
  assertSeedError(await gh.userinfo(t.access_token), '10075', `${what}: access token at userinfo`);
}

async function assertTokensLive(client, t, what) {
  assert.equal((await gh.userinfo(t.access_token)).status, 200, `${what}: access token`);
  assert.equal((await gh.token(refreshGrant(client, t.refresh_token))).status, 200, `${what}: refresh token`);
}

/** Signs in at /account over plain HTTP; resolves to the jar and the account page's CSRF token. */
async function httpSession(user) {
  const jar = new CookieJar();
  const first = await request('GET', gh.url('/account'), { headers: jar.headers() });
  jar.take(first);
  const [login] = postForms(first.text);
  const signed = await request('POST', gh.url(login.action), { headers: jar.headers(), body: formData(login, { username: user.username, password: user.password }) });
  jar.take(signed);
  assert.equal(signed.status, 303, signed.describe());
  assert.equal(signed.header('location'), '/account');
  const page = await request('GET', gh.url('/account'), { headers: jar.headers() });
  assert.equal(page.status, 200, page.describe());
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(csrf, 'the page has a CSRF token');
  return { jar, csrf, page };
}

describe('the account page', { timeout: 180000 }, () => {
  test('signed out, /account asks for the password and comes back; the page is no-store with the security headers', async () => {
    const user = await member('ada');
    const plain = await gh.get('/account');
    assert.equal(plain.status, 200, plain.describe());
    assertPageHeaders(plain, '/account signed out');
    const wrong = await openPage(browser, 'en');
    try {
      await wrong.page.goto(gh.url('/account'));
      await wrong.page.locator('input[name="username"]').fill(user.username);
      await wrong.page.locator('input[name="password"]').fill('not-the-password');
      await wrong.page.locator('form button[type="submit"]').click();
      await wrong.page.locator('#form-error').waitFor();
      assert.equal(await wrong.page.locator('#sessions').count(), 0, 'a wrong password does not sign in');
    } finally {
      await wrong.context.close();
    }
    const { context, page } = await signedInBrowser(user);
    try {
      assert.equal(await page.locator('.account-name').textContent(), user.username);
      const res = await page.reload();
      assert.match(res.headers()['cache-control'], /no-store/);
      assert.equal(res.headers()['x-frame-options'], 'DENY');
      assert.match(res.headers()['content-security-policy'], /frame-ancestors 'none'/);
      // the way back is fixed: nothing in the request names another place
      const jar = new CookieJar();
      const form = await request('GET', gh.url('/account?next=https://evil.example/'), { headers: jar.headers() });
      jar.take(form);
      const [login] = postForms(form.text);
      assert.equal(login.action, '/account/login');
      const sneaky = await request('POST', gh.url('/account/login?next=https://evil.example/'), { headers: jar.headers(), body: formData(login, { username: user.username, password: user.password }) });
      assert.equal(sneaky.status, 303, sneaky.describe());
      assert.equal(sneaky.header('location'), '/account');
    } finally {
      await context.close();
    }
  });

  test('profile: nickname and name are saved, shown and released as claims; an over-long name is refused', async () => {
    const user = await member('bora');
    const { context, page } = await signedInBrowser(user);
    try {
      await page.locator('#nickname').fill('bora-b');
      await page.locator('#name').fill('Kim Bora');
      await submit(page, page.locator('#profile button[type="submit"]'));
      assert.match(await page.locator('#form-notice').textContent(), /saved/);
      assert.equal(await page.locator('#nickname').inputValue(), 'bora-b');
      assert.equal(await page.locator('#name').inputValue(), 'Kim Bora');
      const t = await tokens(rp, user);
      const info = await gh.userinfo(t.access_token);
      assert.equal(info.json.nickname, 'bora-b');
      assert.equal(info.json.name, 'Kim Bora');

      await page.locator('#name').evaluate((el) => el.removeAttribute('maxlength'));
      await page.locator('#name').fill('x'.repeat(129));
      await submit(page, page.locator('#profile button[type="submit"]'));
      assert.match(await page.locator('#form-error').textContent(), /128/);
      assert.equal(await page.locator('#name').getAttribute('aria-invalid'), 'true');
      assert.equal((await gh.userinfo(t.access_token)).json.name, 'Kim Bora', 'nothing saved');
    } finally {
      await context.close();
    }
  });

  test('password: the current one is checked; a change ends every other session and every grant, and keeps this one', async () => {
    const user = await member('chan');
    const a = await signedInBrowser(user);
    const b = await signedInBrowser(user);
    const t = await tokens(rp, user);
    try {
      const change = async (current, next, again) => {
        await a.page.locator('#current-password').fill(current);
        await a.page.locator('#new-password').fill(next);
        await a.page.locator('#new-password-again').fill(again);
        await submit(a.page, a.page.locator('#password button[type="submit"]'));
      };
      await change('wrong-password-1', 'Meadow-second-pw-456', 'Meadow-second-pw-456');
      assert.match(await a.page.locator('#form-error').textContent(), /current password is incorrect/);
      assert.equal(await a.page.locator('#current-password').getAttribute('aria-invalid'), 'true');
      await change(user.password, 'Meadow-second-pw-456', 'Meadow-second-pw-457');
      assert.match(await a.page.locator('#form-error').textContent(), /not the same/);
      await assertTokensLive(rp, t, 'before the change');
      const live = await tokens(rp, user);

      await change(user.password, 'Meadow-second-pw-456', 'Meadow-second-pw-456');
      assert.match(await a.page.locator('#form-notice').textContent(), /password was changed/);
      await a.page.reload();
      await a.page.locator('#sessions').waitFor(); // this browser is still signed in
      assert.equal(await a.page.locator('#sessions li[data-session]').count(), 1, 'only this session is left');

      await b.page.reload();
      await b.page.locator('input[name="password"]').waitFor(); // the other browser must sign in again
      await assertTokensDead(rp, live, 'after the change');
      await assertTokensLive(rp, await tokens(rp, user, 'Meadow-second-pw-456'), 'with the new password');
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  test('connected applications: listed with their scopes and last use; revoking one ends its tokens only', async () => {
    const user = await member('dami');
    const mine = await tokens(rp, user);
    const theirs = await tokens(other, user);
    const { context, page } = await signedInBrowser(user);
    try {
      const item = page.locator(`#applications li[data-client="${rp.id}"]`);
      assert.deepEqual(await item.locator('li[data-claim]').evaluateAll((els) => els.map((e) => e.dataset.claim)), ['sub', 'nickname', 'email', 'name', 'preferred_username']);
      assert.match(await item.textContent(), /Stay connected/, 'offline_access is named as the consent page names it');
      assert.match(await item.locator('time').getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/, 'the last use is shown');
      await submit(page, item.locator('button[type="submit"]'));
      assert.match(await page.locator('#form-notice').textContent(), /no longer use/);
      assert.equal(await page.locator(`#applications li[data-client="${rp.id}"]`).count(), 0);
      assert.equal(await page.locator(`#applications li[data-client="${other.id}"]`).count(), 1);
      await assertTokensDead(rp, mine, 'the revoked application');
      await assertTokensLive(other, theirs, 'the other application');
    } finally {
      await context.close();
    }
  });

  test('sessions: each listed with its browser; sign out another one, then all others', async () => {
    const user = await member('eun');
    const a = await signedInBrowser(user);
    const b = await signedInBrowser(user);
    const c = await signedInBrowser(user);
    try {
      await a.page.reload();
      const rows = a.page.locator('#sessions li[data-session]');
      assert.equal(await rows.count(), 3);
      assert.equal(await a.page.locator('#sessions li[data-current="true"]').count(), 1);
      assert.match(await rows.first().textContent(), /HeadlessChrome|Chrome/, 'the browser is named');
      assert.match(await rows.first().textContent(), /127\.0\.0\.1/, 'and its address');
      // B's handle is the one B's own page marks as current
      await b.page.reload();
      const bHandle = await b.page.locator('#sessions li[data-current="true"]').getAttribute('data-session');
      await submit(a.page, a.page.locator(`#sessions li[data-session="${bHandle}"] button`));
      assert.match(await a.page.locator('#form-notice').textContent(), /signed out/);
      await b.page.reload();
      await b.page.locator('input[name="password"]').waitFor();
      await c.page.reload();
      await c.page.locator('#sessions').waitFor(); // C was not touched

      await submit(a.page, a.page.locator('#sessions form[action="/account/sessions/end-others"] button'));
      await c.page.reload();
      await c.page.locator('input[name="password"]').waitFor();
      await a.page.reload();
      await a.page.locator('#sessions').waitFor();
      assert.equal(await a.page.locator('#sessions li[data-session]').count(), 1);
    } finally {
      await Promise.all([a.context.close(), b.context.close(), c.context.close()]);
    }
  });

  test('CSRF: a POST without the token, or with another session\'s, changes nothing', async () => {
    const user = await member('gyu');
    const mine = await httpSession(user);
    const theirs = await httpSession(await member('hye'));
    const post = (csrf) => request('POST', gh.url('/account/profile'), { headers: mine.jar.headers(), body: csrf ? { csrf, nickname: 'pwned' } : { nickname: 'pwned' } });
    for (const [what, res] of [['no token', await post()], ["another session's token", await post(theirs.csrf)]]) {
      assert.equal(res.status, 403, `${what}: ${res.describe()}`);
      assert.match(res.text, /form-error/, what);
    }
    const page = await request('GET', gh.url('/account'), { headers: mine.jar.headers() });
    assert.match(page.text, new RegExp(`id="nickname"[^>]*value="${user.nickname}"`), 'the nickname is unchanged');
    for (const path of ['/account/password', '/account/apps/revoke', '/account/sessions/end', '/account/sessions/end-others']) {
      const res = await request('POST', gh.url(path), { headers: mine.jar.headers(), body: { csrf: theirs.csrf, client_id: rp.id } });
      assert.equal(res.status, 403, `${path}: ${res.describe()}`);
    }
    const ok = await post(mine.csrf);
    assert.equal(ok.status, 303, `with its own token: ${ok.describe()}`);
  });

  test('password: wrong current passwords are throttled as sign-in is, and then even the right one waits', async () => {
    const user = await member('kyung');
    const { jar, csrf } = await httpSession(user);
    const change = (current) => request('POST', gh.url('/account/password'), { headers: jar.headers(), body: { csrf, current_password: current, new_password: 'Meadow-second-pw-456', new_password_again: 'Meadow-second-pw-456' } });
    let res;
    for (let i = 0; i < 10; i++) {
      res = await change(`wrong-password-${i}`);
      if (res.status === 429) break;
      assert.equal(res.status, 400, res.describe());
    }
    assert.equal(res.status, 429, `locked after a few wrong passwords: ${res.describe()}`);
    assert.match(res.header('retry-after') ?? '', /^\d+$/);
    const right = await change(user.password);
    assert.equal(right.status, 429, 'the right password waits for the lock too');
    assert.equal((await gh.get('/account', { headers: jar.headers() })).status, 200, 'the session lives on');
  });

  test('in Korean: every sentence of the page is Korean', async () => {
    const user = await member('ina');
    await tokens(rp, user);
    const { context, page } = await signedInBrowser(user, { lang: 'ko' });
    try {
      assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
      assert.equal(await page.locator('h1').textContent(), '내 계정');
      assert.deepEqual(latinOnlySentences(await readableText(page)), []);
      await page.locator('#current-password').fill('wrong-password-1');
      await page.locator('#new-password').fill('Meadow-second-pw-456');
      await page.locator('#new-password-again').fill('Meadow-second-pw-456');
      await submit(page, page.locator('#password button[type="submit"]'));
      assert.match(await page.locator('#form-error').textContent(), /현재 비밀번호/);
      assert.deepEqual(latinOnlySentences(await readableText(page)), []);
    } finally {
      await context.close();
    }
  });

  test('accessibility: axe-core finds nothing serious, in both languages, light and dark, with an error shown', async () => {
    const user = await member('jun');
    await tokens(rp, user);
    await tokens(other, user);
    const found = [];
    for (const lang of ['en', 'ko']) {
      for (const dark of [false, true]) {
        const { context, page } = await signedInBrowser(user, { lang, dark });
        try {
          for (const v of await seriousViolations(page)) found.push(`${lang} ${dark ? 'dark' : 'light'}: ${v}`);
          await page.locator('#current-password').fill('wrong-password-1');
          await page.locator('#new-password').fill('Meadow-second-pw-456');
          await page.locator('#new-password-again').fill('Meadow-second-pw-456');
          await submit(page, page.locator('#password button[type="submit"]'));
          for (const v of await seriousViolations(page)) found.push(`${lang} ${dark ? 'dark' : 'light'} with an error: ${v}`);
        } finally {
          await context.close();
        }
      }
    }
    const signedOut = await openPage(browser, 'en');
    try {
      await signedOut.page.goto(gh.url('/account'));
      for (const v of await seriousViolations(signedOut.page)) found.push(`signed out: ${v}`);
    } finally {
      await signedOut.context.close();
    }
    assert.deepEqual(found, []);
  });
});
