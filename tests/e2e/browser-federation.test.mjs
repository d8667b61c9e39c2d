// Federated sign-in in chromium (issue 19): a partner sends the person to
// the authorization server; the person chooses "Continue with Kakao" (Kakao's
// own colours), the Kakao stand-in sends them back, they check their profile
// (correcting the nickname), consent, and the partner's token calls userinfo
// and gets the new member's own sub. Then, signed in a moment ago, the person
// links NAVER from its profile page and gets the same sub. The pages pass
// axe-core in Korean too. Screenshots go to tests/e2e/artifacts/federation/.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { kakao } from '../platforms/kakao.mjs';
import { naver } from '../platforms/naver.mjs';
import { latinOnlySentences, launch, openPage, readableText, seriousViolations } from './lib/browser.mjs';
import { FederatedServer } from './lib/federation.mjs';
import { codeGrant, decodeJwt, randomString, setup, useServer } from './lib/harness.mjs';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'artifacts/federation');
const stands = { kakao: kakao(), naver: naver() };
before(() => Promise.all(Object.values(stands).map((p) => p.start())));
after(() => Promise.all(Object.values(stands).map((p) => p.stop())));

const gh = useServer(new FederatedServer({ platforms: () => ({ kakao: stands.kakao.config(), naver: stands.naver.config() }) }));

/* the partner: its redirect URI answers with a page that says it got a code */
let partnerServer;
let partner;
const codes = [];
before(async () => {
  partnerServer = http.createServer((req, res) => {
    const code = new URL(req.url, 'http://x').searchParams.get('code');
    if (code) codes.push(code);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><html lang="en"><title>Partner</title><h1>Back at the partner</h1></html>');
  });
  await new Promise((r) => partnerServer.listen(0, '127.0.0.1', r));
});
after(() => new Promise((r) => partnerServer.close(r)));
setup(async () => {
  partner = await gh.addClient({ id: 'game', secret: `game-${randomString(24)}`, redirectUris: [`http://127.0.0.1:${partnerServer.address().port}/cb`] });
});

const authorizeUrl = () => gh.authorizeUrl({ client_id: partner.id, redirect_uri: partner.redirectUri, response_type: 'code', scope: 'openid profile email', state: randomString() });

async function shot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The partner's last code, exchanged; the id_token's claims and userinfo. */
async function partnerTokens() {
  const t = await gh.token(codeGrant(partner, codes.at(-1)));
  assert.equal(t.status, 200, t.text);
  const info = await gh.userinfo(t.json.access_token);
  return { claims: decodeJwt(t.json.id_token).payload, info: info.json };
}

