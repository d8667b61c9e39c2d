// Issue 22 item 1, optional part: with `admin_listen` the admin API is
// served on that address alone, and the server's own listener has no
// /admin/v1/ at all (a firewall or proxy can then keep it inside); the
// console is then served on neither listener (docs/admin.md says why) and
// the start log says so.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Gatehouse, freePort, setup, useServer } from './lib/harness.mjs';

/** A server whose admin API has a listener of its own. */
class AdminListen extends Gatehouse {
  async start() {
    this.adminPort ??= await freePort();
    this.config = { admin_listen: `127.0.0.1:${this.adminPort}`, registration_policy: 'open' };
    return super.start();
  }
}

const gh = useServer(new AdminListen({ label: 'admin-listen' }));
let token;

setup(async () => {
  const r = await gh.cli(['client', 'add', '--id', 'ops', '--grant', 'client_credentials', '--scope', 'gatehouse:admin']);
  assert.equal(r.code, 0, r.stderr);
  const secret = /client_secret: (\S+)/.exec(r.stdout)[1];
  const res = await gh.token({ grant_type: 'client_credentials', scope: 'gatehouse:admin' }, { basic: { id: 'ops', secret } });
  assert.equal(res.status, 200, res.describe());
  token = res.json.access_token;
});

test('the admin API answers on admin_listen, and only there', async () => {
  const headers = { authorization: `Bearer ${token}` };
  const own = await fetch(`http://127.0.0.1:${gh.adminPort}/admin/v1/keys`, { headers });
  assert.equal(own.status, 200);
  assert.ok((await own.json()).items.length >= 1);
  const doc = await fetch(`http://127.0.0.1:${gh.adminPort}/admin/v1/openapi.json`);
  assert.equal(doc.status, 200);
  const main = await fetch(gh.url('/admin/v1/keys'), { headers });
  assert.equal(main.status, 404, 'no admin API on the main listener');
  const other = await fetch(`http://127.0.0.1:${gh.adminPort}/oauth2/v1/keys`);
  assert.equal(other.status, 404, 'nothing but the admin API on its listener');
});

test('with admin_listen the console is served on neither listener, and the start log says why', async () => {
  for (const base of [gh.base, `http://127.0.0.1:${gh.adminPort}`]) {
    for (const p of ['/admin/', '/admin/callback', '/admin/console.js']) {
      assert.equal((await fetch(`${base}${p}`)).status, 404, `${base}${p}`);
    }
  }
  const off = gh.logSince(0, 1e6).split('\n').filter((l) => l.includes('"admin_console_off"'));
  assert.equal(off.length, 1, 'one line at start');
  assert.match(off[0], /admin_listen is set/);
  const r = await gh.cli(['client', 'show', 'gatehouse-console']);
  assert.notEqual(r.code, 0, 'the console\'s client is not registered');
});

test('dynamic client registration stays on the main listener (RFC 7591), not on admin_listen', async () => {
  const body = JSON.stringify({ application_type: 'native', redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' });
  const headers = { 'content-type': 'application/json' };
  const main = await fetch(gh.url('/oauth2/v1/register'), { method: 'POST', headers, body });
  assert.equal(main.status, 201, await main.text());
  const admin = await fetch(`http://127.0.0.1:${gh.adminPort}/oauth2/v1/register`, { method: 'POST', headers, body });
  assert.equal(admin.status, 404);
});
