// Issue 21: mail and password reset against a real SMTP server (smtp-server,
// parsed with mailparser). A reset asked for by username or address mails a
// single-use link in the page's language (text and HTML parts, an RFC 2047
// subject); the page answers the same, in about the same time, for an
// unknown name; the link leads to a new-password form under the policy, and
// using it ends every session and grant; replayed, expired, forged and
// malformed links each get a clear page; an SMTP outage loses nothing (the
// message goes out on a retry, and the server keeps serving); mails per
// account and requests per address are throttled. Runs on SQLite or, with
// GATEHOUSE_E2E_PG, PostgreSQL.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { CookieJar, codeGrant, querySql, randomString, refreshGrant, request, setup, sleep, useServer } from './lib/harness.mjs';
import { formData, postForms, visibleText } from './lib/html.mjs';
import { Mailbox, MailGatehouse, linkIn } from './lib/mailbox.mjs';

const mailbox = new Mailbox();
await mailbox.start();
after(() => mailbox.stop());

const gh = useServer(
  new MailGatehouse({
    label: 'mail',
    config: { mail_rate_account: 3, self_service_rate: 40 },
    smtp: { url: mailbox.url, from: 'noreply@gatehouse.test', retry_min: 1, retry_max: 2, timeout: 5 },
  }),
);
const REDIRECT = 'https://rp.example/cb';
let web;
const ruth = { username: 'ruth', password: 'first-Kayak-71', email: 'ruth@mail.test', nickname: 'ruth' };
const sven = { username: 'sven', password: 'first-Lumen-72', email: 'sven@mail.test', nickname: 'sven' };
const tove = { username: 'tove', password: 'first-Ochre-73', email: 'tove@mail.test', nickname: 'tove' };
const uma = { username: 'uma', password: 'first-Tundra-74', email: 'uma@mail.test', nickname: 'uma' }; // timing only

setup(async () => {
  web = await gh.addClient({ id: 'web', secret: 'web-secret-0123456789', redirectUris: REDIRECT });
  for (const u of [ruth, sven, tove, uma]) await gh.addUser(u);
});

/** GET a page with the jar, then POST its one form with fill; resolves to the answer. */
async function submit(path, fill, { jar = new CookieJar(), lang = 'en' } = {}) {
  const page = await request('GET', gh.url(path), { headers: jar.headers({ 'accept-language': lang }) });
  jar.take(page);
  assert.equal(page.status, 200, page.describe());
  const [form] = postForms(page.text);
  assert.ok(form, `a form at ${path}`);
  const res = await request('POST', new URL(form.action, gh.url(path)).href, {
    headers: jar.headers({ 'accept-language': lang }),
    body: formData(form, fill),
  });
  jar.take(res);
  return res;
}

const askReset = (login, opts) => submit('/auth/reset', { login }, opts);

