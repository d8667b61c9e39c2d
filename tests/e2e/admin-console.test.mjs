// Issue 22 item 3: the admin console at /admin/, in chromium. An operator
// with the admin role signs in through Gatehouse (the built-in public client
// gatehouse-console: code + PKCE S256, state, nonce), creates a client and
// sees its secret once, edits it (a refused value named beside its input),
// creates a member and disables it, and finds their own actions among the
// audit events; removing the role stops the console's token at its next
// request; a member without the role is refused at the consent step; the
// tokens live in memory only; the screens pass axe-core in English and
// Korean; sign-out is RP-initiated logout.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launch, openPage, seriousViolations } from './lib/browser.mjs';
import { gotoScreen, signInConsole } from './lib/console.mjs';
import { CookieJar, randomString, setup, useGatehouse, walkAuthorize } from './lib/harness.mjs';

const gh = useGatehouse({ label: 'admin-console' });
const ROOT = { username: 'root', password: 'Lantern-first-pw-123', email: 'root@example.test', nickname: 'root' };
const PLAIN = { username: 'plain', password: 'Harbour-second-pw-456', email: 'plain@example.test', nickname: 'plain' };
const CAROL_PW = 'Meadow-third-pw-789';
let browser;

setup(async () => {
  ROOT.sub = (await gh.addUser(ROOT)).sub;
  PLAIN.sub = (await gh.addUser(PLAIN)).sub;
  const r = await gh.cli(['user', 'update', ROOT.username, '--admin']);
  assert.equal(r.code, 0, r.stderr);
});
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function signIn(page, user, opts) {
  return signInConsole(page, gh, user, opts);
}

async function heading(page) {
  return (await page.locator('#screen-title').textContent()).trim();
}

