// Liveness and metrics: /healthz answers JSON, /metrics is well-formed
// Prometheus text whose request counter moves by route and status exactly as
// the requests sent (with bounded labels: never the raw path), and whose
// access-token counter moves only when access tokens are issued, and whose
// signature counter shows a token presented again remembered by the worker
// that checked it, while a forged one is checked every time.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DISCOVERY_PATH, codeGrant, randomString, refreshGrant, setup, useGatehouse } from './lib/harness.mjs';

const gh = useGatehouse();
const WORKERS = 2;
const two = useGatehouse({ config: { threads: WORKERS }, label: 'gatehouse (two workers)' });

const REQUESTS = 'gatehouse_http_requests_total';
const TOKENS = 'gatehouse_tokens_issued_total';
const SIGNATURES = 'gatehouse_signature_checks_total';
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/gy;

let client;
let user;

setup(async () => {
  client = await gh.addClient({ id: 'rp-metrics', secret: 'rp-metrics-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  user = await gh.addUser({ username: 'hank', password: 'h_ank-Pass-1234', email: 'hank@example.com', nickname: 'hk' });
});

function parseLabels(text = '') {
  const labels = {};
  LABEL.lastIndex = 0;
  let consumed = 0;
  for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) {
    labels[m[1]] = m[2];
    consumed = LABEL.lastIndex;
  }
  assert.equal(consumed, text.length, `label set parses: {${text}}`);
  return labels;
}

/** Fetches /metrics and parses it strictly: { types: {name: type}, samples: [{name, labels, value, key}] }. */
async function scrape(server = gh) {
  const res = await server.get('/metrics');
  assert.equal(res.status, 200);
  assert.match(res.header('content-type') ?? '', /^text\/plain/i);
  const types = {};
  const samples = [];
  for (const line of res.text.split('\n')) {
    if (line.trim() === '') continue;
    const type = line.match(/^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/);
    if (type) types[type[1]] = type[2];
    if (line.startsWith('#')) continue;
    const m = line.match(SAMPLE);
    assert.ok(m, `a Prometheus sample line: ${JSON.stringify(line)}`);
    const value = Number(m[3]);
    assert.ok(!Number.isNaN(value) || m[3] === 'NaN', `numeric value: ${line}`);
    samples.push({ name: m[1], labels: parseLabels(m[2]), value, key: `${m[1]}{${m[2] ?? ''}}` });
  }
  return { types, samples };
}

/** How much each series of `name` grew between two scrapes (series new in `b` count from 0). */
function deltas(a, b, name) {
  const before = new Map(a.samples.map((s) => [s.key, s.value]));
  return b.samples.filter((s) => s.name === name).map((s) => ({ ...s, delta: s.value - (before.get(s.key) ?? 0) }));
}

function accessTokens(scraped) {
  const s = scraped.samples.find((x) => x.name === TOKENS && x.labels.type === 'access');
  assert.ok(s, `${TOKENS}{type="access"} is exposed`);
  return s.value;
}

test('/healthz answers 200 with JSON', async () => {
  const res = await gh.get('/healthz');
  assert.equal(res.status, 200);
  assert.match(res.header('content-type') ?? '', /^application\/json/i);
  assert.equal(typeof res.json, 'object');
  assert.notEqual(res.json, null);
});

test('/metrics is Prometheus text with the two counters declared', async () => {
  const m = await scrape();
  assert.equal(m.types[REQUESTS], 'counter');
  assert.equal(m.types[TOKENS], 'counter');
  assert.ok(accessTokens(m) >= 0);
  for (const s of m.samples.filter((x) => x.name === REQUESTS)) {
    assert.ok(s.labels.route && /^[1-5]\d\d$/.test(s.labels.status), `route and status labels: ${s.key}`);
  }
});

test('request counts move by route and status, exactly, with bounded labels', async () => {
  const unknown = `/no-such-${randomString()}`;
  const a = await scrape();
  for (let i = 0; i < 3; i++) assert.equal((await gh.get(DISCOVERY_PATH)).status, 200);
  for (let i = 0; i < 5; i++) assert.equal((await gh.get('/healthz')).status, 200);
  for (let i = 0; i < 2; i++) assert.equal((await gh.get(unknown)).status, 404);
  assert.equal((await gh.token({ grant_type: 'authorization_code' })).status, 400);
  const b = await scrape();
  const moved = deltas(a, b, REQUESTS).filter((s) => s.delta !== 0);
  const find = (status, delta) => moved.filter((s) => s.labels.status === status && s.delta === delta);
  const discovery = find('200', 3);
  const health = find('200', 5);
  assert.equal(discovery.length, 1, `one series for the 3 discovery requests: ${JSON.stringify(moved)}`);
  assert.equal(health.length, 1, `one series for the 5 health checks: ${JSON.stringify(moved)}`);
  assert.notEqual(discovery[0].labels.route, health[0].labels.route, 'by route');
  assert.equal(find('404', 2).length, 1, `the 2 unknown paths counted as 404: ${JSON.stringify(moved)}`);
  assert.equal(find('400', 1).length, 1, `the failed token request counted as 400: ${JSON.stringify(moved)}`);
  const labels = b.samples.flatMap((s) => Object.values(s.labels));
  assert.ok(!labels.some((v) => v.includes(unknown.slice(1))), 'the raw unknown path is not a label value');
});

test('the access-token counter moves once per access token issued, not on failures', async () => {
  const v0 = accessTokens(await scrape());
  const { code } = await gh.obtainCode(client, user);
  const first = await gh.token(codeGrant(client, code));
  assert.equal(first.status, 200);
  assert.equal(accessTokens(await scrape()), v0 + 1, 'code exchange');
  assert.equal((await gh.token(refreshGrant(client, first.json.refresh_token))).status, 200);
  assert.equal(accessTokens(await scrape()), v0 + 2, 'refresh');
  // (a replayed code revokes its grant by default, so the refresh comes first)
  assert.equal((await gh.token(codeGrant(client, code))).status, 400, 'reused code');
  assert.equal(accessTokens(await scrape()), v0 + 2, 'a failed exchange issues nothing');
});

test('a token presented again is remembered by the worker that checked it; a forged one is checked every time', async () => {
  const c = await two.addClient({ id: 'rp-remember', secret: 'rp-remember-secret-0123456789', redirectUris: 'https://rp.example/cb' });
  const u = await two.addUser({ username: 'ida', password: 'i_da-Pass-1234', email: 'ida@example.com', nickname: 'ida' });
  const { access_token: token } = await two.obtainTokens(c, u, { scope: 'openid profile' });
  const sig = token.slice(token.lastIndexOf('.') + 1);
  const i = Math.floor(sig.length / 2);
  const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${sig.slice(0, i)}${sig[i] === 'A' ? 'B' : 'A'}${sig.slice(i + 1)}`;
  const SENT = 8;
  const FORGED = 3;
  const a = await scrape(two);
  for (let n = 0; n < SENT; n++) assert.equal((await two.userinfo(token)).status, 200);
  for (let n = 0; n < FORGED; n++) assert.notEqual((await two.userinfo(forged)).status, 200, 'a forged signature is refused');
  const b = await scrape(two);
  assert.equal(b.types[SIGNATURES], 'counter');
  const moved = Object.fromEntries(deltas(a, b, SIGNATURES).map((s) => [s.labels.result, s.delta]));
  assert.ok(moved.computed >= FORGED + 1 && moved.computed <= FORGED + WORKERS, `checked once per worker at most, forged ones always: ${JSON.stringify(moved)}`);
  assert.equal(moved.computed + moved.remembered, SENT + FORGED, `every presentation counted once: ${JSON.stringify(moved)}`);
});
