// Issue 21: e-mail verification, a change of address, self-registration
// (open and by invitation) and a server without mail, against a real SMTP
// server. email_verified is in userinfo under the email scope; a verification
// link's GET changes nothing (a confirm button posts it); a new address
// replaces the old one only when its link is followed; registration applies
// the username rules and the password policy and is throttled; without
// [smtp] the sign-in page offers no reset and /auth/reset says why.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { CookieJar, Gatehouse, codeGrant, decodeJwt, querySql, request, setup, useServer } from './lib/harness.mjs';
import { formData, postForms, visibleText } from './lib/html.mjs';
import { Mailbox, MailGatehouse, linkIn } from './lib/mailbox.mjs';

const mailbox = new Mailbox();
await mailbox.start();
after(() => mailbox.stop());
const SMTP = { url: mailbox.url, from: 'noreply@gatehouse.test', retry_min: 1 };

const open = useServer(new MailGatehouse({ label: 'open', config: { registration: 'open', self_service_rate: 8 }, smtp: SMTP }));
const invite = useServer(new MailGatehouse({ label: 'invite', config: { registration: 'invite', issuer: 'http://127.0.0.1:1' }, smtp: SMTP }));
const nomail = useServer(new Gatehouse({ label: 'no mail', config: { registration: 'open' } }));
const REDIRECT = 'https://rp.example/cb';
let web;
const una = { username: 'una', password: 'first-Kayak-81', email: 'una@mail.test', nickname: 'una' };
const vic = { username: 'vic', password: 'first-Lumen-82', email: 'vic@mail.test', nickname: 'vic' };

setup(async () => {
  web = await open.addClient({ id: 'web', secret: 'web-secret-0123456789', redirectUris: REDIRECT, scope: 'openid profile email' });
  await open.addUser(una);
  const r = await open.cli(['user', 'add', '--username', vic.username, '--password', vic.password, '--email', vic.email, '--email-verified']);
  assert.equal(r.code, 0, r.stderr);
});

async function userinfo(gh, user, jar) {
  const { code } = await gh.obtainCode(web, user, { scope: 'openid email', jar });
  const t = await gh.token(codeGrant(web, code));
  return (await gh.userinfo(t.json.access_token)).json;
}

/** GET url with jar, then POST its one form with fill. */
async function follow(url, fill = {}, jar = new CookieJar()) {
  const page = await request('GET', url, { headers: jar.headers() });
  jar.take(page);
  assert.equal(page.status, 200, page.describe());
  const [form] = postForms(page.text);
  const res = await request('POST', new URL(form.action, url).href, { headers: jar.headers(), body: formData(form, fill) });
  jar.take(res);
  return { page, res };
}

test('email_verified follows user add --email-verified, under the email scope', async () => {
  assert.deepEqual(await userinfo(open, una), { sub: (await userinfo(open, una)).sub, email: una.email, email_verified: false });
  assert.equal((await userinfo(open, vic)).email_verified, true);
});

test('POST /account/email mails the new address; the old stays until the link is followed', async () => {
  const jar = new CookieJar();
  await open.obtainCode(web, una, { jar }); // signed in
  const page = await request('GET', open.url('/auth/reset'), { headers: jar.headers() }); // a form bound to the session
  const csrf = postForms(page.text)[0].inputs.find((i) => i.name === 'csrf').value;

  const noSession = await request('POST', open.url('/account/email'), { body: new URLSearchParams({ email: 'x@mail.test', csrf }) });
  assert.equal(noSession.status, 401, 'a signed-in session is required');
  const noCsrf = await request('POST', open.url('/account/email'), { headers: jar.headers(), body: new URLSearchParams({ email: 'x@mail.test' }) });
  assert.equal(noCsrf.status, 403, 'CSRF-protected');
  const bad = await request('POST', open.url('/account/email'), { headers: jar.headers(), body: new URLSearchParams({ email: 'not an address', csrf }) });
  assert.equal(bad.status, 400);

  const before = mailbox.messages.length;
  const res = await request('POST', open.url('/account/email'), { headers: jar.headers(), body: new URLSearchParams({ email: 'una.new@mail.test', csrf }) });
  assert.equal(res.status, 200, res.describe());
  assert.match(visibleText(res.text), /Check your new mailbox/);
  const m = await mailbox.waitFor('una.new@mail.test', { after: before });
  assert.equal(m.parsed.subject, 'Confirm your new e-mail address');
  assert.equal((await userinfo(open, una)).email, una.email, 'not yet replaced');

  const link = linkIn(m, '/auth/verify');
  const scanned = await request('GET', link);
  assert.equal(scanned.status, 200);
  assert.equal((await userinfo(open, una)).email, una.email, 'a GET of the link changes nothing');
  const { res: done } = await follow(link);
  assert.equal(done.status, 200, done.describe());
  assert.match(visibleText(done.text), /Address confirmed/);
  const info = await userinfo(open, una);
  assert.equal(info.email, 'una.new@mail.test');
  assert.equal(info.email_verified, true);
  const again = await request('GET', link);
  assert.equal(again.status, 400);
  assert.match(visibleText(again.text), /used already/);
});

