// Issue 17 item 12 (throttling half): unauthenticated writes are rate
// limited per client address with the store's atomic counters. The gateway's
// login URLs (GET /oauth2/api/login/{platform}: each stores a state) and the
// server's device codes (POST /oauth2/v1/device/authorize: each stores a
// device authorization) answer 429 with Retry-After past the limit (here 5
// per minute), in each server's documented error format; another address is
// not affected.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { naver } from '../platforms/naver.mjs';
import { DEVICE_AUTHORIZE_PATH, DEVICE_GRANT, assertSeedError, request, setup, useGatehouse } from './lib/harness.mjs';
import { assertEnvelope, useGateway } from './lib/gateway.mjs';

const LIMIT = 5;
const platform = naver();
before(() => platform.start());
after(() => platform.stop());
const gw = useGateway({ platforms: () => ({ naver: platform.config() }), settings: { login_rate: LIMIT, login_rate_window: 60 } });
const server = useGatehouse({ config: { device_code_rate: LIMIT, device_code_rate_window: 60 }, label: 'device-rate' });

setup(async () => {
  await server.addClient({ id: 'tv', redirectUris: [], scope: 'openid', grants: [DEVICE_GRANT], isPublic: true });
});

function assertRetryAfter(res, what) {
  const retry = Number(res.header('retry-after'));
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `${what}: Retry-After ${res.header('retry-after')}`);
}

test(`the gateway gives ${LIMIT} login URLs a minute to one address`, async () => {
  const url = gw.url('/oauth2/api/login/naver');
  for (let i = 0; i < LIMIT; i++) assertEnvelope(await request('GET', url, { localAddress: '127.0.0.5' }), 200, true, `login URL ${i + 1}`);
  const refused = await request('GET', url, { localAddress: '127.0.0.5' });
  assertEnvelope(refused, 429, false, 'past the limit');
  assert.deepEqual(refused.json.body, { code: 'too_many_requests' }, 'no URL, so no state: only the reason');
  assertRetryAfter(refused, 'gateway');
  assertEnvelope(await request('GET', url, { localAddress: '127.0.0.6' }), 200, true, 'another address');
});

test(`the server gives ${LIMIT} device codes a minute to one address`, async () => {
  const url = server.url(DEVICE_AUTHORIZE_PATH);
  const ask = (addr) => request('POST', url, { body: { client_id: 'tv', scope: 'openid' }, localAddress: addr });
  for (let i = 0; i < LIMIT; i++) {
    const r = await ask('127.0.0.5');
    assert.equal(r.status, 200, `device code ${i + 1}: ${r.describe()}`);
  }
  const refused = await ask('127.0.0.5');
  assertSeedError(refused, '10429', 'past the limit', { status: 429 });
  assertRetryAfter(refused, 'device codes');
  assert.equal((await ask('127.0.0.6')).status, 200, 'another address');
});
