// Login CSRF at the gateway (issue 17, item 1): every login state is bound to
// the browser that asked for it. GET /oauth2/api/login/{platform} sets a
// short-lived login cookie (HttpOnly, SameSite=Lax, Path=/; __Host- and
// Secure under https) whose digest is stored with the state; POST
// /oauth2/api/login/{platform} demands it. An attacker's code and state,
// presented by the victim's browser (the callback link sent to the victim),
// sign nobody in and set no cookie, for every platform kind. Two cookie jars
// play the two browsers.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { github } from '../platforms/github.mjs';
import { google } from '../platforms/google.mjs';
import { kakao } from '../platforms/kakao.mjs';
import { naver } from '../platforms/naver.mjs';
import { oidcStandin } from '../platforms/oidc.mjs';
import { CookieJar, assertCookie, assertEnvelope, followAuthorize, loginCookie, setCookies, useGateway } from './lib/gateway.mjs';
import { querySql } from './lib/harness.mjs';

const STATE_TTL = 600;
const platforms = { naver: naver(), kakao: kakao(), google: google(), github: github(), oidc: oidcStandin() };
before(() => Promise.all(Object.values(platforms).map((p) => p.start())));
after(() => Promise.all(Object.values(platforms).map((p) => p.stop())));
const config = () => Object.fromEntries(Object.entries(platforms).map(([n, p]) => [n, p.config()]));
const gw = useGateway({ platforms: config });
const PUBLIC = 'https://gateway.example';
const secure = useGateway({ label: 'gateway-https', platforms: config, settings: { public_url: PUBLIC } });

const accounts = (g) => Number(querySql(g.db, 'SELECT count(*) FROM gateway_users'));

/** The attacker's browser: a login URL, then the platform's redirect (signed in as the attacker). */
async function attackerCallback(g, name, base = g.base) {
  const jar = new CookieJar();
  const url = await g.loginUrl(name, jar);
  return { ...(await followAuthorize(url, base)), jar };
}

/** POST /oauth2/api/login/{name} from a given browser (jar), nothing added. */
function post(g, name, jar, { code, state, iss }) {
  return g.api('POST', `/oauth2/api/login/${name}`, { jar, body: { code, state, ...(iss ? { iss } : {}) } });
}

/** A refusal that signs nobody in: 400, no cookie at all, no account. */
function assertNobody(g, res, users, what) {
  const j = assertEnvelope(res, 400, false, what);
  assert.deepEqual(res.setCookies, [], `${what}: no cookie`);
  assert.equal(accounts(g), users, `${what}: no account`);
  return j;
}

for (const name of Object.keys(platforms)) {
  describe(name, () => {
    test('the login URL sets the login cookie', async () => {
      const res = await gw.api('GET', `/oauth2/api/login/${name}`);
      assertEnvelope(res, 200, true);
      const c = setCookies(res).gw_login;
      assertCookie(c, { maxAge: STATE_TTL });
      assert.match(c.value, /^[A-Za-z0-9_-]{43}$/);
    });

    test("the attacker's code and state in the victim's browser sign nobody in", async () => {
      const attack = await attackerCallback(gw, name);
      const users = accounts(gw);
      // a victim with no login cookie at all
      const j = assertNobody(gw, await post(gw, name, new CookieJar(), attack), users, 'victim without a login cookie');
      assert.match(j.message, /browser/);
      // a victim that started a login of its own (its own login cookie)
      const victim = new CookieJar();
      await gw.loginUrl(name, victim);
      assertNobody(gw, await post(gw, name, victim, attack), users, 'victim with its own login cookie');
      assert.equal(victim.get('access'), undefined);
      assert.equal(victim.get('refresh'), undefined);
    });

    test('logins started in several tabs of one browser each complete, in any order; past four the oldest is given up', async () => {
      const jar = new CookieJar();
      const tabs = [];
      for (let i = 0; i < 5; i++) tabs.push(await followAuthorize(await gw.loginUrl(name, jar), gw.base));
      assert.equal(jar.get('gw_login').split('.').length, 4, 'four logins under way');
      const users = accounts(gw);
      assertNobody(gw, await post(gw, name, jar, tabs[0]), users, 'the fifth login gave up the first');
      for (const [i, left] of [[4, 3], [2, 2], [1, 1]]) {
        assertEnvelope(await post(gw, name, jar, tabs[i]), 200, true, `tab ${i}`);
        assert.equal(jar.get('gw_login').split('.').length, left, `after tab ${i}, the others' logins are still under way`);
      }
      const last = await post(gw, name, jar, tabs[3]);
      assertEnvelope(last, 200, true, 'the last tab');
      assertCookie(setCookies(last).gw_login, { maxAge: 0 });
    });

    test('the browser that asked signs in, and its login cookie is cleared', async () => {
      const mine = await attackerCallback(gw, name);
      const res = await post(gw, name, mine.jar, mine);
      assertEnvelope(res, 200, true, 'same browser');
      const cookies = setCookies(res);
      assert.ok(cookies.access && cookies.refresh);
      assertCookie(cookies.gw_login, { maxAge: 0 });
      assert.equal(mine.jar.get('gw_login'), undefined);
    });
  });
}

test('https: the login cookie is __Host-gw_login and Secure; an unprefixed one is not taken', async () => {
  const res = await secure.api('GET', '/oauth2/api/login/naver');
  assertEnvelope(res, 200, true);
  const c = setCookies(res)['__Host-gw_login'];
  assertCookie(c, { maxAge: STATE_TTL, secure: true });
  assert.equal(loginCookie(res).name, '__Host-gw_login');
  // a value planted under the plain name (what a sibling host could set) binds nothing
  const attack = await attackerCallback(secure, 'naver', PUBLIC);
  const planted = new CookieJar();
  planted.take({ setCookies: [`gw_login=${attack.jar.get('__Host-gw_login')}`] });
  assertNobody(secure, await post(secure, 'naver', planted, attack), accounts(secure), 'unprefixed cookie');
  assertEnvelope(await post(secure, 'naver', attack.jar, attack), 200, true, 'the prefixed cookie of the same browser');
});
