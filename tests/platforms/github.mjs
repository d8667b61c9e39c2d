// GitHub OAuth app stand-in (docs.github.com, "Authorizing OAuth apps"):
// GET /login/oauth/authorize, POST /login/oauth/access_token (JSON with
// Accept: application/json, else application/x-www-form-urlencoded; errors
// 200 {"error":"bad_verification_code",…}), GET /user (private e-mail: null;
// 401 {"message":"Bad credentials"}; 403 without User-Agent), GET
// /user/emails, DELETE /applications/{client_id}/grant (Basic client_id:secret,
// JSON {"access_token"}; 204).

import { Platform } from './lib.mjs';

export const GITHUB_USER = {
  login: 'octocat',
  id: 583231,
  avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4',
  name: null,
  email: null,
};

export const GITHUB_EMAILS = [
  { email: 'old@example.com', primary: false, verified: true, visibility: null },
  { email: 'octocat@github.com', primary: true, verified: true, visibility: 'private' },
];

const badCredentials = (ctx) => ctx.json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });

function token(p, ctx) {
  const f = ctx.fields;
  const wantsJson = /application\/json/i.test(ctx.req.headers.accept ?? '');
  const answer = (obj) =>
    wantsJson ? ctx.json(200, obj) : ctx.send(200, 'application/x-www-form-urlencoded; charset=utf-8', new URLSearchParams(obj).toString());
  if (!p.clientOk(f)) return answer({ error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
  if (!p.takeCode(f.code)) return answer({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
  const t = p.issueTokens();
  return answer({ access_token: t.access, scope: 'read:user,user:email', token_type: 'bearer' });
}

function api(p, ctx, answer) {
  if (!ctx.req.headers['user-agent']) return ctx.json(403, { message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header' });
  return p.bearer(ctx) ? answer() : badCredentials(ctx);
}

function revoke(p, ctx) {
  const b = p.basic(ctx);
  if (!b || b.id !== p.clientId || b.secret !== p.clientSecret) return badCredentials(ctx);
  if (ctx.url.pathname !== `/applications/${p.clientId}/grant`) return ctx.json(404, { message: 'Not Found' });
  let at;
  try {
    at = JSON.parse(ctx.body).access_token;
  } catch {
    return ctx.json(400, { message: 'Problems parsing JSON' });
  }
  if (!p.tokens.has(at)) return ctx.json(422, { message: 'Validation Failed' });
  p.tokens.delete(at);
  p.revoked.push(at);
  ctx.res.writeHead(204);
  ctx.res.end();
  return undefined;
}

export function github() {
  const p = new Platform({
    kind: 'github',
    user: GITHUB_USER,
    api: { token: 'POST /login/oauth/access_token', userinfo: 'GET /user', emails: 'GET /user/emails', revoke: 'DELETE /applications/*' },
    routes: {
      'GET /login/oauth/authorize': (ctx) => p.authorize(ctx),
      'POST /login/oauth/access_token': (ctx) => token(p, ctx),
      'GET /user': (ctx) => api(p, ctx, () => ctx.json(200, p.user)),
      'GET /user/emails': (ctx) => api(p, ctx, () => ctx.json(200, p.emails ?? GITHUB_EMAILS)),
      'DELETE /applications/*': (ctx) => revoke(p, ctx),
    },
    errorAnswer: (name, ctx) =>
      name === 'token' ? ctx.json(200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' }) : badCredentials(ctx),
  });
  p.config = () => ({
    kind: 'github',
    client_id: p.clientId,
    client_secret: p.clientSecret,
    authorize_url: p.url('/login/oauth/authorize'),
    token_url: p.url('/login/oauth/access_token'),
    userinfo_url: p.url('/user'),
    revoke_url: p.url('/applications/{client_id}/grant'),
  });
  return p;
}
