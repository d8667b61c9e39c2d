// Shared machinery of the platform stand-ins: a loopback HTTP server with a
// route table, a registered client (client_id, client_secret, redirect URI
// prefix), one user who always consents, single-use codes, tokens, a record
// of every request, and fault switches.
//
// A stand-in is an authorization server as seen from the gateway: its
// authorize endpoint answers at once with a 302 to the redirect URI (the user
// consents without a page), and its API endpoints answer in the shapes the
// platform documents. Faults (timeout, 5xx, garbage, huge, error, trickle,
// tls, redirect, huge-chunked: see #applyFault) apply to
// the API endpoints named in `faultOn` (default: all of them). Control them
// in process (platform.fault = 'timeout'; platform.deny = 'access_denied' for
// the authorize endpoint) or over HTTP: POST /_control with
// JSON {"fault": "timeout", "faultOn": ["token"], "user": {...}}.

import crypto from 'node:crypto';
import http from 'node:http';

export const FAULTS = ['timeout', '5xx', 'garbage', 'huge', 'error', 'trickle', 'tls', 'redirect', 'huge-chunked'];
const MAX_BODY = 64 * 1024;

export const random = (bytes = 24) => crypto.randomBytes(bytes).toString('base64url');

/** The request body as text (bounded). */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** Form fields of a urlencoded body, merged over the query. */
function fields(url, body, type) {
  const out = Object.fromEntries(url.searchParams);
  if (/application\/x-www-form-urlencoded/i.test(type ?? '')) Object.assign(out, Object.fromEntries(new URLSearchParams(body)));
  return out;
}

export class Platform {
  /**
   * kind: a name for messages; routes: { 'METHOD /path': handler(ctx) }
   * where a path may end in '*'; api: the route keys faults apply to, by
   * name ({ token: 'POST /oauth/token', ... }); errorAnswer(name, ctx): the
   * platform's documented error for the 'error' fault.
   */
  constructor({ kind, routes, api, errorAnswer, user, clientId = `${kind}-client`, clientSecret = `${kind}-secret-${random(6)}` }) {
    this.kind = kind;
    this.routes = routes;
    this.api = api;
    this.errorAnswer = errorAnswer;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.user = { ...user };
    this.fault = null;
    this.faultOn = null; // null: every API endpoint
    this.deny = null; // an error the authorize endpoint answers with instead of a code
    this.requests = []; // { name, method, path, headers, fields, body }
    this.codes = new Map(); // code -> { redirectUri, state, scope }
    this.tokens = new Map(); // access token -> { refresh }
    this.refreshTokens = new Set();
    this.revoked = [];
    this.held = new Set();
  }

