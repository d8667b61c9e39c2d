// Federated sign-in at the authorization server (issue 19), against the
// platform stand-ins the gateway's tests use: the sign-in page offers each
// [platform.NAME] as a button in both languages; a first sign-in checks the
// profile and creates a member whose own sub the partner then gets (id_token
// idp = the platform); the next sign-in finds the link; a second platform is
// linked to the same member only after it proved itself (a fresh sign-in, or
// its password); a verified e-mail links only with link_by_verified_email;
// the state is single use and bound to the browser; a member without a
// password cannot use the password form; platform faults give a page in the
// person's language with a way back and a way to give up (the partner then
// hears access_denied / temporarily_unavailable) and create nothing; the CLI
// lists, unlinks and removes (unlinking at the platform).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { google } from '../platforms/google.mjs';
import { kakao, KAKAO_USER } from '../platforms/kakao.mjs';
import { naver } from '../platforms/naver.mjs';
import { CookieJar, codeGrant, decodeJwt, request, setup, sleep, useServer } from './lib/harness.mjs';
import { allow, choose, FederatedServer, follow, submit } from './lib/federation.mjs';
import { parseForms, visibleText } from './lib/html.mjs';

const stands = { kakao: kakao(), google: google(), naver: naver() };
before(() => Promise.all(Object.values(stands).map((p) => p.start())));
after(() => Promise.all(Object.values(stands).map((p) => p.stop())));

let extra = {}; /* platforms added by the SIGHUP test */
const gh = useServer(new FederatedServer({
  platforms: () => ({
    ...extra,
    kakao: stands.kakao.config(),
    google: stands.google.config(),
    google_trusted: { ...stands.google.config(), link_by_verified_email: 'true', label: 'Google (trusted)' },
    naver: stands.naver.config(),
  }),
}));

const REDIRECT = 'https://partner.example/cb';
let partner;
setup(async () => {
  partner = await gh.addClient({ id: 'partner', secret: 'partner-secret-0123456789', redirectUris: [REDIRECT], scope: 'openid profile email' });
});

