// The node-oidc-provider peer of `make bench`: the same client, user and
// signing algorithm as the Gatehouse under test, on 127.0.0.1 only.
//
//   NODE_ENV=production PORT=… KEY_FILE=… node provider.mjs
//
// Env: PORT, KEY_FILE (an RS256 private JWK, made on first start when
// missing), CLIENT_ID, CLIENT_SECRET, REDIRECT_URI.
//
// One confidential client (client_secret_basic) with the grants
// client_credentials, authorization_code and refresh_token; refresh tokens are
// issued to it on every code exchange and rotated on every use, as Gatehouse
// does. Storage is the built-in MemoryAdapter (an in-process LRU of 1000
// entries). Access tokens are opaque unless the request names the resource
// `urn:bench:api` (then an RS256 JWT access token, as Gatehouse always issues);
// userinfo and introspection accept only the opaque ones.
//
// There is no login page: GET /interaction/:uid signs in "user1" and grants
// what the client asked, so the code flow runs without a browser (benchmark
// only; the session cookie and the grant are then remembered as usual).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import Provider from 'oidc-provider';

const PORT = Number(process.env.PORT || 3000);
const HOST = '127.0.0.1';
const ISSUER = `http://${HOST}:${PORT}`;
const KEY_FILE = process.env.KEY_FILE || new URL('./rs256-private.jwk.json', import.meta.url).pathname;
const CLIENT_ID = process.env.CLIENT_ID || 'bench-client';
const CLIENT_SECRET = process.env.CLIENT_SECRET || 'bench-secret-0123456789';
const REDIRECT_URI = process.env.REDIRECT_URI || 'http://127.0.0.1:9/cb';
const API_RESOURCE = 'urn:bench:api';

function signingKey() {
  if (fs.existsSync(KEY_FILE)) return JSON.parse(fs.readFileSync(KEY_FILE, 'utf8'));
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'rs256-1', alg: 'RS256', use: 'sig' };
  fs.writeFileSync(KEY_FILE, JSON.stringify(jwk), { mode: 0o600 });
  return jwk;
}

const ACCOUNTS = {
  user1: { sub: 'user1', nickname: 'user1', name: 'Bench User', email: 'user1@example.invalid' },
};

const apiResource = {
  scope: 'api',
  audience: API_RESOURCE,
  accessTokenTTL: 3599,
  accessTokenFormat: 'jwt',
  jwt: { sign: { alg: 'RS256' } },
};

const configuration = {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: 'openid profile email api',
    },
  ],
  jwks: { keys: [signingKey()] },
  scopes: ['openid', 'profile', 'email', 'api'],
  claims: { openid: ['sub'], profile: ['nickname', 'name'], email: ['email'] },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => true,
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true, allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, client, oneOf) => oneOf || undefined,
      useGrantedResource: async () => false,
      getResourceServerInfo: async (ctx, indicator) => {
        if (indicator === API_RESOURCE) return apiResource;
        throw new Provider.errors.InvalidTarget();
      },
    },
  },
  ttl: { AccessToken: 3599, ClientCredentials: 3599, AuthorizationCode: 60, IdToken: 3599, RefreshToken: 2592000 },
  findAccount: async (ctx, sub) => (ACCOUNTS[sub] ? { accountId: sub, claims: async () => ({ ...ACCOUNTS[sub] }) } : undefined),
  interactions: { url: async (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'json';
    ctx.body = out;
  },
};

const provider = new Provider(ISSUER, configuration);

/** Grants the client everything the consent prompt says is missing. */
async function grantMissing(details) {
  const { prompt, params, session, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

/** The benchmark's stand-in for the login and consent pages. */
async function autoInteraction(req, res) {
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: 'user1' } }, { mergeWithLastSubmission: false });
    } else if (details.prompt.name === 'consent') {
      const grantId = await grantMissing(details);
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } else {
      res.statusCode = 400;
      res.end(`unexpected prompt ${details.prompt.name}`);
    }
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  }
}

const handler = provider.callback();
const server = http.createServer((req, res) => (req.url.startsWith('/interaction/') ? autoInteraction(req, res) : handler(req, res)));
server.keepAliveTimeout = 65000;
server.listen(PORT, HOST);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
