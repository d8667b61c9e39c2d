// Issue 17 item 5: a code is bound to its client inside the one atomic step
// that spends it. Another client presenting it (a confidential one with its
// own secret, or anyone with a public client's bare id) is refused with
// invalid_grant and the code stays unspent: the rightful client redeems it
// afterwards, and nothing is revoked.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import { assertSeedError, codeGrant, setup, useGatehouse } from './lib/harness.mjs';

const server = useGatehouse({ label: 'code-client-bound' });

const REDIRECT = 'https://rp.example/cb';
const spec = {
  web: { id: 'web', secret: 'web-secret-0123456789', redirectUris: REDIRECT },
  other: { id: 'other', secret: 'other-secret-0123456789', redirectUris: REDIRECT },
  spa: { id: 'spa', redirectUris: REDIRECT, isPublic: true },
};
const c = {};

setup(async () => {
  for (const [name, s] of Object.entries(spec)) c[name] = await server.addClient(s);
  c.user = await server.addUser({ username: 'ona', password: 'o_na-Pass-12345', email: 'ona@example.test', nickname: 'ona' });
});

test("another confidential client cannot spend a code: refused, and the rightful client still redeems it", async () => {
  const { code } = await server.obtainCode(c.web, c.user);
  const stolen = await server.token({ ...codeGrant(c.web, code), client_id: c.other.id, client_secret: c.other.secret });
  assertSeedError(stolen, '10051', 'the code under another client');
  const rightful = await server.token(codeGrant(c.web, code));
  assert.equal(rightful.status, 200, `the rightful client after the attempt: ${rightful.describe()}`);
  assert.equal((await server.userinfo(rightful.json.access_token)).status, 200, 'its token works (nothing revoked)');
});

test("a public client's bare id cannot burn another public client's code", async () => {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const { code } = await server.obtainCode(c.spa, c.user, { extra: { code_challenge: challenge, code_challenge_method: 'S256' } });
  const burn = await server.token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: c.web.id, client_secret: c.web.secret, code_verifier: verifier });
  assertSeedError(burn, '10051', 'the public code under a confidential client');
  const rightful = await server.token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: c.spa.id, code_verifier: verifier });
  assert.equal(rightful.status, 200, `the public client after the attempt: ${rightful.describe()}`);
});
