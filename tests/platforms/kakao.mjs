// Kakao Login stand-in (developers.kakao.com, REST API): GET
// /oauth/authorize, POST /oauth/token (errors 400 {"error",
// "error_description","error_code":"KOE…"}), GET /v2/user/me ({"id":<number>,
// "kakao_account":{"email","profile":{"nickname","profile_image_url"}}};
// 401 {"msg","code":-401}), POST /v1/user/unlink ({"id":<number>}).

import { Platform } from './lib.mjs';

export const KAKAO_USER = {
  id: 123456789,
  connected_at: '2022-04-11T01:45:28Z',
  kakao_account: {
    profile_nickname_needs_agreement: false,
    profile: {
      nickname: '홍길동',
      thumbnail_image_url: 'http://yyy.kakao.com/.../img_110x110.jpg',
      profile_image_url: 'http://yyy.kakao.com/dn/.../img_640x640.jpg',
    },
    email_needs_agreement: false,
    email: 'sample@sample.com',
  },
};

const unauthorized = (ctx) => ctx.json(401, { msg: 'this access token does not exist', code: -401 });

function token(p, ctx) {
  const f = ctx.fields;
  if (f.client_id !== p.clientId || (f.client_secret && f.client_secret !== p.clientSecret)) {
    return ctx.json(401, { error: 'invalid_client', error_description: 'Bad client credentials', error_code: 'KOE010' });
  }
  if (f.grant_type === 'authorization_code') {
    if (!p.takeCode(f.code, f.redirect_uri)) {
      return ctx.json(400, { error: 'invalid_grant', error_description: `authorization code not found for code=${f.code}`, error_code: 'KOE320' });
    }
    const t = p.issueTokens();
    return ctx.json(200, { token_type: 'bearer', access_token: t.access, expires_in: 21599, refresh_token: t.refresh, refresh_token_expires_in: 5183999, scope: 'account_email profile_image profile_nickname' });
  }
  if (f.grant_type === 'refresh_token' && p.refreshTokens.has(f.refresh_token)) {
    const t = p.issueTokens();
    return ctx.json(200, { token_type: 'bearer', access_token: t.access, expires_in: 21599 });
  }
  return ctx.json(400, { error: 'invalid_grant', error_description: 'invalid refresh token', error_code: 'KOE322' });
}

export function kakao() {
  const p = new Platform({
    kind: 'kakao',
    user: KAKAO_USER,
    api: { token: 'POST /oauth/token', userinfo: 'GET /v2/user/me', revoke: 'POST /v1/user/unlink' },
    routes: {
      'GET /oauth/authorize': (ctx) => p.authorize(ctx),
      'POST /oauth/token': (ctx) => token(p, ctx),
      'GET /v2/user/me': (ctx) => (p.bearer(ctx) ? ctx.json(200, p.user) : unauthorized(ctx)),
      'POST /v1/user/unlink': (ctx) => {
        const at = p.bearer(ctx);
        if (!at) return unauthorized(ctx);
        p.tokens.delete(at);
        p.revoked.push(at);
        return ctx.json(200, { id: p.user.id });
      },
    },
    errorAnswer: (name, ctx) =>
      name === 'token'
        ? ctx.json(400, { error: 'invalid_grant', error_description: 'authorization code not found', error_code: 'KOE320' })
        : unauthorized(ctx),
  });
  p.config = () => ({
    kind: 'kakao',
    client_id: p.clientId,
    client_secret: p.clientSecret,
    authorize_url: p.url('/oauth/authorize'),
    token_url: p.url('/oauth/token'),
    userinfo_url: p.url('/v2/user/me'),
    revoke_url: p.url('/v1/user/unlink'),
  });
  return p;
}
