// The end-to-end harness: runs the real `gatehouse` binary from outside, the
// way a user or a partner's server would, and nothing else. Each test file
// gets its own server on a free loopback port with a fresh SQLite database in
// a temporary directory (useGatehouse), talks to it over plain HTTP (request,
// CookieJar, the browser-like authorize walker) and through its admin CLI
// (cli, addClient, addUser). The server's log is printed when a test fails.
//
// Environment: GATEHOUSE_BIN (default ../../build/gatehouse, relative to
// tests/e2e), GATEHOUSE_E2E_KEEP=1 keeps the temporary directories.
// GATEHOUSE_* variables of the caller are not passed to the server, so that
// only the flags and the config file of a test decide its settings.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach } from 'node:test';
import { fileURLToPath } from 'node:url';

import { formData, postForms } from './html.mjs';

const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.resolve(E2E_DIR, process.env.GATEHOUSE_BIN || '../../build/gatehouse');
const KEEP = process.env.GATEHOUSE_E2E_KEEP === '1';
const READY_TIMEOUT_MS = 15000;
const STOP_GRACE_MS = 5000;
const REQUEST_TIMEOUT_MS = 10000;

export const TOKEN_PATH = '/oauth2/v1/token';
export const USERINFO_PATH = '/oauth2/v1/userinfo';
export const AUTHORIZE_PATH = '/auth/authorize';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/* ------------------------------------------------------------------ HTTP -- */

function encodeBody(body, headers) {
  if (body === undefined || body === null) return [];
  if (body instanceof URLSearchParams || (typeof body === 'object' && !Buffer.isBuffer(body) && !Array.isArray(body))) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    return [Buffer.from(new URLSearchParams(body).toString())];
  }
  return Array.isArray(body) ? body.map((c) => Buffer.from(c)) : [Buffer.from(body)];
}

class Response {
  constructor(url, res, bytes) {
    this.url = url;
    this.status = res.statusCode;
    this.headers = res.headers;
    this.rawHeaders = res.rawHeaders;
    this.setCookies = res.headers['set-cookie'] ?? [];
    this.text = bytes.toString('utf8');
  }

  /** A header's value (duplicates joined with ", "), or undefined. */
  header(name) {
    const v = this.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  /** Every value a header was sent with, in order. */
  headerValues(name) {
    const out = [];
    for (let i = 0; i < this.rawHeaders.length; i += 2) {
      if (this.rawHeaders[i].toLowerCase() === name.toLowerCase()) out.push(this.rawHeaders[i + 1]);
    }
    return out;
  }

  /** The parsed JSON body, or null when the body is not JSON. */
  get json() {
    try {
      return JSON.parse(this.text);
    } catch {
      return null;
    }
  }

  /** A short description for assertion messages. */
  describe() {
    return `${this.status} ${this.header('content-type') ?? ''} ${this.text.slice(0, 300)}`;
  }
}

/**
 * One HTTP/1.1 request, sent as written: the path and query of url go on the
 * request line unchanged (so malformed escapes reach the server). body may be
 * a string or Buffer, an object or URLSearchParams (sent as a form), or an
 * array of chunks (sent with chunked transfer encoding). Redirects are not
 * followed. Resolves to a Response; rejects on network errors and timeouts.
 */
export function request(method, url, { headers = {}, body, timeout = REQUEST_TIMEOUT_MS } = {}) {
  const u = new URL(url);
  const hdrs = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const chunks = encodeBody(body, hdrs);
  if (!Array.isArray(body) && chunks.length === 1) hdrs['content-length'] = String(chunks[0].length);
  const target = url.slice(url.indexOf(u.host) + u.host.length) || '/';
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method, path: target, headers: hdrs, agent: false },
      (res) => {
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => resolve(new Response(url, res, Buffer.concat(parts))));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeout, () => req.destroy(new Error(`${method} ${url}: no answer within ${timeout} ms`)));
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

/* --------------------------------------------------------------- cookies -- */

/** Splits one Set-Cookie header into name, value and lower-cased attributes. */
export function parseSetCookie(line) {
  const [pair, ...rest] = line.split(';');
  const eq = pair.indexOf('=');
  const attrs = {};
  for (const a of rest) {
    const i = a.indexOf('=');
    const key = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
    if (key) attrs[key] = i < 0 ? true : a.slice(i + 1).trim();
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs };
}

