// Passkeys as a SECOND FACTOR (issue 20 item 3), in chromium with the
// DevTools protocol's virtual authenticator: a member whose only factor is
// a passkey signs in with the password and is asked for the passkey (no code
// box), to an id_token whose amr says pwd, hwk and mfa (openid-client); the
// options of that step name only the member's own credentials; a member with
// TOTP and a passkey may use either (otplib for the code); the device page and
// the account page's own sign-in take the passkey too; the account page lists
// the factors; `user mfa` lists passkeys and `--reset` removes them; the audit
// trail holds passkey.add, mfa.enroll, user.mfa_reset; the second-factor page
// with its passkey button is accessible in English and Korean.
//
// The issuer is http://localhost:PORT: WebAuthn takes no IP address as RP ID.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import * as oidc from 'openid-client';
import { generate } from 'otplib';

import { latinOnlySentences, launch, openPage, readableText, seriousViolations } from './lib/browser.mjs';
import { DEVICE_GRANT, Gatehouse, decodeJwt, freePort, querySql, setup, useServer } from './lib/harness.mjs';

const port = await freePort();
const ORIGIN = `http://localhost:${port}`;
const REDIRECT = `${ORIGIN}/healthz`;
const ONLY = { username: 'minji', password: 'Lantern-first-pw-123', email: 'minji@example.com', nickname: 'Minji' };
const BOTH = { username: 'dohyun', password: 'Harbor-second-pw-456', email: 'dohyun@example.com', nickname: 'Dohyun' };
const CLIENT = { id: 'rp-pk-mfa', secret: 'rp-pk-mfa-secret-0123456789', redirectUris: REDIRECT, scope: 'openid profile' };
const TV = { id: 'tv-pk-mfa', secret: 'tv-pk-mfa-secret-0123456789', redirectUris: [], scope: 'openid', grants: [DEVICE_GRANT] };

const loopbackFetch = (url, options) => fetch(url.replace('//localhost:', '//127.0.0.1:'), options);

