// Naver Login stand-in (developers.naver.com, "네이버 로그인 API"):
// GET /oauth2.0/authorize, /oauth2.0/token (grant_type authorization_code,
// refresh_token and delete; errors as 200 {"error","error_description"};
// expires_in a string, p.expiresIn when set),
// GET /v1/nid/me ({"resultcode":"00","message":"success","response":{…}};
// 401 {"resultcode":"024","message":"Authentication failed"}).

import { Platform } from './lib.mjs';

export const NAVER_USER = {
  id: '32742776',
  nickname: 'OPENAPI',
  name: '오픈 API',
  email: 'openapi@naver.com',
  profile_image: 'https://ssl.pstatic.net/static/pwe/address/nodata_33x33.gif',
};

const error = (ctx, description) => ctx.json(200, { error: 'invalid_request', error_description: description });

function token(p, ctx) {
  const f = ctx.fields;
  if (!p.clientOk(f)) return ctx.json(200, { error: 'invalid_client', error_description: 'client authentication failed' });
  if (f.grant_type === 'authorization_code') {
    const c = p.takeCode(f.code);
    if (!c || c.state !== f.state) return error(ctx, 'no valid data in session');
    const t = p.issueTokens();
    return ctx.json(200, { access_token: t.access, refresh_token: t.refresh, token_type: 'bearer', expires_in: p.expiresIn ?? '3600' });
  }
  if (f.grant_type === 'refresh_token') {
    if (!p.refreshTokens.has(f.refresh_token)) return error(ctx, 'invalid refresh token');
    const t = p.issueTokens();
    return ctx.json(200, { access_token: t.access, token_type: 'bearer', expires_in: '3600' });
  }
  if (f.grant_type === 'delete') {
    if (!p.tokens.has(f.access_token)) return error(ctx, 'invalid access token');
    p.tokens.delete(f.access_token);
    p.revoked.push(f.access_token);
    return ctx.json(200, { access_token: f.access_token, result: 'success' });
  }
  return error(ctx, 'unsupported grant_type');
}

export function naver() {
  const p = new Platform({
    kind: 'naver',
    user: NAVER_USER,
    api: { token: 'POST /oauth2.0/token', userinfo: 'GET /v1/nid/me' },
    routes: {
      'GET /oauth2.0/authorize': (ctx) => p.authorize(ctx),
      'POST /oauth2.0/token': (ctx) => token(p, ctx),
      'GET /v1/nid/me': (ctx) => {
        if (!p.bearer(ctx)) return ctx.json(401, { resultcode: '024', message: 'Authentication failed' });
        return ctx.json(200, { resultcode: '00', message: 'success', response: p.user });
      },
    },
    errorAnswer: (name, ctx) =>
      name === 'userinfo' ? ctx.json(401, { resultcode: '024', message: 'Authentication failed' }) : error(ctx, 'no valid data in session'),
  });
  p.config = () => ({
    kind: 'naver',
    client_id: p.clientId,
    client_secret: p.clientSecret,
    authorize_url: p.url('/oauth2.0/authorize'),
    token_url: p.url('/oauth2.0/token'),
    userinfo_url: p.url('/v1/nid/me'),
    revoke_url: p.url('/oauth2.0/token'),
  });
  return p;
}
