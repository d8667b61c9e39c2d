// Issue 17 item 3: a guess is counted before it is checked, atomically, so a
// burst of simultaneous wrong guesses checks no more than the limit. Forty
// wrong passwords for one account from one address are sent at once (each
// from its own fresh browser, all forms fetched first): at most
// login_max_failures of them are checked (answer 401 "wrong password", and
// the failed-login metric, which counts argon2id checks that failed), the
// rest are refused as locked (429). The same for forty wrong user codes at
// /auth/device from one session (limit 5 per session).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CookieJar, DEVICE_GRANT, DEVICE_PATH, request, setup, useGatehouse } from './lib/harness.mjs';
import { formData, postForms } from './lib/html.mjs';

const LIMIT = 5;
const BURST = 40;
const gh = useGatehouse({ config: { login_max_failures: LIMIT, login_lockout: 60, threads: 16 }, label: 'throttle-burst' });

let client;
const user = { username: 'burst', password: 'b_urst-right-pw-1' };
const devUser = { username: 'devburst', password: 'd_evburst-pw-123' };

setup(async () => {
  client = await gh.addClient({ id: 'rp-burst', secret: 'rp-burst-secret-0123', redirectUris: 'https://rp.example/cb' });
  await gh.addClient({ id: 'tv', redirectUris: [], scope: 'openid', grants: [DEVICE_GRANT], isPublic: true });
  await gh.addUser({ username: user.username, password: user.password, email: 'burst@example.com', nickname: 'burst' });
  await gh.addUser({ username: devUser.username, password: devUser.password, email: 'dev@example.com', nickname: 'dev' });
});

/** The one post form of a page, with the jar that holds its cookies: { url, form, jar }. */
async function loginForm() {
  const jar = new CookieJar();
  const url = gh.authorizeUrl({ client_id: client.id, redirect_uri: client.redirectUri, response_type: 'code', scope: 'openid', state: 's' });
  const res = await request('GET', url, { headers: jar.headers() });
  jar.take(res);
  assert.equal(res.status, 200, res.describe());
  const [form] = postForms(res.text);
  return { url: new URL(form.action || url, url).href, form, jar };
}

/** The failed-login count from /metrics. */
async function failedLogins() {
  const text = (await gh.get('/metrics')).text;
  const m = text.match(/^gatehouse_logins_total\{result="failed"\} (\d+)/m);
  return m ? Number(m[1]) : 0;
}

function tally(answers) {
  const by = {};
  for (const r of answers) by[r.status] = (by[r.status] ?? 0) + 1;
  return by;
}

test(`${BURST} simultaneous wrong passwords check at most ${LIMIT}`, async () => {
  const before = await failedLogins();
  const forms = [];
  for (let i = 0; i < BURST; i++) forms.push(await loginForm());
  const answers = await Promise.all(
    forms.map(({ url, form, jar }) => request('POST', url, { headers: jar.headers(), body: formData(form, { username: user.username, password: 'a wrong password' }) })),
  );
  const by = tally(answers);
  assert.equal((by[401] ?? 0) + (by[429] ?? 0), BURST, `only "wrong password" and "locked" answers: ${JSON.stringify(by)}`);
  assert.ok((by[401] ?? 0) >= 1 && by[401] <= LIMIT, `at most ${LIMIT} passwords checked: ${JSON.stringify(by)}`);
  const checked = (await failedLogins()) - before;
  assert.equal(checked, by[401], `the metric of failed checks agrees: ${checked}`);
  // the burst is over: the account is still locked from here, even for the right password
  const { url, form, jar } = await loginForm();
  const right = await request('POST', url, { headers: jar.headers(), body: formData(form, user) });
  assert.equal(right.status, 429, right.describe());
});

test(`${BURST} simultaneous wrong user codes from one session look up at most 5`, async () => {
  const jar = new CookieJar();
  // sign in at /auth/device and type one wrong code: the answer holds the code form again
  const walk = await gh.device(undefined, { ...devUser, userCode: 'ZZZZ-ZZZZ', jar });
  assert.equal(walk.response.status, 400, walk.response.describe());
  const [form] = postForms(walk.response.text);
  const url = new URL(form.action || DEVICE_PATH, gh.url(DEVICE_PATH)).href;
  const answers = await Promise.all(
    Array.from({ length: BURST }, () => request('POST', url, { headers: jar.headers(), body: formData(form, { user_code: 'ZZZZ-ZZZZ' }, form.buttons[0] ?? null) })),
  );
  const by = tally(answers);
  assert.equal((by[400] ?? 0) + (by[429] ?? 0), BURST, `only "wrong code" and "too many" answers: ${JSON.stringify(by)}`);
  assert.ok((by[400] ?? 0) <= 5 - 1, `at most 5 codes looked up in all (one before the burst): ${JSON.stringify(by)}`);
});
