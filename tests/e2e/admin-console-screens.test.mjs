// The admin console's screens for what the admin API offers beyond the
// basics (docs/admin.md "Console"), in chromium: a client's keys (jwks,
// private_key_jwt), resources and PAR switch, its id_token claims; a
// member's groups and attributes (an RFC 7396 merge patch), the groups list;
// each change seen through the API and taking effect (a PAR-required client
// refuses a plain authorize, the member's claims reach userinfo and the
// id_token); refusals named beside their input; axe-core and Korean labels
// on the new screens. One server for the file.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { latinOnlySentences, launch, openPage, seriousViolations } from './lib/browser.mjs';
import { clientKey, signJwt } from './lib/client-keys.mjs';
import { gotoScreen, signInConsole } from './lib/console.mjs';
import { Gatehouse, decodeJwt, querySql, setup, useServer } from './lib/harness.mjs';

/** A server with the custom scope work, which releases the attribute department. */
class WorkScope extends Gatehouse {
  configText() {
    return `${super.configText() ?? ''}\n[scope.work]\nlabel_en = Your work details\nlabel_ko = 업무 정보\nclaims = department\n`;
  }
}

const gh = useServer(new WorkScope({ label: 'admin-console-screens' }));
const ROOT = { username: 'root', password: 'Lantern-first-pw-123', email: 'root@example.test', nickname: 'root' };
const ADA = { username: 'ada', password: 'Harbour-second-pw-456', email: 'ada@example.test', nickname: 'ada' };
const SECRET = 'screens-secret-0123456789';
const REDIRECT = 'https://rp.example/cb';
let browser, key, rp, parRp, opsToken;

setup(async () => {
  ROOT.sub = (await gh.addUser(ROOT)).sub;
  ADA.sub = (await gh.addUser(ADA)).sub;
  assert.equal((await gh.cli(['user', 'update', ROOT.username, '--admin'])).code, 0);
  rp = await gh.addClient({ id: 'rp', secret: SECRET, redirectUris: REDIRECT, scope: 'openid groups work' });
  parRp = await gh.addClient({ id: 'par-rp', secret: SECRET, redirectUris: REDIRECT, scope: 'openid' });
  key = await clientKey('ES256');
  await gh.addClient({ id: 'ops', secret: SECRET, redirectUris: [], grants: ['client_credentials'], scope: 'gatehouse:admin' });
  const t = await gh.token({ grant_type: 'client_credentials', scope: 'gatehouse:admin' }, { basic: { id: 'ops', secret: SECRET } });
  assert.equal(t.status, 200, t.describe());
  opsToken = t.json.access_token;
});
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A client or member as the admin API answers it (with a token of the client ops). */
async function shown(kind, id) {
  const path = kind === 'client' ? `clients/${id}` : `users/${id}`;
  const res = await fetch(gh.url(`/admin/v1/${path}`), { headers: { authorization: `Bearer ${opsToken}` } });
  assert.equal(res.status, 200, path);
  return res.json();
}

async function save(page, button = 'Save') {
  /* the notice of an earlier save is marked, so only this save's counts */
  await page.evaluate(() => document.querySelectorAll('.notice').forEach((n) => n.setAttribute('data-old', '')));
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.locator('.notice:not([data-old])', { hasText: 'Saved.' }).waitFor();
}

/** The error beside input: its text (the input is marked invalid, described by it and focused). */
async function fieldError(input) {
  const err = input.locator('xpath=ancestor::div[contains(@class,"field")][1]').locator('.field-error');
  await err.waitFor();
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.equal(await input.getAttribute('aria-describedby'), await err.getAttribute('id'));
  assert.ok(await input.evaluate((el) => el === document.activeElement), 'the focus is on the field');
  return (await err.textContent()).trim();
}

