// The account page's linked platforms and second factors (issue 21 item 1,
// where issues 19 and 20 meet it), against the platform stand-ins: a member
// made through kakao sees kakao listed with an Unlink button; unlinking it is
// refused while it is the only way to sign in (409, said on the page); after
// naver is linked too, unlinking naver removes the link and unlinks at naver
// (as `gatehouse user unlink` does), CSRF-checked; the audit trail has
// link.add and link.remove; the factors section says what a member has; both
// languages.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { kakao, KAKAO_USER } from '../platforms/kakao.mjs';
import { naver } from '../platforms/naver.mjs';
import { CookieJar, querySql, request, setup, useServer } from './lib/harness.mjs';
import { allow, choose, FederatedServer, submit } from './lib/federation.mjs';
import { formData, parseForms, visibleText } from './lib/html.mjs';
import { checkAnswer } from './lib/openapi.mjs';

const stands = { kakao: kakao(), naver: naver() };
before(() => Promise.all(Object.values(stands).map((p) => p.start())));
after(() => Promise.all(Object.values(stands).map((p) => p.stop())));

const gh = useServer(new FederatedServer({ platforms: () => ({ kakao: stands.kakao.config(), naver: stands.naver.config() }) }));

const REDIRECT = 'https://partner.example/cb';
setup(async () => {
  await gh.addClient({ id: 'partner', secret: 'partner-secret-0123456789', redirectUris: [REDIRECT], scope: 'openid profile email' });
});

