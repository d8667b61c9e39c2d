// An https server on loopback for the tests of Client ID Metadata Documents:
// a throwaway certificate authority (made with the openssl command) whose
// file the server under test trusts through [server] outside_ca_file, and a
// server with a certificate of that authority for 127.0.0.1 that answers
// each path with a JSON document, or with whatever a test's handler does.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

/** A new CA and a certificate for 127.0.0.1 it signed, in a new directory. Returns { dir, caFile, key, cert }. */
export function testAuthority() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-cimd-ca-'));
  const f = (name) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'];
  execFileSync('openssl', ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', '/CN=gatehouse-test-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], { stdio: 'pipe' });
  execFileSync('openssl', ['req', '-x509', '-CA', f('ca.pem'), '-CAkey', f('ca.key'), ...ec, '-keyout', f('leaf.key'), '-out', f('leaf.pem'),
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-addext', 'basicConstraints=critical,CA:FALSE'], { stdio: 'pipe' });
  return { dir, caFile: f('ca.pem'), key: fs.readFileSync(f('leaf.key')), cert: fs.readFileSync(f('leaf.pem')) };
}

/**
 * An https server of authority on 127.0.0.1. serve(path, doc, headers) sets
 * a path's JSON answer (doc an object, or a string sent as it is);
 * handle(path, fn) a handler (req, res) instead. hits(path) counts requests.
 */
export async function documentServer(authority) {
  const routes = new Map();
  const counts = new Map();
  const server = https.createServer({ key: authority.key, cert: authority.cert }, (req, res) => {
    const p = new URL(req.url, 'https://x').pathname;
    counts.set(p, (counts.get(p) ?? 0) + 1);
    const route = routes.get(p);
    if (!route) return res.writeHead(404).end();
    if (route.fn) return route.fn(req, res);
    res.writeHead(200, { 'content-type': 'application/json', ...route.headers });
    res.end(typeof route.doc === 'string' ? route.doc : JSON.stringify(route.doc));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `https://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: (p) => `${origin}${p}`,
    serve(p, doc, headers = {}) {
      routes.set(p, { doc, headers });
    },
    handle(p, fn) {
      routes.set(p, { fn });
    },
    hits: (p) => counts.get(p) ?? 0,
    close() {
      server.closeAllConnections?.();
      return new Promise((r) => server.close(r));
    },
  };
}
