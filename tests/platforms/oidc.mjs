// A small OpenID provider stand-in (kind = oidc) whose answers a test can
// bend, for the gateway's checks as an OpenID Connect client: discovery
// (OpenID Connect Discovery 1.0), the authorize redirect with or without
// RFC 9207's iss, a token answer with an RS256 id_token, userinfo and JWKS.
//
// Knobs (set in process, between requests):
//   metadata  members merged over the discovery document (e.g. a
//             token_endpoint on another origin, or
//             authorization_response_iss_parameter_supported: false);
//   sendIss   true: the redirect carries iss = the issuer; false: none;
//             a string: that value;
//   claims    (claims) => claims: rewrites the id_token's claims;
//   rawClaims (json) => json: rewrites the claims' JSON text before signing
//             (numbers JavaScript cannot hold, such as 2^63 - 1).
// The issuer is base + /op, so that another origin is easy to name:
// http://localhost:PORT is the same server under another origin.

import crypto from 'node:crypto';

import { Platform } from './lib.mjs';

export const OIDC_USER = { sub: 'oidc-user-1', name: 'Olive Idc', email: 'olive@example.com', picture: 'https://example.com/olive.png' };

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = 'standin-1';
const b64 = (s) => Buffer.from(s).toString('base64url');

/** The id_token: claims as JSON (rewritten by rawClaims), RS256 under the stand-in's key. */
function sign(p, claims) {
  const header = b64(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KID }));
  const payload = b64(p.rawClaims(JSON.stringify(p.claims(claims))));
  const sig = crypto.sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
  return `${header}.${payload}.${sig}`;
}

function discovery(p) {
  const i = p.issuer();
  return {
    issuer: i,
    authorization_endpoint: `${i}/authorize`,
    token_endpoint: `${i}/token`,
    userinfo_endpoint: `${i}/userinfo`,
    jwks_uri: `${i}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    authorization_response_iss_parameter_supported: true,
    ...p.metadata,
  };
}

function authorize(p, ctx) {
  const q = ctx.fields;
  if (q.client_id !== p.clientId || !q.redirect_uri || q.response_type !== 'code') return ctx.json(400, { error: 'invalid_request' });
  const code = p.issueCode(q.redirect_uri, q.state, q.scope);
  p.nonces.set(code, q.nonce);
  const target = new URL(q.redirect_uri);
  target.searchParams.set('code', code);
  target.searchParams.set('state', q.state);
  const iss = p.sendIss === true ? p.issuer() : p.sendIss;
  if (iss) target.searchParams.set('iss', iss);
  ctx.res.writeHead(302, { location: target.href });
  ctx.res.end();
  return undefined;
}

function token(p, ctx) {
  const f = ctx.fields;
  if (!p.clientOk(f, p.basic(ctx))) return ctx.json(401, { error: 'invalid_client' });
  const nonce = p.nonces.get(f.code);
  if (f.grant_type !== 'authorization_code' || !p.takeCode(f.code, f.redirect_uri)) return ctx.json(400, { error: 'invalid_grant' });
  const t = p.issueTokens();
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: p.issuer(), sub: p.user.sub, aud: p.clientId, exp: now + 300, iat: now, nonce };
  return ctx.json(200, { access_token: t.access, token_type: 'Bearer', expires_in: 300, refresh_token: t.refresh, id_token: sign(p, claims) });
}

export function oidcStandin() {
  const p = new Platform({
    kind: 'oidc',
    user: OIDC_USER,
    api: { token: 'POST /op/token', userinfo: 'GET /op/userinfo', jwks: 'GET /op/jwks' },
    routes: {
      'GET /op/.well-known/openid-configuration': (ctx) => ctx.json(200, discovery(p)),
      'GET /op/authorize': (ctx) => authorize(p, ctx),
      'POST /op/token': (ctx) => token(p, ctx),
      'GET /op/userinfo': (ctx) => (p.bearer(ctx) ? ctx.json(200, p.user) : ctx.json(401, { error: 'invalid_token' })),
      'GET /op/jwks': (ctx) => ctx.json(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] }),
    },
    errorAnswer: (name, ctx) => ctx.json(400, { error: 'invalid_request' }),
  });
  p.nonces = new Map();
  p.metadata = {};
  p.sendIss = true;
  p.claims = (c) => c;
  p.rawClaims = (j) => j;
  p.issuer = () => p.url('/op');
  /** The same server under another origin (localhost instead of 127.0.0.1). */
  p.foreign = (path) => p.url(path).replace('//127.0.0.1:', '//localhost:');
  p.config = () => ({ kind: 'oidc', issuer: p.issuer(), client_id: p.clientId, client_secret: p.clientSecret, scope: 'openid profile email' });
  return p;
}