async function cli(args) {
  const r = await gh.cli(args);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

describe('an operator with the admin role', () => {
  let context, page;
  before(async () => {
    ({ context, page } = await openPage(browser, 'en'));
    page.on('dialog', (d) => d.accept());
  });
  after(async () => {
    await context?.close();
  });

  test('signs in through Gatehouse and lands on the clients', async () => {
    const api = [];
    page.on('response', (r) => {
      if (r.url().includes('/admin/v1/')) api.push(r);
    });
    await signIn(page, ROOT);
    await page.locator('#screen-title', { hasText: 'Clients' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin/', 'the code left the address bar');
    assert.match(await page.locator('#who').textContent(), /root/);
    assert.ok(await page.locator('a', { hasText: 'gatehouse-console' }).count(), 'the console client is listed');
    assert.ok(api.length > 0);
    for (const r of api) assert.equal(r.headers()['cache-control'], 'no-store', r.url());
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.doesNotMatch(stored, /eyJ/, 'no token in web storage');
    const csp = (await page.request.get(gh.url('/admin/'))).headers()['content-security-policy'];
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
  });

  let secret;
  test('creates a client and sees its secret once', async () => {
    await page.locator('a', { hasText: 'New client' }).click();
    await page.getByLabel('Client ID').fill('shop');
    await page.getByLabel('Redirect URIs (one per line)', { exact: true }).fill('https://shop.example/cb');
    await page.getByRole('button', { name: 'Create' }).click();
    secret = (await page.locator('#client-secret').textContent()).trim();
    assert.match(secret, /^\S{20,}$/);
    const ok = await fetch(gh.url('/oauth2/v1/introspect'), { method: 'POST', headers: { authorization: 'Basic ' + Buffer.from(`shop:${secret}`).toString('base64'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=nothing' });
    assert.equal(ok.status, 200, 'the secret shown is the client\'s');
    await page.locator('#secret-done').click();
    await page.locator('#screen-title', { hasText: 'shop' }).waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is not shown again');
  });

  test('edits the client; a refused value is named beside its input', async () => {
    const uris = page.getByLabel('Redirect URIs (one per line)', { exact: true });
    await uris.fill('http://rp.example/cb');
    await page.getByRole('button', { name: 'Save' }).click();
    const err = page.locator('.field-error');
    await err.waitFor();
    assert.match(await err.textContent(), /redirect_uris: .*http is allowed only/);
    assert.equal(await uris.getAttribute('aria-invalid'), 'true');
    assert.equal(await uris.getAttribute('aria-describedby'), await err.getAttribute('id'));
    assert.ok(await uris.evaluate((el) => el === document.activeElement), 'the focus is on the field');
    await uris.fill('https://shop.example/cb');
    await page.getByLabel('Name', { exact: true }).fill('The Shop');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.notice', { hasText: 'Saved.' }).waitFor();
    const shown = JSON.parse(await cli(['client', 'show', 'shop']));
    assert.equal(shown.client_name, 'The Shop');
    assert.deepEqual(shown.redirect_uris, ['https://shop.example/cb']);
  });

  let carol;
  test('creates a member and disables it', async () => {
    await page.locator('nav a', { hasText: 'Members' }).click();
    await page.locator('a', { hasText: 'New member' }).click();
    await page.getByLabel('Username').fill('carol');
    await page.getByLabel('Password').fill(CAROL_PW);
    await page.getByLabel('E-mail', { exact: true }).fill('carol@example.test');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('#screen-title', { hasText: 'carol' }).waitFor();
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.locator('#member-status', { hasText: 'Disabled' }).waitFor();
    const users = JSON.parse(await cli(['user', 'list', '--json']));
    carol = users.find((u) => u.username === 'carol');
    assert.equal(carol.disabled, true);
    assert.equal(carol.admin, false);
  });

  test('lists the events and sees their own actions, filtered by actor', async () => {
    await page.locator('nav a', { hasText: 'Events' }).click();
    await page.getByLabel('Actor').fill(ROOT.sub);
    await page.getByRole('button', { name: 'Filter' }).click();
    // the filtered list replaces the whole one, which also holds user.disable: wait for it
    await page.waitForFunction((sub) => {
      const actors = [...document.querySelectorAll('tbody tr')].map((tr) => tr.cells[1]?.textContent);
      return actors.length > 0 && actors.every((a) => a === sub) && document.querySelector('tbody').textContent.includes('user.disable');
    }, ROOT.sub);
    const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const mine = rows.map(([, actor, action, target]) => `${actor} ${action} ${target}`);
    for (const want of [`${ROOT.sub} client.create shop`, `${ROOT.sub} client.update shop`, `${ROOT.sub} user.create ${carol.sub}`, `${ROOT.sub} user.disable ${carol.sub}`]) {
      assert.ok(mine.includes(want), `${want} in ${mine.join('; ')}`);
    }
    assert.ok(rows.every(([, actor]) => actor === ROOT.sub), 'only the actor asked for');
  });

  test('removing the role stops the console at its next request', async () => {
    await cli(['user', 'update', ROOT.username, '--no-admin']);
    try {
      await page.locator('nav a', { hasText: 'Keys' }).click();
      await page.locator('[role="alert"]', { hasText: 'does not have the admin role' }).waitFor();
    } finally {
      await cli(['user', 'update', ROOT.username, '--admin']);
    }
    await page.locator('nav a', { hasText: 'Clients' }).click();
    await page.locator('nav a', { hasText: 'Keys' }).click();
    await page.locator('td', { hasText: 'RS256' }).first().waitFor();
  });

  test('signs out through RP-initiated logout', async () => {
    await page.locator('#logout').click();
    await page.waitForURL((u) => u.pathname === '/admin/' || u.pathname.startsWith('/auth/logout'));
    if (new URL(page.url()).pathname.startsWith('/auth/logout')) {
      await page.locator('form button[type="submit"]').first().click();
    }
    await page.locator('#signin').waitFor();
    assert.equal(await page.locator('#logout').isVisible(), false);
  });
});

test('a member without the admin role is refused', async () => {
  const { context, page } = await openPage(browser, 'en');
  try {
    await signIn(page, PLAIN, { consent: false });
    await page.locator('#denied').waitFor();
    assert.match(await page.locator('#denied').textContent(), /does not have the admin role/);
    assert.equal(await page.locator('nav').isVisible(), false);
  } finally {
    await context.close();
  }
  // and without a browser: the consent step sends access_denied back, no code
  const meta = await (await fetch(gh.url('/.well-known/openid-configuration'))).json();
  const q = new URLSearchParams({ response_type: 'code', client_id: 'gatehouse-console', redirect_uri: `${gh.base}/admin/callback`, scope: 'openid gatehouse:admin', state: randomString(), code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWvizdzkmB_Mc', code_challenge_method: 'S256' });
  const end = await walkAuthorize(`${meta.authorization_endpoint}?${q}`, { username: PLAIN.username, password: PLAIN.password, jar: new CookieJar() });
  const back = new URL(end.history.at(-1).url); /* the console's own origin: followed */
  assert.equal(back.pathname, '/admin/callback');
  assert.equal(back.searchParams.get('error'), 'access_denied');
  assert.equal(back.searchParams.get('code'), null);
});

test('the console screens pass axe-core in English and Korean', async () => {
  for (const lang of ['en', 'ko']) {
    const { context, page } = await openPage(browser, lang);
    try {
      await page.goto(gh.url('/admin/'));
      await page.locator('#signin').waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      const seen = { signin: await seriousViolations(page) };
      await signIn(page, ROOT, { consent: false }); /* consented above */
      await page.locator('nav a[href="#clients"][aria-current="page"]').waitFor();
      seen['#clients'] = await seriousViolations(page);
      for (const hash of ['#clients/new', '#clients/shop', '#members', '#members/new', `#members/${ROOT.sub}`, '#keys', '#events']) {
        await gotoScreen(page, hash);
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'screen-title', `${hash}: the focus moves to the new screen's heading`);
        seen[hash] = await seriousViolations(page);
      }
      for (const [screen, v] of Object.entries(seen)) assert.deepEqual(v, [], `${lang} ${screen}`);
      const title = await heading(page);
      assert.equal(title, lang === 'ko' ? '감사 이벤트' : 'Audit events');
      /* the switch turns the other language on in place */
      await page.locator('#lang-switch').click();
      await page.locator('#screen-title', { hasText: lang === 'ko' ? 'Audit events' : '감사 이벤트' }).waitFor();
      assert.deepEqual(await seriousViolations(page), [], `${lang} switched`);
      await page.locator('#lang-switch').click();
    } finally {
      await context.close();
    }
  }
});
