// "Link another platform" on the account page (issue 21 item 1,
// docs/federation.md): for each configured platform the member has no link
// to, a button that starts the federated sign-in without a partner's
// request (POST /auth/federate/NAME, purpose=link and the CSRF token, the
// purpose kept with the browser-bound state); at the callback the identity is linked to the
// member signed in here, audited as link.add, and the browser goes back to
// /account?done=linked (the only way back). An identity linked to another
// member is refused with a clear page; linking needs a session.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { kakao, KAKAO_USER } from '../platforms/kakao.mjs';
import { naver, NAVER_USER } from '../platforms/naver.mjs';
import { CookieJar, querySql, request, useServer } from './lib/harness.mjs';
import { follow, FederatedServer } from './lib/federation.mjs';
import { formData, parseForms, visibleText } from './lib/html.mjs';

const stands = { kakao: kakao(), naver: naver() };
before(() => Promise.all(Object.values(stands).map((p) => p.start())));
after(() => Promise.all(Object.values(stands).map((p) => p.stop())));

const gh = useServer(new FederatedServer({ platforms: () => ({ kakao: stands.kakao.config(), naver: stands.naver.config() }) }));

const account = (jar, lang = 'en') => request('GET', gh.url('/account'), { headers: jar.headers({ 'accept-language': lang }) });

/** A member with a password, signed in at the account page's own sign-in; resolves to { user, jar }. */
let members = 0;
async function member(name) {
  members += 1;
  const password = `Harbour-lamp-${members}-pw-8812`;
  const user = await gh.addUser({ username: name, password, email: `${name}@example.com`, nickname: name });
  const jar = new CookieJar();
  const login = await request('GET', gh.url('/account'), { headers: jar.headers() });
  jar.take(login);
  const form = parseForms(login.text).find((f) => f.action === '/account/login');
  const signed = await request('POST', gh.url('/account/login'), {
    headers: jar.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
    body: formData(form, { username: user.username, password }).toString(),
  });
  jar.take(signed);
  assert.equal(signed.status, 303, signed.describe());
  return { user, jar };
}

/** The "Link NAME" form of an account page (or null). */
function linkButton(page, name) {
  return parseForms(page.text).find((f) => f.method === 'post' && f.action === `/auth/federate/${name}`) ?? null;
}

/** Clicks a "Link NAME" form (fields overridden by fill), following redirects until /account or a page. */
const clickLink = (jar, form, { fill = {}, headers = {} } = {}) =>
  follow(gh.url(form.action), { jar, stopAt: gh.url('/account'), method: 'POST', body: formData(form, fill).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });

const links = (sub) => querySql(gh.db, `SELECT platform || ':' || subject FROM member_links WHERE sub = '${sub}' ORDER BY platform`);
const audits = (action, sub) => Number(querySql(gh.db, `SELECT COUNT(*) FROM events WHERE action = '${action}' AND target = '${sub}'`));

test('the account page offers each platform not linked yet; linking kakao and then naver comes back to /account', async () => {
  const { user, jar } = await member('linker');
  const page = await account(jar);
  assert.equal(page.status, 200, page.describe());
  assert.ok(visibleText(page.text).includes('Link another platform'));
  const toKakao = linkButton(page, 'kakao');
  assert.ok(toKakao, 'a Link kakao button');
  assert.ok(linkButton(page, 'naver'), 'a Link naver button');
  assert.equal(toKakao.inputs.find((i) => i.name === 'purpose')?.value, 'link');
  const forged = await clickLink(jar, toKakao, { fill: { csrf: 'not-the-token' } });
  assert.equal(forged.res.status, 403, 'CSRF-checked: no other site starts a link');

  stands.kakao.user = { ...KAKAO_USER, id: 880001 };
  const done = await clickLink(jar, toKakao);
  assert.ok(done.redirect, `back to the account page: ${done.res.status} ${visibleText(done.res.text ?? '').slice(0, 300)}`);
  assert.equal(done.redirect.href, gh.url('/account?done=linked'));
  assert.equal(links(user.sub), 'kakao:880001');
  assert.equal(audits('link.add', user.sub), 1, 'link.add audited');

  const after = await request('GET', done.redirect.href, { headers: jar.headers() });
  assert.ok(visibleText(after.text).includes('You can now sign in with that platform too'), visibleText(after.text));
  assert.match(after.text, /data-platform="kakao"/);
  assert.equal(linkButton(after, 'kakao'), null, 'a linked platform is not offered again');

  stands.naver.user = { ...NAVER_USER, id: 'n-link-more-1' };
  const second = await clickLink(jar, linkButton(after, 'naver'));
  assert.equal(second.redirect?.href, gh.url('/account?done=linked'));
  assert.equal(links(user.sub), 'kakao:880001\nnaver:n-link-more-1');
  const full = await account(jar, 'ko');
  assert.equal(linkButton(full, 'naver'), null);
  assert.doesNotMatch(full.text, /link-more-heading/, 'nothing left to link');
});

test('an identity linked to another member is refused with a clear page; nothing changes', async () => {
  const first = await member('first-owner');
  stands.kakao.user = { ...KAKAO_USER, id: 880002 };
  const owned = await clickLink(first.jar, linkButton(await account(first.jar), 'kakao'));
  assert.ok(owned.redirect, 'linked to the first member');

  const { user, jar } = await member('second-try');
  const out = await clickLink(jar, linkButton(await account(jar), 'kakao'));
  assert.equal(out.redirect, undefined, 'not sent back as done');
  assert.equal(out.res.status, 409, out.res.describe());
  assert.match(visibleText(out.res.text), /already linked to another member/);
  assert.match(out.res.text, /role="alert"/);
  assert.match(out.res.text, /<a class="button button-primary" href="\/account">Back to your account<\/a>/, 'a way back');
  assert.equal(links(user.sub), '', 'nothing linked to the second member');
  assert.equal(links(first.user.sub), 'kakao:880002', 'the first member keeps it');
  assert.equal(audits('link.add', user.sub), 0);

  const ko = await clickLink(jar, linkButton(await account(jar, 'ko'), 'kakao'), { headers: { 'accept-language': 'ko' } });
  assert.match(visibleText(ko.res.text), /이미 다른 회원에게 연결/);
});

test('linking needs a session and a POST; a state taken to another browser is refused', async () => {
  const { user, jar } = await member('steered');
  const form = linkButton(await account(jar), 'kakao');
  const anon = new CookieJar();
  const noSession = await request('POST', gh.url(form.action), {
    headers: anon.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
    body: formData(form).toString(),
  });
  assert.equal(noSession.status, 403, 'without the session its CSRF token is no good');
  const get = await request('GET', gh.url('/auth/federate/kakao?purpose=link'), { headers: jar.headers() });
  assert.equal(get.status, 400, 'a GET is a sign-in and needs an authorization request');
  assert.equal(get.header('location'), undefined);

  const start = await request('POST', gh.url(form.action), {
    headers: jar.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
    body: formData(form).toString(),
  });
  jar.take(start);
  assert.ok([302, 303].includes(start.status), start.describe());
  const to = new URL(start.header('location'));
  assert.equal(to.origin, new URL(stands.kakao.url('/')).origin);
  /* the same state from another browser (no binding cookie) is refused */
  const cb = await follow(to.href, { jar: new CookieJar(), stopAt: gh.url('/account') });
  assert.equal(cb.redirect, undefined);
  assert.equal(cb.res.status, 400, cb.res.describe());
  assert.equal(links(user.sub), '');
});
