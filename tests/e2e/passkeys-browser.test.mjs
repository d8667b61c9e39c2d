// Passkeys in chromium (issue 20 item 3), with the DevTools protocol's
// virtual authenticator (WebAuthn domain: ctap2, internal, resident keys,
// user verification): a member signs in with the password, registers a
// passkey on /account/passkeys, signs out, and signs in passwordless from a
// partner's authorization request through to the token, whose id_token says
// amr hwk user mfa (openid-client); a second passkey on a second
// authenticator, its removal, and the removed one refused at sign-in; the
// pages audited by axe-core in English and Korean. /static/passkey.js runs
// under the page's CSP (no inline script).
//
// The issuer is http://localhost:PORT: WebAuthn takes no IP address as RP ID.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import * as oidc from 'openid-client';

import { latinOnlySentences, launch, openPage, readableText, seriousViolations } from './lib/browser.mjs';
import { Gatehouse, freePort, querySql, setup, useServer } from './lib/harness.mjs';

const port = await freePort();
const ORIGIN = `http://localhost:${port}`;
/* the partner's redirect URI: a page of our own server, so that the browser lands somewhere real */
const REDIRECT = `${ORIGIN}/healthz`;
const USER = { username: 'jiwoo', password: 'pw-correct-horse-9', email: 'jiwoo@example.com', nickname: 'Jiwoo' };
/* a member without passkeys: a password alone signs in (a passkey would be asked as a second factor) */
const PLAIN = { username: 'seoyeon', password: 'Quiet-river-pw-771', email: 'seoyeon@example.com', nickname: 'Seoyeon' };
const CLIENT = { id: 'rp-passkeys', secret: 'rp-passkeys-secret-0123456789', redirectUris: REDIRECT, scope: 'openid profile' };

/** fetch with localhost sent to 127.0.0.1, where the server listens (node may try ::1 alone). */
const loopbackFetch = (url, options) => fetch(url.replace('//localhost:', '//127.0.0.1:'), options);

describe('passkeys in chromium', { timeout: 120000 }, () => {
  const gh = useServer(Object.assign(new Gatehouse({ issuer: ORIGIN }), { port }));
  let browser, config, user, context, page, cdp, authenticator;

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  setup(async () => {
    await gh.addClient(CLIENT);
    user = await gh.addUser(USER);
    await gh.addUser(PLAIN);
    config = await oidc.discovery(new URL(ORIGIN), CLIENT.id, { client_secret: CLIENT.secret }, oidc.ClientSecretPost(CLIENT.secret), {
      execute: [oidc.allowInsecureRequests],
      [oidc.customFetch]: loopbackFetch,
    });
    ({ context, page } = await openPage(browser, 'en'));
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    page.on('console', (m) => m.type() === 'error' && !/401|Failed to load resource/.test(m.text()) && errors.push(m.text()));
    context.scriptErrors = errors;
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    authenticator = await addAuthenticator();
  });

  async function addAuthenticator() {
    const r = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    return r.authenticatorId;
  }

  /** A partner's authorization request opened in the page; resolves to its state and nonce. */
  async function startAuthorization() {
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile', state, nonce });
    await page.goto(url.href);
    return { state, nonce };
  }

  /** Waits for the partner's redirect URI and exchanges its code; resolves to the id_token's claims. */
  async function tokenClaims({ state, nonce }) {
    await page.waitForURL((u) => u.href.startsWith(`${REDIRECT}?`));
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    return tokens.claims();
  }

  async function addPasskey(name) {
    await page.goto(`${ORIGIN}/account/passkeys`);
    await page.getByLabel('Name of the new passkey').fill(name);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.locator('li.passkey', { hasText: name }).waitFor();
  }

  test('a passkey registered after a password sign-in signs in passwordless, to the token (amr hwk user mfa)', async () => {
    const first = await startAuthorization();
    await page.getByLabel('Username').fill(USER.username);
    await page.getByLabel('Password').fill(USER.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    assert.deepEqual((await tokenClaims(first)).amr, ['pwd']);

    await addPasskey('Laptop');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0].isResidentCredential, true, 'a discoverable credential');
    assert.equal(Buffer.from(credentials[0].userHandle, 'base64').toString(), user.sub);
    assert.equal(querySql(gh.db, 'SELECT name FROM passkeys'), 'Laptop');

    await context.clearCookies(); /* signed out */
    const second = await startAuthorization();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    const claims = await tokenClaims(second); /* consent was given before */
    assert.equal(claims.sub, user.sub);
    assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator });
    assert.equal(Number(querySql(gh.db, 'SELECT sign_count FROM passkeys')), after.credentials[0].signCount, 'the counter is kept');
    assert.deepEqual(context.scriptErrors, []);
  });

  test('a second passkey on another authenticator, its removal, and the removed one refused', async () => {
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: authenticator });
    const phone = await addAuthenticator();
    await addPasskey('Phone');
    assert.equal(await page.locator('li.passkey').count(), 2);
    await page.getByRole('button', { name: 'Remove the passkey Phone' }).click();
    await page.locator('li.passkey', { hasText: 'Phone' }).waitFor({ state: 'detached' });
    assert.equal(await page.locator('li.passkey').count(), 1);

    await context.clearCookies();
    await startAuthorization();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('alert').filter({ hasText: 'That passkey could not sign you in' }).waitFor();
    assert.equal(page.url().startsWith(ORIGIN), true, 'still on the sign-in page');
    authenticator = phone;
  });

  test('the passkeys page and the sign-in page with its passkey button are accessible, in English and Korean', async () => {
    const found = [];
    for (const lang of ['en', 'ko']) {
      const { context: c, page: p } = await openPage(browser, lang);
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile', state: 's' });
      await p.goto(url.href);
      await p.locator('#passkey-button').waitFor(); /* shown once the script finds WebAuthn */
      for (const v of await seriousViolations(p)) found.push(`${lang} sign-in: ${v}`);
      if (lang === 'ko') for (const s of latinOnlySentences(await readableText(p))) found.push(`ko sign-in in English: ${s}`);
      await p.getByLabel(lang === 'ko' ? '아이디' : 'Username').fill(PLAIN.username);
      await p.locator('#password').fill(PLAIN.password);
      await p.locator('form:not(#passkey-form) button[type=submit]').click();
      await p.locator('button[name=decision]').first().waitFor(); /* signed in: the consent page */
      await p.goto(`${ORIGIN}/account/passkeys`);
      assert.equal(await p.locator('html').getAttribute('lang'), lang);
      for (const v of await seriousViolations(p)) found.push(`${lang} passkeys: ${v}`);
      if (lang === 'ko') for (const s of latinOnlySentences(await readableText(p))) found.push(`ko passkeys in English: ${s}`);
      await c.close();
    }
    assert.deepEqual(found, []);
  });
});