const authorizeUrl = (extra = {}) =>
  gh.authorizeUrl({ client_id: partner.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile email', state: 'st-' + Math.random().toString(36).slice(2), nonce: 'n1', ...extra });

/** A fresh identity at the kakao stand-in. */
let nextKakaoId = 900000;
const freshKakao = (extra = {}) => {
  stands.kakao.user = { ...KAKAO_USER, id: nextKakaoId++, ...extra };
  return stands.kakao.user;
};

async function members() {
  const r = await gh.cli(['user', 'list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** The partner's code exchanged, the id_token decoded, userinfo called. */
async function tokensFor(redirect) {
  assert.ok(redirect, 'back at the partner');
  assert.equal(redirect.origin + redirect.pathname, REDIRECT);
  const code = redirect.searchParams.get('code');
  assert.ok(code, `a code: ${redirect}`);
  const t = await gh.token(codeGrant(partner, code));
  assert.equal(t.status, 200, t.text);
  const idToken = decodeJwt(t.json.id_token).payload;
  const info = await gh.userinfo(t.json.access_token);
  assert.equal(info.status, 200);
  return { idToken, info: info.json };
}

/** From a page that is the consent page (or a redirect already), to the partner. */
async function consentIfAsked(out, jar) {
  if (out.redirect) return out.redirect;
  const done = await allow(out.res, out.url, { jar, stopAt: REDIRECT });
  return done.redirect;
}

describe('the sign-in page', () => {
  for (const [lang, words] of [['en', 'Continue with Kakao'], ['ko', 'Kakao 계정으로 계속하기']]) {
    test(`offers a button per platform (${lang})`, async () => {
      const res = await request('GET', authorizeUrl(), { headers: { 'accept-language': lang } });
      assert.equal(res.status, 200);
      const forms = parseForms(res.text).filter((f) => f.method === 'get');
      assert.deepEqual(forms.map((f) => f.action), ['/auth/federate/kakao', '/auth/federate/google', '/auth/federate/google_trusted', '/auth/federate/naver']);
      for (const f of forms) {
        assert.equal(f.inputs.find((i) => i.name === 'client_id')?.value, partner.id);
        assert.ok(!f.inputs.some((i) => i.name === 'csrf' || i.name === 'password'));
      }
      assert.ok(visibleText(res.text).includes(words), visibleText(res.text));
      assert.match(res.text, /class="button fed-button fed-kakao"/);
      assert.equal(parseForms(res.text).filter((f) => f.method === 'post').length, 1, 'the password form is still the one POST form');
    });
  }
});

const NICKNAME = '길동'.repeat(32); // 64 characters, 192 bytes of UTF-8

describe('kakao', () => {
  let member;
  test('first sign-in: check the profile, create the member, consent, tokens with idp', async () => {
    freshKakao();
    const before = (await members()).length;
    const out = await choose(gh, authorizeUrl({ login_hint: 'hint@example.com', prompt: 'login' }), 'kakao', { stopAt: REDIRECT });
    const asked = stands.kakao.lastAuthorize;
    assert.equal(asked.redirect_uri, gh.callbackUrl('kakao'));
    assert.ok(asked.state && asked.state.length >= 40);
    assert.equal(asked.login_hint, 'hint@example.com', 'kakao understands login_hint');
    assert.equal(asked.prompt, 'login', 'kakao understands prompt=login');
    assert.equal(out.res.status, 200);
    const text = visibleText(out.res.text);
    assert.ok(text.includes('Check your profile'), text);
    const form = parseForms(out.res.text).find((f) => f.inputs.some((i) => i.name === 'nickname'));
    assert.equal(form.inputs.find((i) => i.name === 'nickname').value, '홍길동');
    assert.equal(form.inputs.find((i) => i.name === 'email').value, 'sample@sample.com');
    assert.equal((await members()).length, before, 'nobody is created before the profile is confirmed');
    // the nickname's limit is 64 characters, as the field's maxlength counts them, not bytes
    const tooLong = await submit(out.res, out.url, { jar: out.jar, button: 'create', fill: { nickname: '길'.repeat(65) }, stopAt: REDIRECT });
    assert.ok(visibleText(tooLong.res.text).includes('Check your profile'), 'the profile page again');
    assert.equal((await members()).length, before, 'nobody created');
    const created = await submit(tooLong.res, tooLong.url, { jar: out.jar, button: 'create', fill: { nickname: NICKNAME }, stopAt: REDIRECT });
    const redirect = await consentIfAsked(created, out.jar);
    const { idToken, info } = await tokensFor(redirect);
    assert.equal(idToken.idp, 'kakao');
    assert.equal(idToken.amr, undefined, 'RFC 8176 has no value for a federated sign-in');
    assert.deepEqual(info, { sub: idToken.sub, nickname: NICKNAME, email: 'sample@sample.com', email_verified: false });
    member = { sub: idToken.sub, jar: out.jar, id: stands.kakao.user.id };
    const list = await members();
    assert.equal(list.length, before + 1);
    member.username = list.find((m) => m.sub === member.sub).username;
  });

  test('the next sign-in (another browser) finds the link: the same sub, no profile page', async () => {
    stands.kakao.user = { ...KAKAO_USER, id: member.id };
    const out = await choose(gh, authorizeUrl(), 'kakao', { stopAt: REDIRECT });
    assert.ok(out.redirect, `consent was given before: straight back (${out.res?.status})`);
    const { idToken } = await tokensFor(out.redirect);
    assert.equal(idToken.sub, member.sub);
  });

  test('a second platform links to the same member after a fresh sign-in with the first', async () => {
    const out = await choose(gh, authorizeUrl({ prompt: 'login' }), 'naver', { jar: member.jar, stopAt: REDIRECT });
    assert.equal(out.res.status, 200);
    assert.ok(visibleText(out.res.text).includes(NICKNAME), 'offers the member signed in a moment ago');
    const linked = await submit(out.res, out.url, { jar: member.jar, button: 'link', stopAt: REDIRECT });
    const { idToken } = await tokensFor(await consentIfAsked(linked, member.jar));
    assert.equal(idToken.sub, member.sub);
    const again = await choose(gh, authorizeUrl(), 'naver', { stopAt: REDIRECT });
    const next = (await tokensFor(again.redirect)).idToken;
    assert.equal(next.sub, member.sub, 'naver now signs in the same member');
    assert.equal(next.idp, 'naver');
  });

  test('a member without a password cannot sign in with the password form', async () => {
    const jar = new CookieJar();
    const page = await request('GET', authorizeUrl(), {});
    jar.take(page);
    const form = parseForms(page.text).find((f) => f.method === 'post');
    const body = new URLSearchParams(form.inputs.map((i) => [i.name, i.value]));
    body.set('username', member.username);
    body.set('password', '!');
    const res = await request('POST', gh.url('/auth/authorize'), { headers: jar.headers({ 'content-type': 'application/x-www-form-urlencoded' }), body: body.toString() });
    assert.equal(res.status, 401);
  });

  test('the state is single use and bound to the browser that started the sign-in', async () => {
    freshKakao();
    const jar = new CookieJar();
    const page = await request('GET', authorizeUrl(), {});
    jar.take(page);
    const start = parseForms(page.text).find((f) => f.action === '/auth/federate/kakao');
    const first = await request('GET', `${gh.base}${start.action}?${new URLSearchParams(start.inputs.map((i) => [i.name, i.value]))}`, { headers: jar.headers() });
    jar.take(first);
    const atKakao = await request('GET', first.header('location'), {});
    const callback = atKakao.header('location');
    const other = await request('GET', callback, {}); // another browser: no binding cookie
    assert.equal(other.status, 400);
    assert.ok(visibleText(other.text).includes('This sign-in has expired'));
    const replay = await request('GET', callback, { headers: jar.headers() }); // the state was taken above
    assert.equal(replay.status, 400);
  });
});

describe('linking rules', () => {
  test('a verified e-mail links only where link_by_verified_email = true', async () => {
    const owner = await gh.addUser({ username: 'mail-owner', password: 'Copper-fourth-S99', email: 'Test.User@gmail.com', nickname: 'owner' });
    const count = (await members()).length;
    const plain = await choose(gh, authorizeUrl(), 'google', { stopAt: REDIRECT });
    assert.equal(plain.res.status, 200);
    assert.ok(visibleText(plain.res.text).includes('Check your profile'), 'no link on a matching e-mail alone');
    const gaveUp = await submit(plain.res, plain.url, { jar: plain.jar, button: 'give_up', stopAt: REDIRECT });
    assert.equal(gaveUp.redirect?.searchParams.get('error'), 'access_denied');
    assert.equal((await members()).length, count, 'giving up creates nobody');
    const trusted = await choose(gh, authorizeUrl(), 'google_trusted', { stopAt: REDIRECT });
    const { idToken } = await tokensFor(await consentIfAsked(trusted, trusted.jar));
    assert.equal(idToken.sub, owner.sub);
    assert.equal(idToken.idp, 'google_trusted');
  });

  test('linking to an existing member takes its password', async () => {
    const pw = await gh.addUser({ username: 'pw-member', password: 'Marble-third-R88', email: 'pw@example.com', nickname: 'pw' });
    freshKakao({ kakao_account: { ...KAKAO_USER.kakao_account, email: 'pw@example.com', is_email_verified: true } });
    const out = await choose(gh, authorizeUrl(), 'kakao', { stopAt: REDIRECT });
    const wrong = await submit(out.res, out.url, { jar: out.jar, button: 'link', fill: { username: 'pw-member', password: 'wrong-password' }, stopAt: REDIRECT });
    assert.equal(wrong.res.status, 401);
    assert.ok(visibleText(wrong.res.text).includes('Check your profile'), 'the profile page again');
    const right = await submit(wrong.res, wrong.url, { jar: out.jar, button: 'link', fill: { username: 'pw-member', password: 'Marble-third-R88' }, stopAt: REDIRECT });
    const { idToken } = await tokensFor(await consentIfAsked(right, out.jar));
    assert.equal(idToken.sub, pw.sub);
    const next = await choose(gh, authorizeUrl(), 'kakao', { stopAt: REDIRECT });
    assert.equal((await tokensFor(next.redirect)).idToken.sub, pw.sub);
  });

  test('a member with a second factor is not linked by its password alone', async () => {
    const strong = await gh.addUser({ username: 'two-step', password: 'Granite-fifth-T11', email: 'two@example.com', nickname: 'two' });
    const enrolled = await gh.cli(['user', 'mfa', 'two-step', '--add-totp']);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    freshKakao({ kakao_account: { ...KAKAO_USER.kakao_account, email: 'two@example.com', is_email_verified: true } });
    const out = await choose(gh, authorizeUrl(), 'kakao', { stopAt: REDIRECT });
    const tried = await submit(out.res, out.url, { jar: out.jar, button: 'link', fill: { username: 'two-step', password: 'Granite-fifth-T11' }, stopAt: REDIRECT });
    assert.equal(tried.res.status, 403, 'the password alone does not link');
    assert.ok(visibleText(tried.res.text).includes('Check your profile'), 'the profile page again, saying to sign in first');
    const links = await gh.cli(['user', 'links', 'two-step']);
    assert.equal(links.stdout.trim().split('\n').length, 1, `no link made: ${links.stdout}`);
    assert.ok(strong.sub);
  });

  test('a profile needs a nickname and a well-formed e-mail', async () => {
    freshKakao();
    const out = await choose(gh, authorizeUrl(), 'kakao', { stopAt: REDIRECT });
    const bad = await submit(out.res, out.url, { jar: out.jar, button: 'create', fill: { nickname: ' ', email: 'not-an-address' }, stopAt: REDIRECT });
    assert.equal(bad.res.status, 400);
    assert.match(bad.res.text, /aria-invalid="true"/);
  });
});

describe('faults', () => {
  const cases = [
    { what: 'kakao does not answer the token request', fault: 'timeout', on: ['token'], status: 504, error: 'temporarily_unavailable' },
    { what: 'kakao answers garbage', fault: 'garbage', on: ['token'], status: 502, error: 'temporarily_unavailable' },
    { what: 'kakao userinfo fails', fault: '5xx', on: ['userinfo'], status: 502, error: 'temporarily_unavailable' },
    { what: 'the person refuses at kakao', deny: 'access_denied', status: 403, error: 'access_denied' },
  ];
  for (const c of cases) {
    test(`${c.what}: a page in Korean with a way back, and ${c.error} when the person gives up`, async () => {
      freshKakao();
      const count = (await members()).length;
      stands.kakao.fault = c.fault ?? null;
      stands.kakao.faultOn = c.on ?? null;
      stands.kakao.deny = c.deny ?? null;
      try {
        const t0 = Date.now();
        const out = await choose(gh, authorizeUrl({ ui_locales: 'ko' }), 'kakao', { stopAt: REDIRECT, lang: 'ko' });
        assert.equal(out.res.status, c.status);
        // [server] platform_timeout (2 s here) bounds the wait, not the gateway's 30 s
        if (c.fault === 'timeout') assert.ok(Date.now() - t0 < 8000, `gave up after ${Date.now() - t0} ms`);
        const forms = parseForms(out.res.text);
        assert.ok(forms.some((f) => f.method === 'get' && f.action === '/auth/authorize'), 'a way back to the sign-in page');
        assert.match(out.res.text, /lang="ko"/);
        const gaveUp = await submit(out.res, out.url, { jar: out.jar, button: 'give_up', stopAt: REDIRECT });
        assert.equal(gaveUp.redirect?.searchParams.get('error'), c.error);
        assert.ok(gaveUp.redirect.searchParams.get('state'));
      } finally {
        stands.kakao.fault = null;
        stands.kakao.faultOn = null;
        stands.kakao.deny = null;
      }
      assert.equal((await members()).length, count, 'nothing half-created');
    });
  }
});

describe('the CLI', () => {
  test('user links, user unlink (not the last way in), user remove unlinks at the platforms', async () => {
    freshKakao();
    const out = await choose(gh, authorizeUrl(), 'kakao', { stopAt: REDIRECT });
    const created = await submit(out.res, out.url, { jar: out.jar, button: 'create', stopAt: REDIRECT });
    const { idToken } = await tokensFor(await consentIfAsked(created, out.jar));
    stands.naver.user = { ...stands.naver.user, id: 'n-cli' };
    const naverOut = await choose(gh, authorizeUrl({ prompt: 'login' }), 'naver', { jar: out.jar, stopAt: REDIRECT });
    await submit(naverOut.res, naverOut.url, { jar: out.jar, button: 'link', stopAt: REDIRECT });
    const username = (await members()).find((m) => m.sub === idToken.sub).username;
    const links = await gh.cli(['user', 'links', username]);
    assert.equal(links.code, 0, links.stderr);
    assert.match(links.stdout, /^kakao\t/m);
    assert.match(links.stdout, /^naver\t/m);
    const cfg = ['--config', gh.configPath];
    assert.equal((await gh.cli([...cfg, 'user', 'unlink', username, 'naver'])).code, 0);
    const last = await gh.cli([...cfg, 'user', 'unlink', username, 'kakao']);
    assert.equal(last.code, 1, 'the last way to sign in stays');
    assert.match(last.stderr, /no (other )?way to sign in/);
    assert.equal((await gh.cli(['user', 'unlink', username, 'github'])).code, 1);
    const revokedBefore = stands.kakao.revoked.length;
    const rm = await gh.cli([...cfg, 'user', 'remove', username]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(stands.kakao.revoked.length, revokedBefore + 1, 'unlinked at kakao');
    assert.ok(!(await members()).some((m) => m.username === username));
  });
});

describe('SIGHUP', () => {
  const offered = async () => {
    const res = await request('GET', authorizeUrl(), {});
    return parseForms(res.text).filter((f) => f.method === 'get').map((f) => f.action.split('/').pop());
  };
  async function reload() {
    fs.writeFileSync(gh.configPath, gh.configText());
    const count = () => (gh.logSince(0, Infinity).match(/"event":"(reloaded|reload_failed)"/g) ?? []).length;
    const before = count();
    gh.proc.kill('SIGHUP');
    for (let i = 0; i < 100 && count() === before; i++) await sleep(50);
    assert.ok(count() > before, 'a reload line in the log');
  }

  test('reloads the platform sections; a file that no longer loads changes nothing', async () => {
    extra = { kakao_two: { ...stands.kakao.config(), label: 'Kakao Two' } };
    await reload();
    assert.deepEqual(await offered(), ['kakao_two', 'kakao', 'google', 'google_trusted', 'naver']);
    extra = { broken: { kind: 'myspace', client_id: 'x' } };
    await reload();
    assert.ok(/"event":"reload_failed"/.test(gh.logSince(0, Infinity)));
    assert.deepEqual(await offered(), ['kakao_two', 'kakao', 'google', 'google_trusted', 'naver'], 'as before');
    extra = {};
    await reload();
    assert.deepEqual(await offered(), ['kakao', 'google', 'google_trusted', 'naver']);
  });
});