const authorizeUrl = (extra = {}) =>
  gh.authorizeUrl({ client_id: 'partner', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile email', state: 's1', nonce: 'n1', ...extra });

const account = (jar, lang = 'en') => request('GET', gh.url('/account'), { headers: jar.headers({ 'accept-language': lang }) });

/** The page's unlink form for platform, posted (fields overridden by fill); the answer. */
async function unlink(jar, page, platform, fill = {}) {
  const form = parseForms(page.text).find((f) => f.action === '/account/links/unlink' && f.inputs.some((i) => i.name === 'platform' && i.value === platform));
  assert.ok(form, `an Unlink form for ${platform}`);
  return request('POST', gh.url(form.action), {
    headers: jar.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
    body: formData(form, fill).toString(),
  });
}

const audits = (action, sub) => Number(querySql(gh.db, `SELECT COUNT(*) FROM events WHERE action = '${action}' AND target = '${sub}'`));

describe('linked platforms on the account page', () => {
  let jar, sub;

  test('a member made through kakao sees kakao with an Unlink button; the only way in is not unlinked', async () => {
    stands.kakao.user = { ...KAKAO_USER, id: 770001 };
    const out = await choose(gh, authorizeUrl(), 'kakao', { stopAt: REDIRECT });
    const created = await submit(out.res, out.url, { jar: out.jar, button: 'create', stopAt: REDIRECT });
    if (!created.redirect) await allow(created.res, created.url, { jar: out.jar, stopAt: REDIRECT });
    jar = out.jar;
    sub = querySql(gh.db, "SELECT sub FROM member_links WHERE platform = 'kakao' AND subject = '770001'");
    assert.ok(sub, 'linked');
    assert.equal(audits('link.add', sub), 1, 'the link is an audit event');

    const page = await account(jar);
    assert.equal(page.status, 200, page.describe());
    assert.match(page.text, /<section class="section" id="platforms" aria-labelledby="platforms-heading">/);
    assert.match(page.text, /<li class="item" data-platform="kakao">/);
    assert.ok(visibleText(page.text).includes('Linked platforms'));

    const refused = await unlink(jar, page, 'kakao');
    assert.equal(refused.status, 409, refused.describe());
    assert.match(visibleText(refused.text), /only way to sign in/);
    assert.match(refused.text, /role="alert"/);
    assert.equal(querySql(gh.db, `SELECT COUNT(*) FROM member_links WHERE sub = '${sub}'`), '1', 'the link stays');
    assert.equal(stands.kakao.revoked.length, 0, 'nothing unlinked at kakao');
  });

  test('with naver linked too, unlinking naver removes the link and unlinks at naver', async () => {
    stands.naver.user = { ...stands.naver.user, id: 'n-account-1' };
    const out = await choose(gh, authorizeUrl({ prompt: 'login' }), 'naver', { jar, stopAt: REDIRECT });
    await submit(out.res, out.url, { jar, button: 'link', stopAt: REDIRECT });
    assert.equal(querySql(gh.db, `SELECT COUNT(*) FROM member_links WHERE sub = '${sub}'`), '2');
    assert.equal(audits('link.add', sub), 2);

    const page = await account(jar);
    assert.match(page.text, /data-platform="naver"/);
    const forged = await unlink(jar, page, 'naver', { csrf: 'not-the-token' });
    assert.equal(forged.status, 403, 'CSRF-checked');
    const revokedBefore = stands.naver.revoked.length;
    const done = await unlink(jar, page, 'naver');
    assert.equal(done.status, 303, done.describe());
    assert.equal(done.header('location'), '/account?done=unlinked');
    assert.equal(stands.naver.revoked.length, revokedBefore + 1, 'unlinked at naver');
    const links = await gh.cli(['user', 'links', querySql(gh.db, `SELECT username FROM users WHERE sub = '${sub}'`)]);
    assert.doesNotMatch(links.stdout, /^naver\t/m);
    assert.match(links.stdout, /^kakao\t/m);
    assert.equal(audits('link.remove', sub), 1, 'the unlink is an audit event');
    const after = await request('GET', gh.url(done.header('location')), { headers: jar.headers() });
    assert.match(visibleText(after.text), /You can no longer sign in with that platform/);
    assert.doesNotMatch(after.text, /data-platform="naver"/);
  });

  test('the admin API lists the links and removes one, with the same rule (409 for the last way in), as OpenAPI documents', async () => {
    const r = await gh.cli(['client', 'add', '--id', 'ops', '--grant', 'client_credentials', '--scope', 'gatehouse:admin']);
    assert.equal(r.code, 0, r.stderr);
    const secret = /client_secret: (\S+)/.exec(r.stdout)[1];
    const tok = await gh.token({ grant_type: 'client_credentials', scope: 'gatehouse:admin' }, { basic: { id: 'ops', secret } });
    assert.equal(tok.status, 200, tok.describe());
    const doc = await (await fetch(gh.url('/admin/v1/openapi.json'))).json();
    const api = async (method, path) => {
      const res = await fetch(gh.url(`/admin/v1${path}`), { method, headers: { authorization: `Bearer ${tok.json.access_token}` } });
      const text = await res.text();
      assert.deepEqual(checkAnswer(doc, { method, path: `/admin/v1${path}`, status: res.status, contentType: res.headers.get('content-type'), body: text }), []);
      return { status: res.status, json: text ? JSON.parse(text) : null };
    };
    const listed = await api('GET', `/users/${sub}/links`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json.items.map((l) => [l.platform, l.subject]), [['kakao', '770001']]);
    assert.equal((await api('DELETE', `/users/${sub}/links/naver`)).status, 404, 'no such link');
    const kakaoRevoked = stands.kakao.revoked.length;
    assert.equal((await api('DELETE', `/users/${sub}/links/kakao`)).status, 409, 'the only way in stays');
    assert.equal(stands.kakao.revoked.length, kakaoRevoked, 'nothing unlinked at kakao');
    assert.equal(querySql(gh.db, `SELECT COUNT(*) FROM member_links WHERE sub = '${sub}'`), '1');
    assert.equal((await api('GET', '/users/no-such-member/links')).status, 404);
  });

  test('in Korean', async () => {
    const page = await account(jar, 'ko');
    const text = visibleText(page.text);
    assert.ok(text.includes('연결된 플랫폼'), text);
    assert.ok(text.includes('연결 해제'), text);
    assert.ok(text.includes('2단계 인증과 패스키'), text);
  });
});

describe('second factors on the account page', () => {
  test('says whether the authenticator app is on, the recovery codes left and the passkeys, with links', async () => {
    const user = await gh.addUser({ username: 'yuna', password: 'Maple-leaf-pw-4421', email: 'yuna@example.com', nickname: 'Yuna' });
    const jar = new CookieJar();
    const login = await request('GET', gh.url('/account'), { headers: jar.headers() });
    jar.take(login);
    const form = parseForms(login.text).find((f) => f.action === '/account/login');
    const signed = await request('POST', gh.url('/account/login'), {
      headers: jar.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: formData(form, { username: user.username, password: 'Maple-leaf-pw-4421' }).toString(),
    });
    jar.take(signed);
    assert.equal(signed.status, 303, signed.describe());
    let page = await account(jar);
    assert.match(page.text, /<section class="section" id="factors" aria-labelledby="factors-heading">/);
    assert.match(page.text, /data-factor="totp" data-state="off"/);
    assert.ok(visibleText(page.text).includes('Authenticator app: off'));
    assert.match(page.text, /href="\/account\/mfa"/);
    assert.ok(visibleText(page.text).includes('No platform is linked to your account.'));

    assert.equal((await gh.cli(['user', 'mfa', user.username, '--add-totp'])).code, 0);
    page = await account(jar);
    assert.match(page.text, /data-factor="totp" data-state="on"/);
    assert.match(page.text, /data-recovery-left="0"/);
  });
});