  async start() {
    this.server = http.createServer((req, res) => this.#serve(req, res).catch((e) => {
      res.statusCode = 500;
      res.end(String(e));
    }));
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  async stop() {
    for (const r of this.held) r.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  url(p) {
    return this.base + p;
  }

  /** The requests made to one API endpoint (by name), in order. */
  calls(name) {
    return this.requests.filter((r) => r.name === name);
  }

  issueCode(redirectUri, state, scope) {
    const code = random();
    this.codes.set(code, { redirectUri, state, scope, expires: Date.now() + 60000 });
    return code;
  }

  /** Redeems a code once; null when unknown, used, expired or for another redirect URI. */
  takeCode(code, redirectUri) {
    const c = this.codes.get(code);
    this.codes.delete(code);
    if (!c || c.expires < Date.now() || (redirectUri !== undefined && redirectUri !== c.redirectUri)) return null;
    return c;
  }

  issueTokens() {
    const access = `${this.kind}-at-${random()}`;
    const refresh = `${this.kind}-rt-${random()}`;
    this.tokens.set(access, { refresh });
    this.refreshTokens.add(refresh);
    return { access, refresh };
  }

  /** The access token of an Authorization: Bearer header, if it is live. */
  bearer(ctx) {
    const m = /^(?:Bearer|token) (.+)$/i.exec(ctx.req.headers.authorization ?? '');
    return m && this.tokens.has(m[1]) ? m[1] : null;
  }

  clientOk(f, basic) {
    const id = basic?.id ?? f.client_id;
    const secret = basic?.secret ?? f.client_secret;
    return id === this.clientId && secret === this.clientSecret;
  }

  /** Decodes Authorization: Basic (RFC 6749 §2.3.1: both parts form-encoded). */
  basic(ctx) {
    const m = /^Basic (.+)$/i.exec(ctx.req.headers.authorization ?? '');
    if (!m) return null;
    const text = Buffer.from(m[1], 'base64').toString('utf8');
    const i = text.indexOf(':');
    const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    return i < 0 ? null : { id: dec(text.slice(0, i)), secret: dec(text.slice(i + 1)) };
  }

  /** The authorize endpoint: checks client and redirect URI, then redirects with a code. */
  authorize(ctx) {
    const q = ctx.fields;
    this.lastAuthorize = q;
    if (q.client_id !== this.clientId || !q.redirect_uri || q.response_type !== 'code') return ctx.json(400, { error: 'invalid_request' });
    const target = new URL(q.redirect_uri);
    if (this.deny) target.searchParams.set('error', this.deny); // the user said no (RFC 6749 §4.1.2.1)
    else target.searchParams.set('code', this.issueCode(q.redirect_uri, q.state, q.scope));
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    ctx.res.writeHead(302, { location: target.href });
    ctx.res.end();
    return undefined;
  }

  #route(method, path) {
    for (const [key, handler] of Object.entries(this.routes)) {
      const [m, p] = key.split(' ');
      if (m !== method) continue;
      if (p === path || (p.endsWith('*') && path.startsWith(p.slice(0, -1)))) return { key, handler };
    }
    return null;
  }

  async #control(ctx) {
    const o = JSON.parse(ctx.body || '{}');
    if ('fault' in o) this.fault = o.fault;
    if ('faultOn' in o) this.faultOn = o.faultOn;
    if (o.user) this.user = { ...o.user };
    return ctx.json(200, { fault: this.fault, faultOn: this.faultOn, clientId: this.clientId, clientSecret: this.clientSecret });
  }

  #faulty(name) {
    return this.fault && name && (!this.faultOn || this.faultOn.includes(name));
  }

  async #applyFault(name, ctx) {
    switch (this.fault) {
      case 'timeout':
        this.held.add(ctx.res);
        ctx.res.on('close', () => this.held.delete(ctx.res));
        return; // never answers
      case '5xx':
        return ctx.send(503, 'text/html', '<html><body>Service Unavailable</body></html>');
      case 'garbage':
        return ctx.send(200, 'application/json', '{"access_token": "x", oops');
      case 'huge':
        return ctx.send(200, 'application/json', `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
      case 'huge-chunked': // over the cap, without a Content-Length
        ctx.res.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < 64; i++) ctx.res.write(`{"pad":"${'x'.repeat(32 * 1024)}"}`);
        return ctx.res.end();
      case 'trickle': // an answer that never ends (slowloris upstream)
        return this.#trickle(ctx.res);
      case 'tls': // a TLS alert where HTTP was expected, then the connection closed
        return ctx.req.socket.end(Buffer.from('15030100020228', 'hex'));
      case 'redirect': // must not be followed
        this.redirectTarget = this.url('/_redirected');
        return ctx.send(302, 'text/plain', '', { location: this.redirectTarget });
      default:
        return this.errorAnswer(name, ctx);
    }
  }

  /** Headers, then one byte of body a second for as long as the connection lasts. */
  #trickle(res) {
    this.held.add(res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{');
    const timer = setInterval(() => res.write(' '), 1000);
    res.on('close', () => {
      clearInterval(timer);
      this.held.delete(res);
    });
  }

  async #serve(req, res) {
    const url = new URL(req.url, this.base);
    const body = await readBody(req);
    const ctx = {
      req,
      res,
      url,
      body,
      fields: fields(url, body, req.headers['content-type']),
      send(status, type, text, headers = {}) {
        res.writeHead(status, { 'content-type': type, ...headers });
        res.end(text);
      },
      json(status, obj, headers = {}) {
        this.send(status, 'application/json;charset=UTF-8', JSON.stringify(obj), headers);
      },
    };
    if (req.method === 'POST' && url.pathname === '/_control') return this.#control(ctx);
    const found = this.#route(req.method, url.pathname);
    const name = found && Object.entries(this.api).find(([, k]) => k === found.key)?.[0];
    if (url.pathname === '/_redirected') this.redirectedHits = (this.redirectedHits ?? 0) + 1;
    if (name) this.requests.push({ name, method: req.method, path: url.pathname, headers: req.headers, fields: ctx.fields, body });
    if (!found) return ctx.json(404, { error: 'not_found' });
    if (this.#faulty(name)) return this.#applyFault(name, ctx);
    return found.handler(ctx);
  }
}