test('open registration: the sign-in page links to it; rules, policy, verification mail, sign-in', async () => {
  const url = open.authorizeUrl({ client_id: web.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' });
  assert.match((await request('GET', url)).text, /<a href="\/auth\/register\?client_id=web&amp;[^"]*">Create an account<\/a>/);

  const weak = await follow(open.url('/auth/register'), { username: 'wren', email: 'wren@mail.test', password: 'password' });
  assert.equal(weak.res.status, 400);
  assert.match(visibleText(weak.res.text), /too short/);
  const badName = await follow(open.url('/auth/register'), { username: 'w ren', email: 'wren@mail.test', password: 'first-Ochre-83' });
  assert.equal(badName.res.status, 400);
  const taken = await follow(open.url('/auth/register'), { username: 'una', email: 'wren@mail.test', password: 'first-Ochre-83' });
  assert.equal(taken.res.status, 409);
  assert.match(visibleText(taken.res.text), /taken/);

  const before = mailbox.messages.length;
  const ok = await follow(open.url('/auth/register'), { username: 'wren', email: 'wren@mail.test', password: 'first-Ochre-83' });
  assert.equal(ok.res.status, 201, ok.res.describe());
  const wren = { username: 'wren', password: 'first-Ochre-83' };
  assert.equal((await userinfo(open, wren)).email_verified, false);
  const m = await mailbox.waitFor('wren@mail.test', { after: before });
  assert.equal(m.parsed.subject, 'Confirm your e-mail address');
  await follow(linkIn(m, '/auth/verify'));
  assert.equal((await userinfo(open, wren)).email_verified, true);
});

test('registration is throttled per address', async () => {
  let last;
  for (let i = 0; i < 10; i++) {
    last = (await follow(open.url('/auth/register'), { username: `x${i}`, email: 'x@mail.test', password: 'x' })).res;
    if (last.status === 429) break;
  }
  assert.equal(last.status, 429);
});

test('invite: no registration without an invitation; the link registers once, the address verified', async () => {
  const closed = await request('GET', invite.url('/auth/register'));
  assert.equal(closed.status, 404);
  assert.match(visibleText(closed.text), /Registration is closed/);
  const before = mailbox.messages.length;
  const r = await invite.cli(['--config', invite.configPath, 'user', 'invite', 'yara@mail.test', '--lang', 'ko']);
  assert.equal(r.code, 0, r.stderr);
  const m = await mailbox.waitFor('yara@mail.test', { after: before });
  assert.equal(m.parsed.subject, 'Gatehouse 초대');
  const link = invite.url(new URL(r.stdout.trim()).pathname + new URL(r.stdout.trim()).search);
  assert.ok(linkIn(m, '/auth/register').endsWith(new URL(r.stdout.trim()).search), 'the mailed link is the printed one');
  const { page, res } = await follow(link, { username: 'yara', password: 'first-Ochre-84' });
  assert.match(page.text, /value="yara@mail.test"[^>]*readonly/);
  assert.equal(res.status, 201, res.describe());
  assert.equal(querySql(invite.db, "SELECT email_verified FROM users WHERE username = 'yara'"), '1');
  const replay = await request('GET', link);
  assert.equal(replay.status, 400);
});

test('registering from the sign-in page signs the new member in and continues the request', async () => {
  const client = await nomail.addClient({ id: 'reg', secret: 'reg-secret-0123456789', redirectUris: REDIRECT, scope: 'openid username' });
  const url = nomail.authorizeUrl({ client_id: 'reg', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid username', state: 'st-9', nonce: 'n-9' });
  const jar = new CookieJar();
  const signIn = await request('GET', url, { headers: jar.headers() });
  jar.take(signIn);
  const href = signIn.text.match(/<a href="([^"]*\/auth\/register[^"]*)">/)[1].replaceAll('&amp;', '&');
  const { res } = await follow(nomail.url(href), { username: 'yara', email: 'yara@mail.test', password: 'Lantern-first-pw-123' }, jar);
  // Signed in: the consent page for this client comes next, not "registered".
  assert.equal(res.status, 200, res.describe());
  const [consent] = postForms(res.text);
  assert.ok(consent && consent.buttons?.some((b) => b.name === 'decision'), res.text.slice(0, 3000));
  const done = await request('POST', new URL(consent.action, url).href, {
    headers: jar.headers(),
    body: formData(consent, {}, { name: 'decision', value: 'allow' }),
  });
  assert.equal(done.status, 302, done.describe());
  const back = new URL(done.header('location'));
  assert.equal(back.searchParams.get('state'), 'st-9');
  const t = await nomail.token(codeGrant(client, back.searchParams.get('code')));
  assert.equal(t.status, 200, t.describe());
  const claims = decodeJwt(t.json.id_token).payload;
  assert.equal(claims.nonce, 'n-9');
  assert.deepEqual(claims.amr, ['pwd']);
  assert.equal((await nomail.userinfo(t.json.access_token)).json.preferred_username, 'yara');

  // A tampered request is checked again: an unknown client gets the error page, no redirect.
  const bad = await request('GET', nomail.url('/auth/register?client_id=nobody&redirect_uri=https%3A%2F%2Fevil.example%2F&response_type=code&scope=openid'));
  assert.equal(bad.status, 400, bad.describe());
  assert.equal(postForms(bad.text).length, 0, 'no registration form for an unknown client');
});

test('without [smtp]: no reset link on the sign-in page, /auth/reset says mail is not available', async () => {
  await nomail.addClient({ id: 'web', secret: 'web-secret-0123456789', redirectUris: REDIRECT });
  const url = nomail.authorizeUrl({ client_id: 'web', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' });
  const signIn = await request('GET', url);
  assert.doesNotMatch(signIn.text, /\/auth\/reset/);
  const reset = await request('GET', nomail.url('/auth/reset'));
  assert.equal(reset.status, 404);
  assert.match(visibleText(reset.text), /does not send mail/);
});