test('the sign-in page links to /auth/reset when mail is configured', async () => {
  const url = gh.authorizeUrl({ client_id: web.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' });
  const res = await request('GET', url);
  assert.match(res.text, /<a href="\/auth\/reset\?ui_locales=en">Forgot your password\?<\/a>/);
  assert.doesNotMatch(res.text, /\/auth\/register/, 'registration is off: no link');
});

test('a reset by username mails a link with a text and an HTML part; the same page for an unknown name', async () => {
  const before = mailbox.messages.length;
  const t0 = Date.now();
  const known = await askReset(ruth.username);
  const knownMs = Date.now() - t0;
  const t1 = Date.now();
  const unknown = await askReset(`nobody-${randomString(4)}`);
  const unknownMs = Date.now() - t1;
  assert.equal(known.status, 200, known.describe());
  assert.equal(unknown.status, 200, unknown.describe());
  assert.equal(known.text, unknown.text, 'the same answer, byte for byte');
  assert.match(visibleText(known.text), /If an account matches/);
  const m = await mailbox.waitFor(ruth.email, { after: before });
  assert.equal(m.parsed.subject, 'Reset your Gatehouse password');
  assert.equal(m.parsed.from.value[0].address, 'noreply@gatehouse.test');
  assert.ok(m.parsed.date instanceof Date && Math.abs(m.parsed.date - Date.now()) < 60000, 'a Date header');
  assert.match(m.parsed.messageId, /^<[0-9a-f]{32}@gatehouse\.test>$/);
  assert.match(m.parsed.headers.get('content-type').value, /multipart\/alternative/);
  assert.match(m.parsed.text, /ruth/);
  assert.match(m.parsed.html, /<a href="http:\/\/127\.0\.0\.1:\d+\/auth\/reset\?token=[\w-]{43}">Choose a new password<\/a>/);
  assert.ok(linkIn(m, '/auth/reset'), 'the text part holds the link');
  await sleep(500);
  assert.equal(mailbox.messages.length, before + 1, 'one mail: none for the unknown name');

  // the least of four tries each, so that one request slowed by other load on the machine
  // does not decide (uma's three mails stay within mail_rate_account)
  const times = { known: [knownMs], unknown: [unknownMs] };
  for (let i = 0; i < 3; i++) {
    for (const [kind, login] of [['known', uma.username], ['unknown', `nobody-${randomString(4)}`]]) {
      const t = Date.now();
      assert.equal((await askReset(login)).status, 200);
      times[kind].push(Date.now() - t);
    }
  }
  const least = (l) => Math.min(...l);
  assert.ok(Math.abs(least(times.known) - least(times.unknown)) < 250, `similar time: ${JSON.stringify(times)} ms`);
  for (let i = 0; i < 50 && mailbox.to(uma.email).length < 3; i++) await sleep(100); // before the next test counts
  assert.equal(mailbox.to(uma.email).length, 3);
});

test('a reset by address in Korean: an RFC 2047 subject, Korean parts', async () => {
  const before = mailbox.messages.length;
  const res = await askReset(sven.email.toUpperCase(), { lang: 'ko' });
  assert.equal(res.status, 200, res.describe());
  assert.match(res.text, /메일을 확인하세요/);
  const m = await mailbox.waitFor(sven.email, { after: before });
  assert.match(m.raw, /^Subject: =\?UTF-8\?B\?/m, 'the subject is an encoded word');
  assert.equal(m.parsed.subject, 'Gatehouse 비밀번호 재설정');
  assert.match(m.parsed.text, /비밀번호 재설정을 요청하셨습니다/);
  assert.match(m.parsed.html, /<html lang="ko">/);
});

/** A signed-in browser and a refresh token for user. */
async function signedIn(user) {
  const { code, jar } = await gh.obtainCode(web, user);
  const t = await gh.token(codeGrant(web, code));
  assert.equal(t.status, 200, t.describe());
  return { jar, tokens: t.json };
}

test('the link sets a new password under the policy, once, and ends every session and grant', async () => {
  const s = await signedIn(tove);
  const before = mailbox.messages.length;
  await askReset(tove.username);
  const link = linkIn(await mailbox.waitFor(tove.email, { after: before }), '/auth/reset');

  const jar = new CookieJar();
  const page = await request('GET', link, { headers: jar.headers() });
  jar.take(page);
  assert.equal(page.status, 200, page.describe());
  const [form] = postForms(page.text);
  assert.ok(form.inputs.some((i) => i.name === 'password' && i.type === 'password'), 'a new-password input');
  assert.ok(form.inputs.some((i) => i.name === 'csrf'), 'CSRF-protected');

  const weak = await request('POST', gh.url('/auth/reset'), { headers: jar.headers(), body: formData(form, { password: '12345678' }) });
  assert.equal(weak.status, 400, weak.describe());
  assert.match(visibleText(weak.text), /too short/);
  const common = await request('POST', gh.url('/auth/reset'), { headers: jar.headers(), body: formData(form, { password: 'password1234' }) });
  assert.equal(common.status, 400, common.describe());
  assert.match(visibleText(common.text), /common/);
  const noCsrf = await request('POST', gh.url('/auth/reset'), { body: formData(form, { password: 'second-Ochre-74', csrf: 'x' }) });
  assert.equal(noCsrf.status, 403, 'a forged form is refused');

  const ok = await request('POST', gh.url('/auth/reset'), { headers: jar.headers(), body: formData(form, { password: 'second-Ochre-74' }) });
  assert.equal(ok.status, 200, ok.describe());
  assert.match(visibleText(ok.text), /Password changed/);

  const refreshed = await gh.token(refreshGrant(web, s.tokens.refresh_token));
  assert.equal(refreshed.status, 400, 'the old refresh token is revoked');
  assert.equal((await gh.userinfo(s.tokens.access_token)).json?.error?.code, '10075', 'the old access token is refused');
  const old = await gh.authorize({ client_id: web.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' }, { username: tove.username, password: tove.password });
  assert.equal(old.redirect, null, 'the old password no longer signs in');
  await gh.obtainCode(web, { ...tove, password: 'second-Ochre-74' }); // the new one does

  const replay = await request('GET', link);
  assert.equal(replay.status, 400);
  assert.match(visibleText(replay.text), /used already/);
  const replayPost = await request('POST', gh.url('/auth/reset'), { headers: jar.headers(), body: formData(form, { password: 'third-Ochre-75' }) });
  assert.equal(replayPost.status, 400);
  assert.match(visibleText(replayPost.text), /used already/);
});

test('forged, malformed and expired links get their own page, in the member\'s language', async () => {
  const forged = await request('GET', gh.url(`/auth/reset?token=${randomString(32)}`));
  assert.equal(forged.status, 400);
  assert.match(visibleText(forged.text), /not valid/);
  const cut = await request('GET', gh.url('/auth/reset?token=abc'));
  assert.equal(cut.status, 400);
  assert.match(visibleText(cut.text), /not valid/);
  const ko = await request('GET', gh.url('/auth/reset?token=abc&ui_locales=ko'));
  assert.match(ko.text, /유효하지 않은 링크입니다/);

  const before = mailbox.messages.length;
  await askReset(ruth.username);
  const link = linkIn(await mailbox.waitFor(ruth.email, { after: before }), '/auth/reset');
  querySql(gh.db, "UPDATE mail_links SET expires_at = 1 WHERE purpose = 'reset' AND used_at IS NULL");
  const expired = await request('GET', link);
  assert.equal(expired.status, 400);
  assert.match(visibleText(expired.text), /expired/);
});

test('an SMTP outage loses nothing: the message goes out on a retry, and the server keeps serving', async () => {
  await mailbox.stop();
  const before = mailbox.messages.length;
  const res = await askReset(sven.username);
  assert.equal(res.status, 200, 'the request does not wait on SMTP');
  await sleep(1500); // a try or two fail
  assert.equal((await gh.get('/.well-known/openid-configuration')).status, 200, 'still serving');
  assert.ok(Number(querySql(gh.db, 'SELECT max(attempts) FROM outbox')) >= 1, 'tried and kept');
  await mailbox.start();
  const m = await mailbox.waitFor(sven.email, { after: before, ms: 10000 });
  assert.ok(linkIn(m, '/auth/reset'));
  // the worker deletes the row after the SMTP server took the message: a moment after it arrives
  let left;
  for (let i = 0; i < 50 && (left = querySql(gh.db, 'SELECT count(*) FROM outbox')) !== '0'; i++) await sleep(100);
  assert.equal(left, '0', 'sent messages leave the outbox');
});

test('a mailbox that refuses mail for good: the message is given up, not retried forever', async () => {
  const bounce = { username: 'bounce', password: 'first-Umber-76', email: 'bounce@mail.test', nickname: 'b' };
  await gh.addUser(bounce);
  mailbox.reject.add(bounce.email);
  const mark = gh.logSize();
  assert.equal((await askReset(bounce.username)).status, 200);
  const deadline = Date.now() + 8000;
  while (Date.now() < deadline && !/"mail_given_up"/.test(gh.logSince(mark, Infinity))) await sleep(100);
  assert.match(gh.logSince(mark, Infinity), /"mail_given_up".*550/);
  assert.equal(querySql(gh.db, 'SELECT count(*) FROM outbox'), '0');
  assert.equal(mailbox.to(bounce.email).length, 0);
});

test('mails per account are limited (silently), requests per address visibly', async () => {
  for (let i = 0; i < 4; i++) assert.equal((await askReset(ruth.email)).status, 200, 'the same answer');
  await sleep(1500);
  assert.equal(mailbox.to(ruth.email).length, 3, 'mail_rate_account = 3 mails an hour, then no more');
  let last;
  for (let i = 0; i < 45; i++) {
    last = await askReset(`someone-${i}`);
    if (last.status === 429) break;
  }
  assert.equal(last.status, 429, 'the address is throttled');
  assert.ok(Number(last.header('retry-after')) > 0);
});
