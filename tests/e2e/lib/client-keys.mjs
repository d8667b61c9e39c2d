// Keys of clients that authenticate with private_key_jwt (RFC 7523) and sign
// request objects (RFC 9101): a key pair made with WebCrypto (what
// openid-client and oauth4webapi sign with), its public JWKS written to a
// file for `client add --jwks`, or served on loopback for `--jwks-uri`.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const PARAMS = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
  PS256: { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
};
/* WebCrypto's signing parameters of each JWS alg */
const SIGN = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  EdDSA: { name: 'Ed25519' },
  PS256: { name: 'RSA-PSS', saltLength: 32 }, // RFC 7518 §3.5: a salt as long as the hash
};

/** A new key pair of alg: { alg, kid, privateKey (CryptoKey), publicJwk }. */
export async function clientKey(alg = 'ES256', kid = `k-${Math.random().toString(36).slice(2, 10)}`) {
  const { privateKey, publicKey } = await crypto.subtle.generateKey(PARAMS[alg], true, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', publicKey);
  delete jwk.key_ops;
  delete jwk.ext;
  const publicJwk = { ...jwk, alg, use: 'sig', ...(kid ? { kid } : {}) };
  return { alg, kid, privateKey, publicJwk };
}

/** Writes {"keys":[…]} of the keys' public halves into dir; returns the path. */
export function writeJwks(dir, name, keys) {
  const file = path.join(dir, `${name}.jwks.json`);
  fs.writeFileSync(file, JSON.stringify({ keys: keys.map((k) => k.publicJwk ?? k) }));
  return file;
}

/**
 * A loopback server publishing a JWKS at /jwks (what a client's jwks_uri
 * names); `handler` may be replaced to misbehave. Resolves to
 * { url, hits, set(keys), close() }.
 */
export async function jwksServer(keys) {
  const state = { body: JSON.stringify({ keys: keys.map((k) => k.publicJwk) }), hits: 0, handler: null };
  const server = http.createServer((req, res) => {
    state.hits++;
    if (state.handler) return state.handler(req, res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(state.body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/jwks`,
    get hits() {
      return state.hits;
    },
    set(ks) {
      state.body = JSON.stringify({ keys: ks.map((k) => k.publicJwk) });
    },
    misbehave(fn) {
      state.handler = fn;
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((r) => server.close(r));
    },
  };
}

/** Signs claims as a compact JWS with key (header alg, kid, and typ when given). */
export async function signJwt(key, claims, { typ, alg = key.alg, kid = key.kid, header = {} } = {}) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const h = { alg, ...(kid ? { kid } : {}), ...(typ ? { typ } : {}), ...header };
  const input = `${b64(h)}.${b64(claims)}`;
  const sig = await crypto.subtle.sign(SIGN[key.alg], key.privateKey, Buffer.from(input));
  return `${input}.${Buffer.from(sig).toString('base64url')}`;
}

/** An unsigned JWT (alg none). */
export function noneJwt(claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64(claims)}.`;
}