describe('passkeys as a second factor', { timeout: 180000 }, () => {
  const gh = useServer(Object.assign(new Gatehouse({ issuer: ORIGIN }), { port }));
  let browser, config, only, both, totpSecret;

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  setup(async () => {
    await gh.addClient(CLIENT);
    await gh.addClient(TV);
    only = await gh.addUser(ONLY);
    both = await gh.addUser(BOTH);
    config = await oidc.discovery(new URL(ORIGIN), CLIENT.id, { client_secret: CLIENT.secret }, oidc.ClientSecretPost(CLIENT.secret), {
      execute: [oidc.allowInsecureRequests],
      [oidc.customFetch]: loopbackFetch,
    });
  });

  /** A browser context with a virtual authenticator; resolves to { context, page, cdp, authenticatorId }. */
  async function browserWithAuthenticator(lang = 'en') {
    const { context, page } = await openPage(browser, lang);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    return { context, page, cdp, authenticatorId };
  }

  async function startAuthorization(page) {
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile', state, nonce });
    await page.goto(url.href);
    return { state, nonce };
  }

  async function passwordForm(page, user) {
    await page.locator('#username').fill(user.username);
    await page.locator('#password').fill(user.password);
    await page.locator('form:not(#passkey-form) button[type=submit]').first().click();
  }

  /** To the partner (allowing on the consent page if it comes); resolves to the id_token's claims. */
  async function tokenClaims(page, { state, nonce }) {
    const back = (u) => u.href.startsWith(`${REDIRECT}?`);
    const allow = page.getByRole('button', { name: 'Allow' });
    await Promise.race([page.waitForURL(back).catch(() => {}), allow.waitFor().catch(() => {})]);
    if (!back(new URL(page.url()))) {
      await allow.click();
      await page.waitForURL(back);
    }
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    return tokens.claims();
  }

  /** Signs in with the password alone (the member has no factor yet) and registers a passkey. */
  async function registerPasskey(page, user, name) {
    const flow = await startAuthorization(page);
    await passwordForm(page, user);
    assert.deepEqual((await tokenClaims(page, flow)).amr, ['pwd']);
    await page.goto(`${ORIGIN}/account/passkeys`);
    await page.getByLabel('Name of the new passkey').fill(name);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.locator('li.passkey', { hasText: name }).waitFor();
  }

  const passkeysOf = (user) => Number(querySql(gh.db, `SELECT COUNT(*) FROM passkeys WHERE sub = '${user.sub}'`));
  const audits = (action, user) => Number(querySql(gh.db, `SELECT COUNT(*) FROM events WHERE action = '${action}' AND target = '${user.sub}'`));

  /** Signs in on the account page's own form with the password. */
  async function accountPassword(page, user) {
    await page.goto(`${ORIGIN}/account`);
    await passwordForm(page, user);
  }

  let onlyBrowser, bothBrowser; /* each member's browser, whose authenticator holds its passkeys */
  after(async () => {
    await onlyBrowser?.context.close();
    await bothBrowser?.context.close();
  });

  test('a member whose only factor is a passkey gives it after the password: amr pwd hwk mfa, acr mfa', async () => {
    onlyBrowser = await browserWithAuthenticator();
    const { context, page } = onlyBrowser;
    await registerPasskey(page, only, 'Laptop');
    assert.equal(passkeysOf(only), 1);
    assert.equal(audits('passkey.add', only), 1, 'the registration is an audit event');

    await context.clearCookies();
    const flow = await startAuthorization(page);
    await passwordForm(page, only);
    await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
    assert.equal(await page.locator('input[name=otp]').count(), 0, 'no code box: the member has no authenticator app');
    assert.match(await readableText(page), /no code to type/);
    /* the options name the member's own passkey alone */
    const options = await page.evaluate(async () => {
      const csrf = document.querySelector('#passkey-form input[name=csrf]').value;
      const r = await fetch('/auth/passkey/login/options', { method: 'POST', body: new URLSearchParams({ csrf, purpose: 'mfa' }) });
      return r.json();
    });
    assert.deepEqual(options.allowCredentials.map((c) => c.id), [querySql(gh.db, `SELECT credential_id FROM passkeys WHERE sub = '${only.sub}'`)]);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    const claims = await tokenClaims(page, flow);
    assert.equal(claims.sub, only.sub);
    assert.ok(claims.amr.includes('pwd') && claims.amr.includes('hwk') && claims.amr.includes('mfa'), JSON.stringify(claims.amr));
    assert.equal(claims.acr, 'mfa');
  });

  test('the options for a second factor need a sign-in waiting for one; another authenticator\'s passkey is refused', async () => {
    const { context, page } = await browserWithAuthenticator();
    await startAuthorization(page);
    const r = await page.evaluate(async () => {
      const csrf = document.querySelector('#passkey-form input[name=csrf]').value;
      const res = await fetch('/auth/passkey/login/options', { method: 'POST', body: new URLSearchParams({ csrf, purpose: 'mfa' }) });
      return { status: res.status, body: await res.json() };
    });
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'login_required');
    /* this browser's authenticator holds no passkey of the member: nothing signs in */
    await passwordForm(page, only);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.locator('#passkey-status').filter({ hasText: 'could not be used' }).waitFor();
    assert.equal((await context.cookies()).some((c) => c.name === 'gh_session'), false);
    await context.close();
  });

  test('a member with TOTP and a passkey may use either', async () => {
    bothBrowser = await browserWithAuthenticator();
    const { context, page } = bothBrowser;
    await registerPasskey(page, both, 'Phone');
    const add = await gh.cli(['user', 'mfa', both.username, '--add-totp']);
    assert.equal(add.code, 0, add.stderr);
    totpSecret = new URL(add.stdout.trim()).searchParams.get('secret');
    assert.equal(audits('mfa.enroll', both), 1, 'the enrolment is an audit event');

    await context.clearCookies();
    let flow = await startAuthorization(page);
    await passwordForm(page, both);
    await page.locator('input[name=otp]').waitFor();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    let claims = await tokenClaims(page, flow);
    assert.ok(claims.amr.includes('hwk') && claims.amr.includes('mfa') && !claims.amr.includes('otp'), JSON.stringify(claims.amr));

    await context.clearCookies();
    flow = await startAuthorization(page);
    await passwordForm(page, both);
    await page.locator('input[name=otp]').fill(await generate({ secret: totpSecret }));
    await page.locator('input[name=otp]').press('Enter');
    claims = await tokenClaims(page, flow);
    assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
  });

  test('the account page\'s own sign-in takes the passkey; the page lists the factors', async () => {
    const { context, page } = onlyBrowser;
    await context.clearCookies();
    await accountPassword(page, only);
    await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
    assert.equal(await page.locator('input[name=otp]').count(), 0);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL(`${ORIGIN}/account`);
    const factors = page.locator('section#factors');
    await factors.waitFor();
    assert.match(await factors.innerText(), /Authenticator app: off/);
    assert.match(await factors.innerText(), /Passkeys: 1/);
    assert.equal(await factors.locator('a[href="/account/passkeys"]').count(), 1);
    assert.equal(await factors.locator('a[href="/account/mfa"]').count(), 1);
    const amr = querySql(gh.db, `SELECT amr FROM sessions WHERE sub = '${only.sub}' ORDER BY created_at DESC LIMIT 1`);
    assert.ok(/pwd/.test(amr) && /hwk/.test(amr) && /mfa/.test(amr), amr);

    await bothBrowser.context.clearCookies();
    await accountPassword(bothBrowser.page, both);
    await bothBrowser.page.getByRole('button', { name: 'Use a passkey' }).click();
    await bothBrowser.page.waitForURL(`${ORIGIN}/account`);
    const text = await bothBrowser.page.locator('section#factors').innerText();
    assert.match(text, /Authenticator app: on/);
    assert.match(text, /Recovery codes left: 0/);
    assert.match(text, /Passkeys: 1/);
  });

  test('the device page takes the passkey as the second factor', async () => {
    const { context, page } = onlyBrowser;
    await context.clearCookies();
    const start = (await gh.deviceAuthorize({ client_id: TV.id, client_secret: TV.secret, scope: 'openid' })).json;
    await page.goto(start.verification_uri_complete.replace('//127.0.0.1:', '//localhost:'));
    await passwordForm(page, only);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.locator('#user_code').waitFor(); /* the code page, the code filled in */
    await page.locator('form:has(#user_code) button[type=submit]').click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByText('Your device is now signed in').waitFor();
    const tokens = await gh.token({ grant_type: DEVICE_GRANT, device_code: start.device_code, client_id: TV.id, client_secret: TV.secret });
    assert.equal(tokens.status, 200, tokens.text);
    const { amr } = decodeJwt(tokens.json.id_token).payload;
    assert.ok(amr.includes('pwd') && amr.includes('hwk') && amr.includes('mfa'), JSON.stringify(amr));
  });

  test('user mfa lists passkeys; --reset removes them (an audit event)', async () => {
    const list = await gh.cli(['user', 'mfa', both.username]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^passkey\tconfirmed\tPhone, since \S+, last used \S+$/m);
    assert.match(list.stdout, /^totp\tconfirmed\t/m);
    const reset = await gh.cli(['user', 'mfa', both.username, '--reset']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal(passkeysOf(both), 0, 'the passkeys are gone');
    assert.equal(audits('user.mfa_reset', both), 1);
    assert.equal((await gh.cli(['user', 'mfa', both.username])).stdout.trim(), 'FACTOR\tSTATE\tDETAIL');
  });

  test('the second-factor page with its passkey button is accessible, in English and Korean', async () => {
    const found = [];
    for (const lang of ['en', 'ko']) {
      const { context, page } = await browserWithAuthenticator(lang);
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile', state: 's' });
      await page.goto(url.href);
      await passwordForm(page, only);
      await page.locator('#passkey-button').waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      for (const v of await seriousViolations(page)) found.push(`${lang} second factor: ${v}`);
      if (lang === 'ko') for (const s of latinOnlySentences(await readableText(page))) found.push(`ko second factor in English: ${s}`);
      await context.close();
    }
    assert.deepEqual(found, []);
  });
});