describe('an operator in the console', () => {
  let context, page;
  before(async () => {
    ({ context, page } = await openPage(browser, 'en'));
    page.on('dialog', (d) => d.accept());
    await signInConsole(page, gh, ROOT);
    await page.locator('#screen-title', { hasText: 'Clients' }).waitFor();
  });
  after(async () => {
    await context?.close();
  });

  test('sets a client\'s keys, resources and PAR switch: the API has them and a plain authorize is refused', async () => {
    await gotoScreen(page, '#clients/par-rp');
    await page.getByLabel('Public keys, a JWKS in JSON', { exact: false }).fill(JSON.stringify({ keys: [key.publicJwk] }));
    await page.getByLabel('Client authentication').selectOption('private_key_jwt');
    await page.getByLabel('Resources the client may ask tokens for', { exact: false }).fill('https://api.example/\nhttps://files.example/');
    await page.getByLabel('Require pushed authorization requests', { exact: false }).check();
    await save(page);
    const c = await shown('client', 'par-rp');
    assert.equal(c.token_endpoint_auth_method, 'private_key_jwt');
    assert.deepEqual(c.jwks.keys.map((k) => k.kid), [key.kid]);
    assert.deepEqual(c.resources, ['https://api.example/', 'https://files.example/']);
    assert.equal(c.require_pushed_authorization_requests, true);
    /* in effect: a plain request refused, a pushed one signed with the key taken */
    const plain = await gh.get(`/auth/authorize?${new URLSearchParams({ client_id: 'par-rp', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'x' })}`);
    assert.equal(plain.status, 302, plain.describe());
    assert.equal(new URL(plain.header('location')).searchParams.get('error'), 'invalid_request');
    const assertion = await signJwt(key, { iss: 'par-rp', sub: 'par-rp', aud: gh.base, exp: Math.floor(Date.now() / 1000) + 60, jti: crypto.randomUUID() });
    const pushed = await gh.postForm('/oauth2/v1/par', { client_id: 'par-rp', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', resource: 'https://api.example/' });
    assert.equal(pushed.status, 201, pushed.describe());
    /* the screen, read again after the save, shows what was saved */
    assert.equal(await page.getByLabel('Require pushed authorization requests', { exact: false }).isChecked(), true);
    assert.deepEqual(JSON.parse(await page.getByLabel('Public keys, a JWKS in JSON', { exact: false }).inputValue()), c.jwks);
  });

  test('a bad jwks is refused by the API, its problem named beside the input; nothing changes', async () => {
    const jwks = page.getByLabel('Public keys, a JWKS in JSON', { exact: false });
    await jwks.fill(JSON.stringify({ keys: [{ ...key.publicJwk, d: 'c2VjcmV0' }] }));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    assert.match(await fieldError(jwks), /^jwks: .*no private members/);
    await jwks.fill('{"keys": [ not json');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.field-error', { hasText: 'must be a JWKS object' }).waitFor();
    assert.match(await fieldError(jwks), /^jwks: must be a JWKS object/);
    assert.deepEqual((await shown('client', 'par-rp')).jwks.keys.map((k) => k.kid), [key.kid]);
  });

  test('turns on DPoP-bound tokens and the FAPI 2.0 profile, in effect at once, then off again', async () => {
    await gotoScreen(page, '#clients');
    await gotoScreen(page, '#clients/par-rp');
    await page.getByLabel('Require DPoP-bound tokens', { exact: false }).check();
    await page.getByLabel('Security profile').selectOption('fapi2');
    await save(page);
    let c = await shown('client', 'par-rp');
    assert.equal(c.dpop_bound_access_tokens, true);
    assert.equal(c.security_profile, 'fapi2');
    /* in effect: a FAPI 2.0 client's pushed request without PKCE is refused */
    const push = async () => gh.postForm('/oauth2/v1/par', { client_id: 'par-rp', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await signJwt(key, { iss: 'par-rp', sub: 'par-rp', aud: gh.base, exp: Math.floor(Date.now() / 1000) + 60, jti: crypto.randomUUID() }), response_type: 'code', redirect_uri: REDIRECT, scope: 'openid' });
    const refused = await push();
    assert.equal(refused.status, 400, refused.describe());
    assert.equal(refused.json.error.code, '10051', 'invalid_request (the same request is taken below, without the profile)');
    assert.equal(await page.getByLabel('Security profile').inputValue(), 'fapi2');
    await page.getByLabel('Security profile').selectOption('none');
    await page.getByLabel('Require DPoP-bound tokens', { exact: false }).uncheck();
    await save(page);
    c = await shown('client', 'par-rp');
    assert.equal(c.dpop_bound_access_tokens, false);
    assert.equal(c.security_profile, undefined);
    assert.equal((await push()).status, 201);
  });

  test('sets the application type and contacts; the list says who registered each client', async () => {
    await gotoScreen(page, '#clients');
    const row = page.locator('tr', { has: page.locator('a', { hasText: /^par-rp$/ }) });
    assert.match(await row.innerText(), /an operator/);
    await gotoScreen(page, '#clients/par-rp');
    await page.getByLabel('Application type').selectOption('web');
    await page.getByLabel('Contacts', { exact: false }).fill('ops@rp.example\nsec@rp.example');
    await save(page);
    const c = await shown('client', 'par-rp');
    assert.equal(c.application_type, 'web');
    assert.deepEqual(c.contacts, ['ops@rp.example', 'sec@rp.example']);
    await page.getByLabel('Application type').selectOption('');
    await save(page);
    assert.equal((await shown('client', 'par-rp')).application_type, undefined);
  });

  test('sets a back-channel logout URI with its sid switch, then removes it by emptying the field', async () => {
    await gotoScreen(page, '#clients/rp');
    const uri = page.getByLabel('Back-channel logout URI', { exact: false });
    await uri.fill('https://rp.example/logout');
    await page.getByLabel('Back-channel logout needs the session id (sid)').check();
    await save(page);
    let c = await shown('client', 'rp');
    assert.equal(c.backchannel_logout_uri, 'https://rp.example/logout');
    assert.equal(c.backchannel_logout_session_required, true);
    await uri.fill('');
    await save(page);
    c = await shown('client', 'rp');
    assert.equal(c.backchannel_logout_uri, undefined);
  });

  test('gives a member a group and attributes, seen in userinfo and the id_token with the matching scopes', async () => {
    await gotoScreen(page, `#members/${ADA.sub}`);
    await page.getByLabel('Add to group').fill('staff');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('#member-groups li', { hasText: 'staff' }).waitFor();
    await page.getByLabel('Change attributes', { exact: false }).fill('{"department": "Sales", "level": 3}');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('#member-attributes', { hasText: 'Sales' }).waitFor();
    const u = await shown('user', ADA.sub);
    assert.deepEqual(u.groups, ['staff']);
    assert.deepEqual(u.attributes, { department: 'Sales', level: 3 });
    /* the client puts them into its id_token too */
    await gotoScreen(page, '#clients/rp');
    await page.getByLabel('Claims also put into the id_token', { exact: false }).fill('groups department');
    await save(page);
    assert.deepEqual((await shown('client', 'rp')).id_token_claims, ['groups', 'department']);
    const tokens = await gh.obtainTokens(rp, ADA, { scope: 'openid groups work' });
    const info = (await gh.userinfo(tokens.access_token)).json;
    assert.deepEqual(info.groups, ['staff']);
    assert.equal(info.department, 'Sales');
    const claims = decodeJwt(tokens.id_token).payload;
    assert.deepEqual(claims.groups, ['staff']);
    assert.equal(claims.department, 'Sales');
    const narrow = await gh.obtainTokens(rp, ADA, { scope: 'openid' });
    assert.equal(decodeJwt(narrow.id_token).payload.department, undefined, 'not without the scope');
  });

  test('the groups screen lists each group with its member count', async () => {
    await page.locator('nav a', { hasText: 'Groups' }).click();
    await page.locator('#screen-title', { hasText: 'Groups' }).waitFor();
    const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    assert.deepEqual(rows, [['staff', '1']]);
  });

  test('removes a group and an attribute (merge patch); a refused attribute is named beside the input', async () => {
    await gotoScreen(page, `#members/${ADA.sub}`);
    const attrs = page.getByLabel('Change attributes', { exact: false });
    await attrs.fill('{"sub": "someone-else"}');
    await page.getByRole('button', { name: 'Apply' }).click();
    assert.match(await fieldError(attrs), /^attributes\.sub: /);
    await attrs.fill('');
    await page.getByRole('button', { name: 'Apply' }).click(); /* an empty patch changes nothing (null would remove all) */
    await attrs.fill('{"level": null}');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('.notice', { hasText: 'Saved.' }).waitFor();
    await page.getByRole('button', { name: 'Remove from group staff' }).click();
    await page.locator('#screen-title').waitFor();
    await page.locator('p.hint', { hasText: 'In no group.' }).waitFor();
    const u = await shown('user', ADA.sub);
    assert.deepEqual(u.groups, []);
    assert.deepEqual(u.attributes, { department: 'Sales' });
  });

  test('creates a member with groups and attributes', async () => {
    await gotoScreen(page, '#members/new');
    await page.getByLabel('Username').fill('bea');
    await page.getByLabel('Password').fill('Orchard-fourth-pw-321');
    await page.getByLabel('Groups (names separated by spaces)').fill('ops night-shift');
    const attrs = page.getByLabel('Attributes (a JSON object', { exact: false });
    await attrs.fill('{"department": 7');
    await page.getByRole('button', { name: 'Create' }).click();
    assert.match(await fieldError(attrs), /^attributes: must be a JSON object/);
    await attrs.fill('{"department": "Ops"}');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('#screen-title', { hasText: 'bea' }).waitFor();
    const sub = decodeURIComponent(new URL(page.url()).hash.split('/')[1]);
    const u = await shown('user', sub);
    assert.deepEqual([...u.groups].sort(), ['night-shift', 'ops']);
    assert.deepEqual(u.attributes, { department: 'Ops' });
  });

  test('shows a member\'s linked platforms and unlinks one', async () => {
    /* a link as federated sign-in leaves it (docs/federation.md), written straight into the store */
    querySql(gh.db, `INSERT INTO member_links (platform, subject, sub, email, created_at) VALUES ('naver', 'nv-4711', '${ADA.sub}', 'ada@naver.example', 1700000000)`);
    await gotoScreen(page, '#groups');
    await gotoScreen(page, `#members/${ADA.sub}`);
    const row = page.locator('tr', { hasText: 'nv-4711' });
    assert.match(await row.textContent(), /naver.*nv-4711.*ada@naver\.example/);
    await page.getByRole('button', { name: 'Unlink naver' }).click();
    await page.locator('.notice', { hasText: 'Unlinked.' }).waitFor();
    assert.equal(await row.count(), 0);
    const res = await fetch(gh.url(`/admin/v1/users/${ADA.sub}/links`), { headers: { authorization: `Bearer ${opsToken}` } });
    assert.deepEqual((await res.json()).items, []);
  });
});

test('the new screens pass axe-core, and in Korean their labels are Korean', async () => {
  for (const lang of ['en', 'ko']) {
    const { context, page } = await openPage(browser, lang);
    try {
      await signInConsole(page, gh, ROOT, { consent: false });
      await page.locator('nav a[href="#clients"][aria-current="page"]').waitFor();
      const seen = {};
      const words = {};
      for (const hash of ['#clients/par-rp', '#clients/rp', '#clients/new', '#members/new', `#members/${ADA.sub}`, '#groups']) {
        await gotoScreen(page, hash);
        seen[hash] = await seriousViolations(page);
        words[hash] = await page.locator('main label, main legend, main button, main h1, main h2, main th, main option, main p')
          .evaluateAll((els) => els.map((el) => el.textContent).join('\n'));
      }
      for (const [screen, v] of Object.entries(seen)) assert.deepEqual(v, [], `${lang} ${screen}`);
      if (lang === 'ko') {
        for (const [screen, text] of Object.entries(words)) assert.deepEqual(latinOnlySentences(text), [], `${screen}: English left`);
        await gotoScreen(page, '#clients/par-rp');
        assert.equal(await page.getByLabel('푸시된 인가 요청(PAR, RFC 9126) 필수').isChecked(), true);
        assert.ok(await page.getByLabel('공개 키, JSON 형식의 JWKS', { exact: false }).count());
        await gotoScreen(page, `#members/${ADA.sub}`);
        assert.ok(await page.getByLabel('그룹에 추가').count());
        assert.ok(await page.getByLabel('속성 변경', { exact: false }).count());
        assert.equal(await page.locator('nav a[href="#groups"]').textContent(), '그룹');
      }
    } finally {
      await context.close();
    }
  }
});
