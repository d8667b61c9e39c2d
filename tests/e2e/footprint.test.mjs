// What the servers load: `gatehouse serve` on SQLite maps neither libpq nor
// libcurl, which the PostgreSQL engine and the gateway's HTTP client open
// only when needed (src/core/dynlib.h, docs/performance.md); the gateway
// maps libcurl, and a server on PostgreSQL (GATEHOUSE_E2E_PG) maps libpq.
// Read from /proc/PID/maps once each has answered.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

import { PG_URL, useGatehouse } from './lib/harness.mjs';
import { useGateway } from './lib/gateway.mjs';

const gh = useGatehouse();
const gw = useGateway({ platforms: () => ({ github: { kind: 'github', client_id: 'footprint', client_secret: 'footprint-secret' } }) });

/** The file names of the shared objects a server has mapped, once it has answered. */
async function mappedLibraries(server, path) {
  const res = await server.get(path);
  assert.equal(res.status, 200, `${server.label} answers ${path}`);
  const maps = fs.readFileSync(`/proc/${server.proc.pid}/maps`, 'utf8');
  return new Set([...maps.matchAll(/\/([^/\s]+\.so[.\d]*)$/gm)].map((m) => m[1].replace(/\.so.*/, '')));
}

test('the authorization server maps libpq only on PostgreSQL, and never libcurl', async () => {
  const libs = await mappedLibraries(gh, '/.well-known/openid-configuration');
  assert.ok(libs.has('libsqlite3') && libs.has('libcrypto'), `the libraries linked are seen: ${[...libs]}`);
  assert.equal(libs.has('libpq'), Boolean(PG_URL), `libpq mapped: ${[...libs]}`);
  assert.ok(!libs.has('libcurl'), `libcurl not mapped: ${[...libs]}`);
});

test('the gateway maps libcurl', async () => {
  const libs = await mappedLibraries(gw, '/healthz');
  assert.ok(libs.has('libcurl'), `libcurl mapped: ${[...libs]}`);
  assert.equal(libs.has('libpq'), Boolean(PG_URL), `libpq mapped: ${[...libs]}`);
});
