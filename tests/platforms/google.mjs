// Google OAuth 2.0 stand-in (developers.google.com/identity/protocols/oauth2/web-server):
// GET /o/oauth2/v2/auth, POST /token (errors 400 {"error","error_description"}),
// GET /v1/userinfo (OpenID Connect userinfo: sub, name, picture, email, …;
// 401 {"error":"invalid_request","error_description":"Invalid Credentials"}),
// POST /revoke (token=…; 200 {}; 400 {"error":"invalid_token"}).

import { Platform } from './lib.mjs';

export const GOOGLE_USER = {
  sub: '110169484474386276334',
  name: 'Test User',
  given_name: 'Test',
  family_name: 'User',
  picture: 'https://lh3.googleusercontent.com/a/default-user',
  email: 'test.user@gmail.com',
  email_verified: true,
  locale: 'en',
};

function token(p, ctx) {
  const f = ctx.fields;
  if (!p.clientOk(f, p.basic(ctx))) return ctx.json(401, { error: 'invalid_client', error_description: 'Unauthorized' });
  if (f.grant_type === 'authorization_code' && p.takeCode(f.code, f.redirect_uri)) {
    const t = p.issueTokens();
    return ctx.json(200, { access_token: t.access, expires_in: 3599, refresh_token: t.refresh, scope: 'openid email profile', token_type: 'Bearer' });
  }
  if (f.grant_type === 'refresh_token' && p.refreshTokens.has(f.refresh_token)) {
    const t = p.issueTokens();
    return ctx.json(200, { access_token: t.access, expires_in: 3599, scope: 'openid email profile', token_type: 'Bearer' });
  }
  return ctx.json(400, { error: 'invalid_grant', error_description: 'Bad Request' });
}

export function google() {
  const p = new Platform({
    kind: 'google',
    user: GOOGLE_USER,
    api: { token: 'POST /token', userinfo: 'GET /v1/userinfo', revoke: 'POST /revoke' },
    routes: {
      'GET /o/oauth2/v2/auth': (ctx) => p.authorize(ctx),
      'POST /token': (ctx) => token(p, ctx),
      'GET /v1/userinfo': (ctx) =>
        p.bearer(ctx) ? ctx.json(200, p.user) : ctx.json(401, { error: 'invalid_request', error_description: 'Invalid Credentials' }),
      'POST /revoke': (ctx) => {
        const t = ctx.fields.token;
        if (!p.refreshTokens.has(t) && !p.tokens.has(t)) return ctx.json(400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
        p.refreshTokens.delete(t);
        p.tokens.delete(t);
        p.revoked.push(t);
        return ctx.json(200, {});
      },
    },
    errorAnswer: (name, ctx) =>
      name === 'userinfo'
        ? ctx.json(401, { error: 'invalid_request', error_description: 'Invalid Credentials' })
        : ctx.json(400, { error: 'invalid_grant', error_description: 'Bad Request' }),
  });
  p.config = () => ({
    kind: 'google',
    client_id: p.clientId,
    client_secret: p.clientSecret,
    authorize_url: p.url('/o/oauth2/v2/auth'),
    token_url: p.url('/token'),
    userinfo_url: p.url('/v1/userinfo'),
    revoke_url: p.url('/revoke'),
  });
  return p;
}
