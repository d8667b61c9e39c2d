// "Link another platform" on the account page (issue 21 item 1,
// docs/federation.md): for each configured platform the member has no link
// to, a button that starts the federated sign-in without a partner's
// request (GET /auth/federate/NAME?purpose=link, the purpose kept with the
// browser-bound state); at the callback the identity is linked to the
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

/** The "Link NAME" form of an account page, as the URL a click opens (or null). */
function linkButton(page, name) {
  const form = parseForms(page.text).find((f) => f.method === 'get' && f.action === `/auth/federate/${name}`);
  return form ? `${gh.base}${form.action}?${formData(form)}` : null;
}

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
  assert.match(toKakao, /purpose=link/);

  stands.kakao.user = { ...KAKAO_USER, id: 880001 };
  const done = await follow(toKakao, { jar, stopAt: gh.url('/account') });
  assert.ok(done.redirect, `back to the account page: ${done.res.status} ${visibleText(done.res.text ?? '').slice(0, 300)}`);
  assert.equal(done.redirect.href, gh.url('/account?done=linked'));
  assert.equal(links(user.sub), 'kakao:880001');
  assert.equal(audits('link.add', user.sub), 1, 'link.add audited');

  const after = await request('GET', done.redirect.href, { headers: jar.headers() });
  assert.ok(visibleText(after.text).includes('You can now sign in with that platform too'), visibleText(after.text));
  assert.match(after.text, /data-platform="kakao"/);
  assert.equal(linkButton(after, 'kakao'), null, 'a linked platform is not offered again');

  stands.naver.user = { ...NAVER_USER, id: 'n-link-more-1' };
  const second = await follow(linkButton(after, 'naver'), { jar, stopAt: gh.url('/account') });
  assert.equal(second.redirect?.href, gh.url('/account?done=linked'));
  assert.equal(links(user.sub), 'kakao:880001\nnaver:n-link-more-1');
  const full = await account(jar, 'ko');
  assert.equal(linkButton(full, 'naver'), null);
  assert.doesNotMatch(full.text, /link-more-heading/, 'nothing left to link');
});

test('an identity linked to another member is refused with a clear page; nothing changes', async () => {
  const first = await member('first-owner');
  stands.kakao.user = { ...KAKAO_USER, id: 880002 };
  const owned = await follow(linkButton(await account(first.jar), 'kakao'), { jar: first.jar, stopAt: gh.url('/account') });
  assert.ok(owned.redirect, 'linked to the first member');

  const { user, jar } = await member('second-try');
  const out = await follow(linkButton(await account(jar), 'kakao'), { jar, stopAt: gh.url('/account') });
  assert.equal(out.redirect, undefined, 'not sent back as done');
  assert.equal(out.res.status, 409, out.res.describe());
  assert.match(visibleText(out.res.text), /already linked to another member/);
  assert.match(out.res.text, /role="alert"/);
  assert.equal(links(user.sub), '', 'nothing linked to the second member');
  assert.equal(links(first.user.sub), 'kakao:880002', 'the first member keeps it');
  assert.equal(audits('link.add', user.sub), 0);

  const ko = await follow(linkButton(await account(jar, 'ko'), 'kakao'), { jar, stopAt: gh.url('/account'), headers: { 'accept-language': 'ko' } });
  assert.match(visibleText(ko.res.text), /이미 다른 회원에게 연결/);
});

test('linking needs a session; a callback cannot be steered elsewhere', async () => {
  const anon = await request('GET', gh.url('/auth/federate/kakao?purpose=link'));
  assert.equal(anon.status, 401, 'no session, no link');
  assert.equal(anon.header('location'), undefined);

  /* the purpose is the server's: a sign-in's state stays a sign-in, whatever the callback says */
  const { user, jar } = await member('steered');
  const start = await request('GET', gh.url('/auth/federate/kakao?purpose=link'), { headers: jar.headers() });
  jar.take(start);
  assert.equal(start.status, 302);
  const to = new URL(start.header('location'));
  assert.equal(to.origin, new URL(stands.kakao.url('/')).origin);
  /* the same state from another browser (no binding cookie) is refused */
  const other = new CookieJar();
  const cb = await follow(to.href, { jar: other, stopAt: gh.url('/account') });
  assert.equal(cb.redirect, undefined);
  assert.equal(cb.res.status, 400, cb.res.describe());
  assert.equal(links(user.sub), '');
});
