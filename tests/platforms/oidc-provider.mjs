// A third-party OpenID provider for the tests: node-oidc-provider (a certified
// OpenID Provider, from tests/e2e/node_modules) on a free loopback port, with
// one static confidential client (the gateway) and one account kept in memory.
// The gateway reaches it as an ordinary `kind = oidc` platform, through its
// discovery document.
//
//   node tests/platforms/oidc-provider.mjs '<json options>'
//
// Options: { client: { id, secret, redirectUri, authMethod = 'client_secret_basic' },
//            account: { username, password, claims: { sub, name, email, picture, … } } }
// When listening it prints one line, {"issuer":"http://127.0.0.1:PORT"}, on stdout.
// SIGTERM or SIGINT stops it.
//
// Sign-in and consent are plain HTML forms at /interaction/:uid, shaped like
// the authorization server's (inputs `username` and `password`; buttons
// `decision=allow|deny`), so the end-to-end harness walks both the same way.
// GET /_test/events lists what happened to tokens and grants (issued,
// revoked, destroyed), so a test can see that the gateway revoked its tokens.
// Tests only: the keys and the cookie secret are made up at each start.

import crypto from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(new URL('../e2e/package.json', import.meta.url));
const { default: Provider } = await import(pathToFileURL(require.resolve('oidc-provider')).href);

const HOST = '127.0.0.1';
const MAX_FORM = 8192;
const EVENTS = ['access_token.saved', 'access_token.destroyed', 'refresh_token.saved', 'refresh_token.destroyed', 'grant.revoked', 'revocation.error'];

const opts = JSON.parse(process.argv[2] ?? '{}');
const { client, account } = opts;
if (!client?.id || !client?.secret || !client?.redirectUri || !account?.username || !account?.password || !account?.claims?.sub) {
  process.stderr.write('usage: oidc-provider.mjs \'{"client":{"id","secret","redirectUri"},"account":{"username","password","claims":{"sub",…}}}\'\n');
  process.exit(2);
}

const events = [];

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };
}

function configuration() {
  return {
    clients: [
      {
        client_id: client.id,
        client_secret: client.secret,
        token_endpoint_auth_method: client.authMethod ?? 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [client.redirectUri],
      },
    ],
    jwks: { keys: [signingKey()] },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'nickname', 'picture'],
      email: ['email', 'email_verified'],
    },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    issueRefreshToken: async (ctx, c) => c.grantTypeAllowed('refresh_token'),
    findAccount: async (ctx, sub) => (sub === account.claims.sub ? { accountId: sub, claims: async () => ({ ...account.claims }) } : undefined),
    interactions: { url: async (ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  };
}

/* ---------------------------------------------------------- interactions -- */

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, status, title, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`);
}

function loginPage(res, uid, failed) {
  const alert = failed ? '<p role="alert">Wrong username or password.</p>' : '';
  page(res, 200, 'Sign in to the test provider', `${alert}<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<input name="username" type="text" autocomplete="username"><input name="password" type="password">
<button type="submit">Sign in</button></form>`);
}

function consentPage(res, uid, scopes) {
  page(res, 200, 'Share your information?', `<p>Scopes: ${escapeHtml(scopes.join(' '))}</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/consent">
<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button></form>`);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const parts = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_FORM) req.destroy(new Error('form too large'));
      else parts.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(parts).toString('utf8'))));
    req.on('error', reject);
  });
}

function sameSecret(a, b) {
  const x = crypto.createHash('sha256').update(String(a)).digest();
  const y = crypto.createHash('sha256').update(String(b)).digest();
  return crypto.timingSafeEqual(x, y);
}

async function grantAll(provider, details) {
  const { prompt, params, session, grantId } = details;
  const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  return grant.save();
}

async function onLogin(provider, req, res, uid) {
  const form = await readForm(req);
  const ok = form.get('username') === account.username && sameSecret(form.get('password') ?? '', account.password);
  if (!ok) return loginPage(res, uid, true);
  return provider.interactionFinished(req, res, { login: { accountId: account.claims.sub } }, { mergeWithLastSubmission: false });
}

async function onConsent(provider, req, res, details) {
  const form = await readForm(req);
  if (form.get('decision') !== 'allow') {
    const result = { error: 'access_denied', error_description: 'the person did not allow it' };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  const grantId = await grantAll(provider, details);
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function interaction(provider, req, res) {
  const [, , uid, step] = new URL(req.url, 'http://x').pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 400, 'This sign-in has expired', '');
  if (req.method === 'GET' && !step) {
    if (details.prompt.name === 'login') return loginPage(res, uid, false);
    return consentPage(res, uid, details.params.scope?.split(' ') ?? []);
  }
  if (req.method === 'POST' && step === 'login' && details.prompt.name === 'login') return onLogin(provider, req, res, uid);
  if (req.method === 'POST' && step === 'consent' && details.prompt.name === 'consent') return onConsent(provider, req, res, details);
  return page(res, 400, 'Unexpected step', '');
}

/* ------------------------------------------------------------------ main -- */

function route(provider, callback) {
  return (req, res) => {
    if (req.url === '/_test/events') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(events));
    }
    if (!req.url.startsWith('/interaction/')) return callback(req, res);
    return interaction(provider, req, res).catch((e) => page(res, 400, 'Sign-in failed', `<p>${escapeHtml(e.message)}</p>`));
  };
}

const server = http.createServer();
server.listen(0, HOST, () => {
  const issuer = `http://${HOST}:${server.address().port}`;
  const provider = new Provider(issuer, configuration());
  for (const name of EVENTS) provider.on(name, (entity) => events.push({ event: name, kind: entity?.kind ?? null, at: Date.now() }));
  server.on('request', route(provider, provider.callback()));
  process.stdout.write(JSON.stringify({ issuer }) + '\n');
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