/** True when a parsed Set-Cookie removes the cookie (Max-Age <= 0 or Expires in the past). */
export function cookieDeletes(c) {
  if (c.attrs['max-age'] !== undefined && Number(c.attrs['max-age']) <= 0) return true;
  return typeof c.attrs.expires === 'string' && Date.parse(c.attrs.expires) <= Date.now();
}

/** The cookies of one browser for one server (domain and path are not needed here). */
export class CookieJar {
  #cookies = new Map();

  /** Stores or deletes the cookies a response sets. */
  take(res) {
    for (const line of res.setCookies) {
      const c = parseSetCookie(line);
      if (cookieDeletes(c)) this.#cookies.delete(c.name);
      else this.#cookies.set(c.name, c.value);
    }
  }

  get(name) {
    return this.#cookies.get(name);
  }

  get size() {
    return this.#cookies.size;
  }

  /** A copy of the cookies held, name to value. */
  entries() {
    return new Map(this.#cookies);
  }

  /** The Cookie request header, or undefined when the jar is empty. */
  header() {
    if (this.#cookies.size === 0) return undefined;
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Request headers carrying these cookies, merged into extra. */
  headers(extra = {}) {
    const c = this.header();
    return c ? { ...extra, cookie: c } : { ...extra };
  }
}

/* ---------------------------------------------------------------- server -- */

function childEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUSE_')));
}

function iniText(config) {
  const lines = ['[server]'];
  for (const [k, v] of Object.entries(config)) lines.push(`${k} = ${v}`);
  return lines.join('\n') + '\n';
}

function binaryMissing() {
  try {
    fs.accessSync(BIN, fs.constants.X_OK);
    return null;
  } catch {
    return `gatehouse binary not found or not executable: ${BIN} (build it with \`make\`, or set GATEHOUSE_BIN)`;
  }
}

function exited(proc) {
  return Boolean(proc.spawnError) || proc.exitCode !== null || proc.signalCode !== null;
}

function describeExit(proc) {
  if (proc.spawnError) return proc.spawnError.message;
  return proc.signalCode ? `signal ${proc.signalCode}` : `exit status ${proc.exitCode}`;
}

function waitExit(proc, ms) {
  if (exited(proc)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * One `gatehouse serve` process. config is an object of [server] keys written
 * to a temporary INI file and passed with --config (e.g. { code_ttl: 1 }).
 */
export class Gatehouse {
  constructor({ config = null, label = 'gatehouse' } = {}) {
    this.config = config;
    this.label = label;
    this.proc = null;
    this.failed = false;
  }

  /**
   * An instance for a server someone else started and stops (the benchmark):
   * its base URL and database; start() and stop() are not used on it.
   */
  static attach({ base, db, label = 'gatehouse' }) {
    const gh = new Gatehouse({ label });
    gh.base = base;
    gh.db = db;
    return gh;
  }

  /** The arguments every invocation starts with: the database, nothing else. */
  get globalArgs() {
    return ['--db', this.db];
  }

  url(p) {
    return this.base + p;
  }

  async start() {
    const missing = binaryMissing();
    if (missing) throw new Error(missing);
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-e2e-'));
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.db = `sqlite:${this.dir}/gh.db`;
    this.logPath = path.join(this.dir, 'serve.log');
    const args = [...this.globalArgs];
    if (this.config) {
      this.configPath = path.join(this.dir, 'gatehouse.ini');
      fs.writeFileSync(this.configPath, iniText(this.config));
      args.push('--config', this.configPath);
    }
    args.push('serve', '--listen', `127.0.0.1:${this.port}`, '--issuer', this.base);
    const log = fs.openSync(this.logPath, 'a');
    this.proc = spawn(BIN, args, { stdio: ['ignore', log, log], env: childEnv() });
    fs.closeSync(log);
    const proc = this.proc;
    proc.on('error', (e) => (proc.spawnError = e));
    this.onExit = () => proc.kill('SIGKILL');
    process.on('exit', this.onExit);
    await this.waitReady();
  }

  async waitReady() {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exited(this.proc)) {
        const why = describeExit(this.proc);
        await this.stop();
        throw new Error(`${this.label} exited before it was ready (${why})\n${this.logTail()}`);
      }
      try {
        const r = await request('GET', this.url(DISCOVERY_PATH), { timeout: 1000 });
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    await this.stop();
    throw new Error(`${this.label} did not answer ${DISCOVERY_PATH} with 200 within ${READY_TIMEOUT_MS} ms\n${this.logTail()}`);
  }

  /**
   * SIGTERM, then SIGKILL after 5 s. Resolves to a problem description, or
   * null when the server was running and stopped gracefully with status 0.
   */
  async stop() {
    if (!this.proc) return null;
    process.removeListener('exit', this.onExit);
    const proc = this.proc;
    this.proc = null;
    if (exited(proc)) return `${this.label} had already exited (${describeExit(proc)})`;
    proc.kill('SIGTERM');
    if (!(await waitExit(proc, STOP_GRACE_MS))) {
      proc.kill('SIGKILL');
      await waitExit(proc, STOP_GRACE_MS);
      return `${this.label} ignored SIGTERM for ${STOP_GRACE_MS} ms and was killed`;
    }
    if (proc.exitCode !== 0) return `${this.label} stopped on SIGTERM with ${describeExit(proc)}`;
    return null;
  }

  logSize() {
    try {
      return fs.statSync(this.logPath).size;
    } catch {
      return 0;
    }
  }

  /** The server's log from byte offset `from`, at most the last `max` characters. */
  logSince(from = 0, max = 8000) {
    try {
      const text = fs.readFileSync(this.logPath).subarray(from).toString('utf8');
      return text.length > max ? '…' + text.slice(-max) : text;
    } catch {
      return '';
    }
  }

  logTail() {
    return `--- ${this.label} log (${this.logPath}) ---\n${this.logSince(0, 4000)}--- end of log ---`;
  }

  removeDir() {
    if (this.dir && !KEEP && !this.failed) fs.rmSync(this.dir, { recursive: true, force: true });
    else if (this.dir) process.stderr.write(`${this.label}: files kept in ${this.dir}\n`);
  }

  /* ------------------------------------------------------------ CLI -- */

  /** Runs `gatehouse --db <this db> ...args`; resolves to { code, stdout, stderr }. */
  cli(args, { input } = {}) {
    const missing = binaryMissing();
    if (missing) return Promise.reject(new Error(missing));
    return new Promise((resolve, reject) => {
      const p = spawn(BIN, [...this.globalArgs, ...args], { env: childEnv() });
      const out = [];
      const err = [];
      const timer = setTimeout(() => p.kill('SIGKILL'), 60000);
      p.stdout.on('data', (c) => out.push(c));
      p.stderr.on('data', (c) => err.push(c));
      p.on('error', reject);
      p.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
      });
      p.stdin.end(input ?? '');
    });
  }

  /** `client add`; throws unless it exits 0. */
  async addClient({ id, secret, redirectUris, scope = 'openid profile email', grants = [], isPublic = false }) {
    const args = ['client', 'add', '--id', id, '--scope', scope];
    if (secret) args.push('--secret', secret);
    for (const u of [].concat(redirectUris)) args.push('--redirect-uri', u);
    for (const g of grants) args.push('--grant', g);
    if (isPublic) args.push('--public');
    const r = await this.cli(args);
    assert.equal(r.code, 0, `gatehouse ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return { id, secret, redirectUri: [].concat(redirectUris)[0], scope };
  }

  /** `user add`; throws unless it exits 0; resolves to the user's sub (its stdout). */
  async addUser({ username, password, email, nickname }) {
    const args = ['user', 'add', '--username', username, '--password', password];
    args.push('--email', email, '--nickname', nickname);
    const r = await this.cli(args);
    assert.equal(r.code, 0, `gatehouse user add --username ${username} exited ${r.code}: ${r.stderr}`);
    const sub = r.stdout.trim();
    assert.match(sub, /^\S+$/, `user add should print the sub alone on stdout, printed ${JSON.stringify(r.stdout)}`);
    return { username, password, email, nickname, sub };
  }

  /* ----------------------------------------------------------- HTTP -- */

  get(p, opts) {
    return request('GET', this.url(p), opts);
  }

  post(p, body, opts = {}) {
    return request('POST', this.url(p), { ...opts, body });
  }

  /** POST /oauth2/v1/token with form fields (client_secret_post unless basic is given). */
  token(fields, { basic, headers = {} } = {}) {
    const h = { ...headers };
    if (basic) h.authorization = basicAuth(basic.id, basic.secret);
    return this.post(TOKEN_PATH, new URLSearchParams(fields), { headers: h });
  }

  /** GET /oauth2/v1/userinfo with Authorization: Bearer. */
  userinfo(accessToken) {
    return this.get(USERINFO_PATH, { headers: { authorization: `Bearer ${accessToken}` } });
  }

  authorizeUrl(params) {
    return `${this.url(AUTHORIZE_PATH)}?${new URLSearchParams(params)}`;
  }

  /**
   * Walks an authorization request like a browser: GETs the authorize URL (a
   * string, or params for /auth/authorize), follows redirects that stay on
   * this server, and on pages with one post form posts back every control
   * unchanged, plus username and password on the login form, or the
   * decision=allow|deny button on the consent form. Stops at a redirect that
   * leaves the server (redirect = its URL), or at a page it cannot go on from
   * (redirect = null; response = that page), or when the same kind of form
   * comes back after being posted (a failed login, for instance).
   * Resolves to { redirect, response, jar, history: [{ method, url, status, form }] }.
   */
  async authorize(target, { username, password, decision = 'allow', jar = new CookieJar(), maxSteps = 12 } = {}) {
    let url = typeof target === 'string' ? target : this.authorizeUrl(target);
    let method = 'GET';
    let body;
    const history = [];
    const posted = new Set();
    for (let step = 0; step < maxSteps; step++) {
      const res = await request(method, url, { headers: jar.headers(), body });
      jar.take(res);
      const entry = { method, url, status: res.status, form: null };
      history.push(entry);
      const location = res.header('location');
      if (res.status >= 300 && res.status < 400 && location) {
        const next = new URL(location, url);
        if (next.origin !== this.base) return { redirect: next, response: res, jar, history };
        if (res.status !== 307 && res.status !== 308) [method, body] = ['GET', undefined];
        url = next.href;
        continue;
      }
      const next = res.status === 200 ? nextForm(res, { username, password, decision }) : null;
      if (!next || posted.has(next.kind)) return { redirect: null, response: res, jar, history };
      posted.add(next.kind);
      entry.form = next.kind;
      [method, url, body] = ['POST', new URL(next.form.action || url, url).href, next.data];
    }
    throw new Error(`authorize: no end after ${maxSteps} steps: ${history.map((h) => `${h.method} ${h.url} ${h.status}`).join(' | ')}`);
  }

  /**
   * The whole front channel for one client and user, which must end in a
   * redirect with a code. Resolves to { code, redirect, jar, state }.
   */
  async obtainCode(client, user, { scope = 'openid profile', state = randomString(), jar, extra = {} } = {}) {
    const params = { scope, response_type: 'code', state, redirect_uri: client.redirectUri, client_id: client.id, ...extra };
    const r = await this.authorize(params, { username: user.username, password: user.password, jar });
    const code = r.redirect?.searchParams.get('code');
    assert.ok(code, `expected a redirect with a code, got ${r.redirect ?? r.response.describe()}`);
    return { code, redirect: r.redirect, jar: r.jar, state };
  }

  /** obtainCode, then the seed 004 token request; resolves to the token JSON (status 200 asserted). */
  async obtainTokens(client, user, opts = {}) {
    const { code } = await this.obtainCode(client, user, opts);
    const res = await this.token(codeGrant(client, code));
    assert.equal(res.status, 200, `token request: ${res.describe()}`);
    return res.json;
  }
}

function nextForm(res, { username, password, decision }) {
  if (!/text\/html/i.test(res.header('content-type') ?? '')) return null;
  const forms = postForms(res.text);
  if (forms.length !== 1) return null;
  const [form] = forms;
  if (form.inputs.some((i) => i.name === 'password')) {
    const submit = form.buttons.find((b) => b.name) ?? null;
    return { kind: 'login', form, data: formData(form, { username, password }, submit) };
  }
  const button = form.buttons.find((b) => b.name === 'decision' && b.value === decision);
  return button ? { kind: 'consent', form, data: formData(form, {}, button) } : null;
}

/** The seed 004 authorization_code token request body (client_secret_post). */
export function codeGrant(client, code, extra = {}) {
  return {
    grant_type: 'authorization_code',
    code,
    client_secret: client.secret,
    client_id: client.id,
    redirect_uri: client.redirectUri,
    ...extra,
  };
}

/** A refresh_token grant body (client_secret_post). */
export function refreshGrant(client, refreshToken, extra = {}) {
  return { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.id, client_secret: client.secret, ...extra };
}

/** RFC 6749 §2.3.1: both parts form-encoded, then base64. */
export function basicAuth(id, secret) {
  const enc = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  return 'Basic ' + Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64');
}

export function randomString(bytes = 12) {
  return crypto.randomBytes(bytes).toString('base64url');
}

/**
 * Registers before/after hooks that start one server for the current test
 * file and stop it at the end (failing the file when it does not stop
 * gracefully or had crashed), and prints the server's log of a failed test.
 */
export function useGatehouse(opts = {}) {
  const gh = new Gatehouse(opts);
  let mark = 0;
  before(async () => {
    try {
      await gh.start();
    } catch (e) {
      gh.failed = true;
      throw e;
    }
  });
  beforeEach(() => {
    mark = gh.logSize();
  });
  afterEach((t) => {
    if (t.passed) return;
    gh.failed = true;
    process.stderr.write(`--- ${gh.label} log during "${t.name}" ---\n${gh.logSince(mark)}\n--- end of log ---\n`);
  });
  after(async () => {
    const problem = await gh.stop();
    if (problem) gh.failed = true;
    gh.removeDir();
    if (problem) throw new Error(`${problem}\n${gh.logTail()}`);
  });
  return gh;
}

/* --------------------------------------------------------- assertions -- */

export const SEED_MESSAGES = {
  10051: 'Invalid request',
  10071: 'Invalid oauth2 scope',
  10074: 'Insufficient oauth2 scope',
  10075: 'Invalid oauth2 token',
  10076: 'Unauthorized oauth2 client',
};

/** The seed 004 error answer, exactly: status, JSON type, code and message. */
export function assertSeedError(res, code, what = '', { status = 400 } = {}) {
  const ctx = `${what}: ${res.describe()}`;
  assert.equal(res.status, status, ctx);
  assert.match(res.header('content-type') ?? '', /^application\/json/i, ctx);
  assert.deepEqual(res.json, { error: { code, message: SEED_MESSAGES[code] }, payload: null }, ctx);
}

/** The security headers every HTML page carries (DESIGN.md, one place sets them). */
export function assertPageHeaders(res, what = 'page') {
  assert.equal((res.header('x-frame-options') ?? '').toUpperCase(), 'DENY', `${what}: X-Frame-Options`);
  assert.match(res.header('content-security-policy') ?? '', /(^|;)\s*frame-ancestors\s+'none'\s*(;|$)/i, `${what}: CSP`);
  assert.equal((res.header('x-content-type-options') ?? '').toLowerCase(), 'nosniff', `${what}: nosniff`);
}

/** An error page: 4xx, and never a Location header (so never a redirect anywhere). */
export function assertErrorPage(res, what) {
  assert.ok(res.status >= 400 && res.status < 500, `${what}: expected a 4xx error page, got ${res.describe()}`);
  assert.equal(res.header('location'), undefined, `${what}: must not redirect`);
}

/* ---------------------------------------------------------------- JWT -- */

/** The parts of a compact JWS. Throws when it is not one. */
export function decodeJwt(token) {
  const parts = token.split('.');
  assert.equal(parts.length, 3, `not a compact JWS: ${token.slice(0, 40)}`);
  const json = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  return {
    header: json(parts[0]),
    payload: json(parts[1]),
    signingInput: Buffer.from(`${parts[0]}.${parts[1]}`),
    signature: Buffer.from(parts[2], 'base64url'),
  };
}

/** True when token's signature verifies with the JWKS key named by its kid (RS256 or ES256). */
export function verifyJwt(token, jwks) {
  const { header, signingInput, signature } = decodeJwt(token);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  if (header.alg === 'RS256') return crypto.verify('sha256', signingInput, key, signature);
  if (header.alg === 'ES256') return crypto.verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
  return false;
}

/**
 * The token with one character of its signature changed. A character from the
 * middle: the last one of a base64url segment may hold only padding bits.
 */
export function tamperSignature(token) {
  const cut = token.lastIndexOf('.') + 1;
  const i = cut + Math.floor((token.length - cut) / 2);
  const c = token[i] === 'A' ? 'B' : 'A';
  return token.slice(0, i) + c + token.slice(i + 1);
}