describe('federated sign-in in chromium', { timeout: 180000 }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('Kakao: sign in, check the profile, consent; then link NAVER to the same member', async () => {
    const { context, page } = await openPage(browser, 'en');
    try {
      const problems = [];
      await page.goto(authorizeUrl());
      const button = page.getByRole('button', { name: 'Continue with Kakao' });
      await button.waitFor();
      assert.equal(await button.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(254, 229, 0)', "Kakao's yellow");
      problems.push(...(await seriousViolations(page)).map((v) => `sign-in: ${v}`));
      await shot(page, '01-sign-in');
      await button.click();

      await page.getByRole('heading', { name: 'Check your profile' }).waitFor();
      assert.equal(await page.getByLabel('Nickname').inputValue(), '홍길동');
      problems.push(...(await seriousViolations(page)).map((v) => `profile: ${v}`));
      await shot(page, '02-profile');
      await page.getByLabel('Nickname').fill('Gildong');
      await page.getByRole('button', { name: 'Create my account' }).click();

      const allow = page.locator('button[name="decision"][value="allow"]');
      await allow.waitFor();
      await shot(page, '03-consent');
      await allow.click();
      await page.getByRole('heading', { name: 'Back at the partner' }).waitFor();
      const first = await partnerTokens();
      assert.equal(first.claims.idp, 'kakao');
      assert.deepEqual(first.info, { sub: first.claims.sub, nickname: 'Gildong', email: 'sample@sample.com', email_verified: false });

      /* the same browser, a moment later: NAVER, linked to the member just signed in */
      await page.goto(`${authorizeUrl()}&prompt=login`);
      await page.getByRole('button', { name: 'Continue with NAVER' }).click();
      await page.getByRole('heading', { name: 'Check your profile' }).waitFor();
      await shot(page, '04-link-naver');
      await page.getByRole('button', { name: 'Link to my account' }).click();
      await page.getByRole('heading', { name: 'Back at the partner' }).waitFor();
      const second = await partnerTokens();
      assert.equal(second.claims.sub, first.claims.sub, 'the same member');
      assert.equal(second.claims.idp, 'naver');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('in Korean: the profile page; a platform that fails, with a way back and a way to give up', async () => {
    const { context, page } = await openPage(browser, 'ko');
    stands.kakao.user = { ...stands.kakao.user, id: 4242 };
    try {
      await page.goto(authorizeUrl());
      await page.getByRole('button', { name: 'Kakao 계정으로 계속하기' }).click();
      await page.getByRole('heading', { name: '프로필 확인' }).waitFor();
      assert.deepEqual(latinOnlySentences(await readableText(page)), [], 'the profile page speaks Korean');
      assert.deepEqual(await seriousViolations(page), []);
      await shot(page, '05-profile-ko');
      stands.kakao.fault = '5xx';
      await page.goto(authorizeUrl());
      await page.getByRole('button', { name: 'Kakao 계정으로 계속하기' }).click();
      await page.getByRole('heading', { name: '플랫폼이 응답하지 않습니다' }).waitFor();
      assert.deepEqual(await seriousViolations(page), []);
      assert.deepEqual(latinOnlySentences(await readableText(page)), [], 'the fault page speaks Korean');
      await shot(page, '06-fault-ko');
      await page.getByRole('button', { name: '로그인 화면으로 돌아가기' }).click();
      await page.getByRole('button', { name: 'Kakao 계정으로 계속하기' }).click(); /* still down */
      await page.getByRole('heading', { name: '플랫폼이 응답하지 않습니다' }).waitFor();
      await page.getByRole('button', { name: '로그인 취소' }).click();
      await page.getByRole('heading', { name: 'Back at the partner' }).waitFor();
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('error'), 'temporarily_unavailable');
    } finally {
      stands.kakao.fault = null;
      await context.close();
    }
  });

  test('the account page: Link another platform (NAVER) and back, passing axe', async () => {
    const { context, page } = await openPage(browser, 'en');
    stands.kakao.user = { ...stands.kakao.user, id: 5151 };
    stands.naver.user = { ...stands.naver.user, id: 'n-browser-link' };
    try {
      await page.goto(authorizeUrl());
      await page.getByRole('button', { name: 'Continue with Kakao' }).click();
      await page.getByRole('button', { name: 'Create my account' }).click();
      await page.locator('button[name="decision"][value="allow"]').click();
      await page.getByRole('heading', { name: 'Back at the partner' }).waitFor();
      await page.goto(gh.url('/account'));
      const link = page.getByRole('button', { name: 'Link NAVER' });
      await link.waitFor();
      assert.equal(await page.getByRole('button', { name: 'Link Kakao' }).count(), 0, 'kakao is linked already');
      assert.deepEqual(await seriousViolations(page), [], 'the account page with Link another platform');
      await shot(page, '07-account-link-more');
      await link.click();
      await page.waitForURL(/\/account\?done=linked$/);
      assert.match(await readableText(page), /You can now sign in with that platform too/);
      assert.equal(await page.locator('li[data-platform="naver"]').count(), 1);
      assert.deepEqual(await seriousViolations(page), [], 'the account page after linking');
    } finally {
      await context.close();
    }
  });
});
