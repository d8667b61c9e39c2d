// The end-to-end harness: runs the real `gatehouse` binary from outside, the
// way a user or a partner's server would, and nothing else. Each test file
// gets its own server on a free loopback port with a fresh SQLite database in
// a temporary directory (useGatehouse), talks to it over plain HTTP (request,
// CookieJar, the browser-like authorize walker) and through its admin CLI
// (cli, addClient, addUser). The server's log is printed when a test fails.
//
// Environment: GATEHOUSE_BIN (default ../../build/gatehouse, relative to
// tests/e2e), GATEHOUSE_E2E_KEEP=1 keeps the temporary directories (and
// databases). A server whose log holds a sanitizer report (ASan, LSan,
// UBSan: the binary of build-asan, run with ASAN_OPTIONS / UBSAN_OPTIONS
// passed through) fails its test file when it stops. GATEHOUSE_E2E_PG=postgres://… (a PostgreSQL server's
// maintenance database; scripts/test.sh sets it) gives every server a fresh
// PostgreSQL database, created with psql and dropped afterwards, instead of
// a SQLite file.
// GATEHOUSE_* variables of the caller are not passed to the server, so that
// only the flags and the config file of a test decide its settings.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
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
/** The PostgreSQL server the tests run on (its maintenance database's URL), or undefined for SQLite. */
export const PG_URL = process.env.GATEHOUSE_E2E_PG || undefined;
const READY_TIMEOUT_MS = 15000;
const STOP_GRACE_MS = 5000;
const REQUEST_TIMEOUT_MS = 10000;
/* What ASan, LSan and UBSan print when they find something (scripts/test.sh's e2e-asan suite). */
const SANITIZER_REPORT = /^.*(ERROR: AddressSanitizer|LeakSanitizer|runtime error:).*$/m;

export const TOKEN_PATH = '/oauth2/v1/token';
export const USERINFO_PATH = '/oauth2/v1/userinfo';
export const AUTHORIZE_PATH = '/auth/authorize';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
export const REVOKE_PATH = '/oauth2/v1/revoke';
export const INTROSPECT_PATH = '/oauth2/v1/introspect';
export const DEVICE_AUTHORIZE_PATH = '/oauth2/v1/device/authorize';
export const DEVICE_PATH = '/auth/device';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/* The line serve and gateway log once their listener is bound. */
const LISTENING = /"event":"listening"/;

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
 * followed. localAddress picks the client's source address (any 127.x.y.z
 * reaches a loopback server, so a test can be several clients). agent: an
 * http.Agent to send through (keep-alive connections); default a new
 * connection per request. Resolves to a Response; rejects on network errors
 * and timeouts.
 */
export function request(method, url, { headers = {}, body, timeout = REQUEST_TIMEOUT_MS, localAddress, agent = false } = {}) {
  const u = new URL(url);
  const hdrs = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const chunks = encodeBody(body, hdrs);
  if (!Array.isArray(body) && chunks.length === 1) hdrs['content-length'] = String(chunks[0].length);
  const target = url.slice(url.indexOf(u.host) + u.host.length) || '/';
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method, path: target, headers: hdrs, agent, localAddress },
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

/** Parses every complete HTTP/1.x response at the start of buf; returns [responses, rest]. */
function parseResponses(buf, headOnly) {
  const out = [];
  for (;;) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return [out, buf];
    const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!m) return [out, buf];
    const headers = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      const k = l.slice(0, i).trim().toLowerCase();
      (headers[k] ??= []).push(l.slice(i + 1).trim());
    }
    const len = headOnly ? 0 : Number(headers['content-length']?.[0] ?? 0);
    if (buf.length < end + 4 + len) return [out, buf];
    const body = buf.subarray(end + 4, end + 4 + len);
    out.push({ status: Number(m[1]), statusLine: lines[0], headers, text: body.toString('utf8'), head: lines.join('\n') });
    buf = buf.subarray(end + 4 + len);
  }
}

/**
 * Sends raw bytes over a new TCP connection (for requests an HTTP client
 * would refuse to send): data is a string, a Buffer, or an array of them
 * written gapMs apart. Collects the answers until the server closes, or
 * settleMs after the last complete answer (the connection is then closed by
 * us), or timeout. headOnly: the answers have no body (HEAD). Resolves to
 * { responses: [{ status, statusLine, headers: { name: [values] }, text, head }],
 * closed (by the server), timedOut, rest (unparsed bytes), ms }.
 */
export function rawRequest(port, data, { gapMs = 0, settleMs = 300, timeout = REQUEST_TIMEOUT_MS, headOnly = false } = {}) {
  const pieces = [].concat(data).map((d) => Buffer.from(d, typeof d === 'string' ? 'latin1' : undefined));
  const t0 = Date.now();
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    let settle = null;
    let done = false;
    const finish = (how) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(settle);
      sock.destroy();
      const [responses, rest] = parseResponses(buf, headOnly);
      resolve({ responses, closed: how === 'closed', timedOut: how === 'timeout', rest: rest.toString('latin1'), ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish('timeout'), timeout);
    sock.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      clearTimeout(settle);
      if (parseResponses(buf, headOnly)[0].length > 0) settle = setTimeout(() => finish('settled'), settleMs);
    });
    sock.on('close', () => finish('closed'));
    sock.on('error', () => finish('closed'));
    sock.on('connect', async () => {
      for (const [i, p] of pieces.entries()) {
        if (i > 0 && gapMs) await sleep(gapMs);
        if (done || sock.destroyed) return;
        sock.write(p);
      }
    });
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

/* -------------------------------------------------------------- database -- */

/** Runs sql on a PostgreSQL database (default: the maintenance one); its output, unaligned. */
function psql(sql, url = PG_URL) {
  return execFileSync('psql', ['-qAt', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** Runs sql on the database at a Gatehouse --db URL (sqlite: or postgres:); its output, trimmed. */
export function querySql(dbUrl, sql) {
  if (dbUrl.startsWith('sqlite:')) return execFileSync('sqlite3', [dbUrl.slice('sqlite:'.length), sql]).toString().trim();
  return psql(sql, dbUrl).trim();
}

/**
 * A fresh, empty database for one test file's servers: a new PostgreSQL
 * database when GATEHOUSE_E2E_PG is set, else a SQLite file in dir. Resolves
 * to { url, drop() }; drop() removes a PostgreSQL database (a SQLite file
 * goes with its directory).
 */
export function freshDatabase(dir) {
  if (!PG_URL) return { url: `sqlite:${dir}/gh.db`, drop() {} };
  const name = `gh_e2e_${crypto.randomBytes(8).toString('hex')}`;
  psql(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
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
 * By default each server gets a fresh database (freshDatabase) and its own
 * URL as issuer; several instances of one deployment share a database URL
 * (db, which the caller creates and drops) and an issuer (issuer). openFiles
 * limits the process's open files (run under prlimit), to test running out.
 * pickPort picks the port when no test reserved one (freePort; the harness's
 * own test gives one that answers a taken port).
 */
export class Gatehouse {
  constructor({ config = null, label = 'gatehouse', db = null, issuer = null, openFiles = null, pickPort = freePort } = {}) {
    this.config = config;
    this.pickPort = pickPort;
    this.openFiles = openFiles; /* a limit on the server's open files (RLIMIT_NOFILE), or none */
    this.label = label;
    this.sharedDb = db;
    this.issuer = issuer;
    this.proc = null;
    this.started = false;
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

  /**
   * Starts the server once; every call returns the same promise. Node 20 runs
   * a file's top-level before hooks concurrently, so a setup hook may reach
   * the CLI while the server is still starting: cli() waits for it.
   */
  start() {
    this.starting ??= this.#start();
    return this.starting;
  }

  /** Settles once start() has (a failed start is reported by its own hook). */
  get ready() {
    return this.starting?.catch(() => {});
  }

  async #start() {
    const missing = binaryMissing();
    if (missing) throw new Error(missing);
    /* a start after crash() keeps the directory, port and database */
    this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'gh-e2e-'));
    /* a test may reserve the port first (callback URLs); one picked here may be
       taken by another file's server (E2E_JOBS) before this one binds it, and
       is then picked again */
    const picked = this.port == null;
    this.port ??= await this.pickPort();
    for (let attempt = 1; !(await this.#launch({ portMayBeTaken: picked && attempt < 5 })); attempt++) {
      this.port = await this.pickPort();
      fs.truncateSync(this.logPath);
    }
  }

  /** Spawns the server and waits for it; false when it exited because its picked port was taken. */
  async #launch({ portMayBeTaken }) {
    this.base = `http://127.0.0.1:${this.port}`;
    if (this.sharedDb) {
      this.db = this.sharedDb;
    } else if (!this.database) {
      this.database = freshDatabase(this.dir);
      this.db = this.database.url;
    }
    this.logPath = path.join(this.dir, 'serve.log');
    const args = [...this.globalArgs];
    const configText = this.configText();
    if (configText) {
      this.configPath = path.join(this.dir, 'gatehouse.ini');
      fs.writeFileSync(this.configPath, configText);
      args.push('--config', this.configPath);
    }
    args.push(...this.commandArgs());
    this.launchedAt = this.logSize();
    const log = fs.openSync(this.logPath, 'a');
    const [cmd, argv] = this.openFiles ? ['prlimit', [`--nofile=${this.openFiles}`, '--', BIN, ...args]] : [BIN, args];
    this.proc = spawn(cmd, argv, { stdio: ['ignore', log, log], env: childEnv() });
    fs.closeSync(log);
    const proc = this.proc;
    proc.on('error', (e) => (proc.spawnError = e));
    this.onExit = () => proc.kill('SIGKILL');
    process.on('exit', this.onExit);
    return this.waitReady({ portMayBeTaken });
  }

  /** The INI text of the config file, or null for none. */
  configText() {
    return this.config ? iniText(this.config) : null;
  }

  /** The subcommand and its options. */
  commandArgs() {
    return ['serve', '--listen', `127.0.0.1:${this.port}`, '--issuer', this.issuer ?? this.base];
  }

  /** What answers 200 once the server is ready. */
  get readyPath() {
    return DISCOVERY_PATH;
  }

  /** Resolves to true once ready; false when portMayBeTaken and the server exited because its port was. */
  async waitReady({ portMayBeTaken = false } = {}) {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exited(this.proc)) {
        if (portMayBeTaken && /Address already in use/.test(this.logSince(this.launchedAt, Infinity))) {
          process.removeListener('exit', this.onExit);
          this.proc = null;
          return false;
        }
        const why = describeExit(this.proc);
        await this.stop();
        throw new Error(`${this.label} exited before it was ready (${why})\n${this.logTail()}`);
      }
      try {
        /* the 200 is ours only once our log says we listen: another file's
           server may hold the port we picked (and we then exit) */
        const r = await request('GET', this.url(this.readyPath), { timeout: 1000 });
        if (r.status === 200 && LISTENING.test(this.logSince(this.launchedAt, Infinity))) return true;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    await this.stop();
    throw new Error(`${this.label} did not answer ${this.readyPath} with 200 within ${READY_TIMEOUT_MS} ms\n${this.logTail()}`);
  }

  /**
   * SIGTERM, then SIGKILL after 5 s. Resolves to a problem description, or
   * null when the server was running and stopped gracefully with status 0.
   */
  async stop() {
    if (!this.proc) return null;
    this.starting = null; /* a later start() starts it again */
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
    const report = this.sanitizerReport();
    if (report) return `${this.label} logged a sanitizer report: ${report}`;
    if (proc.exitCode !== 0) return `${this.label} stopped on SIGTERM with ${describeExit(proc)}`;
    return null;
  }

  /**
   * SIGKILL, as a crash: nothing of the process runs after it. Resolves once
   * it has exited; start() then runs it again on the same database and port.
   */
  async crash() {
    const proc = this.proc;
    this.proc = null;
    this.starting = null;
    process.removeListener('exit', this.onExit);
    proc.kill('SIGKILL');
    await waitExit(proc, STOP_GRACE_MS);
  }

  /** The first line of an AddressSanitizer, LeakSanitizer or UBSan report in the log, or null. */
  sanitizerReport() {
    const log = this.logSince(0, Infinity);
    return SANITIZER_REPORT.exec(log)?.[0] ?? null;
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

  /** Removes the temporary directory and the server's own database, unless kept. */
  removeDir() {
    if (this.dir && !KEEP && !this.failed) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      this.database?.drop();
    } else if (this.dir) {
      process.stderr.write(`${this.label}: files kept in ${this.dir}${this.database && PG_URL ? `, database ${this.db}` : ''}\n`);
    }
  }

  /* ------------------------------------------------------------ CLI -- */

  /** Runs `gatehouse --db <this db> ...args`; resolves to { code, stdout, stderr }. */
  async cli(args, { input } = {}) {
    const missing = binaryMissing();
    if (missing) throw new Error(missing);
    await this.ready;
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
      p.stdin.on('error', () => {}); // EPIPE when the command exits without reading its input
      p.stdin.end(input ?? '');
    });
  }

  /** `client add`; throws unless it exits 0. */
  async addClient({ id, secret, redirectUris, postLogoutRedirectUris = [], scope = 'openid profile email', grants = [], isPublic = false, requireMfa = false, extraArgs = [] }) {
    const args = ['client', 'add', '--id', id, '--scope', scope];
    if (requireMfa) args.push('--require-mfa');
    if (secret) args.push('--secret', secret);
    for (const u of [].concat(redirectUris)) args.push('--redirect-uri', u);
    for (const u of [].concat(postLogoutRedirectUris)) args.push('--post-logout-redirect-uri', u);
    for (const g of grants) args.push('--grant', g);
    if (isPublic) args.push('--public');
    args.push(...extraArgs);
    const r = await this.cli(args);
    assert.equal(r.code, 0, `gatehouse ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return { id, secret, redirectUri: [].concat(redirectUris)[0], scope, isPublic };
  }

  /** `user add`; throws unless it exits 0; resolves to the user's sub (its stdout). */
  async addUser({ username, password, email, nickname, name }) {
    const args = ['user', 'add', '--username', username, '--password', password];
    args.push('--email', email, '--nickname', nickname);
    if (name) args.push('--name', name);
    const r = await this.cli(args);
    assert.equal(r.code, 0, `gatehouse user add --username ${username} exited ${r.code}: ${r.stderr}`);
    const sub = r.stdout.trim();
    assert.match(sub, /^\S+$/, `user add should print the sub alone on stdout, printed ${JSON.stringify(r.stdout)}`);
    return { username, password, email, nickname, name, sub };
  }

  /* ----------------------------------------------------------- HTTP -- */

  async get(p, opts) {
    await this.ready;
    return request('GET', this.url(p), opts);
  }

  async post(p, body, opts = {}) {
    await this.ready;
    return request('POST', this.url(p), { ...opts, body });
  }

  /** POST of form fields to a token-style endpoint (client_secret_post unless basic is given). */
  postForm(p, fields, { basic, headers = {} } = {}) {
    const h = { ...headers };
    if (basic) h.authorization = basicAuth(basic.id, basic.secret);
    return this.post(p, new URLSearchParams(fields), { headers: h });
  }

  /** POST /oauth2/v1/token with form fields (client_secret_post unless basic is given). */
  token(fields, opts) {
    return this.postForm(TOKEN_PATH, fields, opts);
  }

  /** POST /oauth2/v1/revoke (RFC 7009) with form fields, as token(). */
  revoke(fields, opts) {
    return this.postForm(REVOKE_PATH, fields, opts);
  }

  /** POST /oauth2/v1/introspect (RFC 7662) with form fields, as token(). */
  introspect(fields, opts) {
    return this.postForm(INTROSPECT_PATH, fields, opts);
  }

  /** GET /oauth2/v1/userinfo with Authorization: Bearer. */
  userinfo(accessToken) {
    return this.get(USERINFO_PATH, { headers: { authorization: `Bearer ${accessToken}` } });
  }

  authorizeUrl(params) {
    return `${this.url(AUTHORIZE_PATH)}?${new URLSearchParams(params)}`;
  }

  /** walkAuthorize on this server: target is a URL string, or params for /auth/authorize. */
  async authorize(target, opts = {}) {
    await this.ready;
    const url = typeof target === 'string' ? target : this.authorizeUrl(target);
    return walkAuthorize(url, { ...opts, origin: this.base });
  }

  /**
   * The person's part of the device flow (RFC 8628 §3.3) in a browser: opens
   * target (verification_uri or verification_uri_complete; default the
   * former), signs in, types userCode on the code form (or keeps what
   * verification_uri_complete pre-filled), and allows or denies on the
   * consent page. Resolves like authorize(); response is the last page (the
   * "device connected" page when all went well).
   */
  async device(target, { username, password, userCode, otp, decision = 'allow', jar = new CookieJar() } = {}) {
    await this.ready;
    return this.authorize(target ?? this.url(DEVICE_PATH), { username, password, userCode, otp, decision, jar });
  }

  /** POST /oauth2/v1/device/authorize with form fields. */
  deviceAuthorize(fields, { basic } = {}) {
    const headers = basic ? { authorization: basicAuth(basic.id, basic.secret) } : {};
    return this.post(DEVICE_AUTHORIZE_PATH, new URLSearchParams(fields), { headers });
  }

  /**
   * The whole front channel for one client and user, which must end in a
   * redirect with a code. Resolves to { code, redirect, jar, state }.
   */
  async obtainCode(client, user, { scope = 'openid profile', state = randomString(), jar, extra = {}, otp } = {}) {
    const params = { scope, response_type: 'code', state, redirect_uri: client.redirectUri, client_id: client.id, ...extra };
    const r = await this.authorize(params, { username: user.username, password: user.password, jar, otp });
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

/**
 * Walks an authorization request like a browser: GETs url, follows redirects
 * that stay on origin (default: url's), and on pages with one post form posts
 * back every control unchanged, plus username and password on a login form
 * (one with a password input), or the decision=allow|deny button on a consent
 * form (and userCode, when given, on the device page's code form). Stops at
 * a redirect that leaves origin (redirect = its URL), or at a
 * page it cannot go on from (redirect = null; response = that page), or when
 * the same kind of form comes back after being posted (a failed login, for
 * instance). Works for any provider whose pages are shaped like ours.
 * Resolves to { redirect, response, jar, history: [{ method, url, status, form }] }.
 * localAddress: the source address to send from (see request).
 */
export async function walkAuthorize(start, { origin = new URL(start).origin, username, password, userCode, otp, decision = 'allow', jar = new CookieJar(), maxSteps = 12, localAddress } = {}) {
  let url = start;
  let method = 'GET';
  let body;
  const history = [];
  const posted = new Set();
  for (let step = 0; step < maxSteps; step++) {
    const res = await request(method, url, { headers: jar.headers(), body, localAddress });
    jar.take(res);
    const entry = { method, url, status: res.status, form: null };
    history.push(entry);
    const location = res.header('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin !== origin) return { redirect: next, response: res, jar, history };
      if (res.status !== 307 && res.status !== 308) [method, body] = ['GET', undefined];
      url = next.href;
      continue;
    }
    const next = res.status === 200 ? nextForm(res, { username, password, decision, userCode, otp: typeof otp === 'function' ? otp() : otp }) : null;
    if (!next || posted.has(next.kind)) return { redirect: null, response: res, jar, history };
    posted.add(next.kind);
    entry.form = next.kind;
    [method, url, body] = ['POST', new URL(next.form.action || url, url).href, next.data];
  }
  throw new Error(`authorize: no end after ${maxSteps} steps: ${history.map((h) => `${h.method} ${h.url} ${h.status}`).join(' | ')}`);
}

function nextForm(res, { username, password, decision, userCode, otp }) {
  if (!/text\/html/i.test(res.header('content-type') ?? '')) return null;
  const forms = postForms(res.text);
  /* the sign-in page may offer other ways beside the password form (a passkey) */
  const login = forms.find((f) => f.inputs.some((i) => i.name === 'password'));
  if (forms.length !== 1 && !login) return null;
  const form = login ?? forms[0];
  if (form.inputs.some((i) => i.name === 'password')) {
    const submit = form.buttons.find((b) => b.name) ?? null;
    return { kind: 'login', form, data: formData(form, { username, password }, submit) };
  }
  if (form.inputs.some((i) => i.name === 'otp')) {
    /* the second-factor step (docs/mfa.md): only when the walk was given a code */
    return otp === undefined ? null : { kind: 'mfa', form, data: formData(form, { otp }, form.buttons[0] ?? null) };
  }
  if (form.inputs.some((i) => i.name === 'user_code' && i.type !== 'hidden')) {
    const fill = userCode === undefined ? {} : { user_code: userCode };
    return { kind: 'code', form, data: formData(form, fill, form.buttons[0] ?? null) };
  }
  const button = form.buttons.find((b) => b.name === 'decision' && b.value === decision);
  return button ? { kind: 'consent', form, data: formData(form, {}, button) } : null;
}

/** client_secret_post's fields: client_id, and client_secret unless the client has none (a public one). */
function clientFields(client) {
  return client.secret === undefined ? { client_id: client.id } : { client_secret: client.secret, client_id: client.id };
}

/** The seed 004 authorization_code token request body (client_secret_post). */
export function codeGrant(client, code, extra = {}) {
  return { grant_type: 'authorization_code', code, ...clientFields(client), redirect_uri: client.redirectUri, ...extra };
}

/** A refresh_token grant body (client_secret_post). */
export function refreshGrant(client, refreshToken, extra = {}) {
  return { grant_type: 'refresh_token', refresh_token: refreshToken, ...clientFields(client), ...extra };
}

/** RFC 6749 §2.3.1: both parts form-encoded, then base64. */
export function basicAuth(id, secret) {
  const enc = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  return 'Basic ' + Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64');
}

export function randomString(bytes = 12) {
  return crypto.randomBytes(bytes).toString('base64url');
}

const started = []; // the ready promises of this file's servers

/**
 * Registers hooks that start one server for the current test file and stop it
 * at the end (failing the file when it does not stop gracefully or had
 * crashed), and print the server's log during a failed test. Node 20 runs a
 * file's top-level before() hooks concurrently: do the file's own preparation
 * in setup(), which waits for the servers; the helpers (cli, get, post,
 * authorize, …) also wait for gh.ready.
 */
export function useGatehouse(opts = {}) {
  return useServer(new Gatehouse(opts));
}

/** useGatehouse for a server object made elsewhere (a Gatehouse subclass). */
export function useServer(gh) {
  let mark = 0;
  let ready;
  const promise = new Promise((resolve, reject) => (ready = { resolve, reject }));
  promise.catch(() => {}); // reported by the hook below
  started.push(promise);
  before(async () => {
    try {
      await gh.start();
      gh.started = true;
      ready.resolve();
    } catch (e) {
      gh.failed = true;
      ready.reject(e);
      throw e;
    }
  });
  beforeEach(() => {
    mark = gh.logSize();
  });
  afterEach((t) => {
    if (t.passed || !gh.started) return; // a failed start already told its log
    gh.failed = true;
    const log = gh.logSince(mark);
    if (log) process.stderr.write(`--- ${gh.label} log during "${t.name}" ---\n${log}\n--- end of log ---\n`);
  });
  after(async () => {
    const problem = await gh.stop();
    if (problem) gh.failed = true;
    gh.removeDir();
    if (problem) throw new Error(`${problem}\n${gh.logTail()}`);
  });
  return gh;
}

/** A before() hook that runs fn once every server of this file is ready. */
export function setup(fn) {
  before(async () => {
    await Promise.all(started);
    await fn();
  });
}

/* --------------------------------------------------------- assertions -- */

export const SEED_MESSAGES = {
  10051: 'Invalid request',
  10071: 'Invalid oauth2 scope',
  10074: 'Insufficient oauth2 scope',
  10075: 'Invalid oauth2 token',
  10076: 'Unauthorized oauth2 client',
  10429: 'Too many requests',
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

/** True when token's signature verifies with the JWKS key named by its kid (RS256, PS256, ES256 or EdDSA). */
export function verifyJwt(token, jwks) {
  const { header, signingInput, signature } = decodeJwt(token);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  if (header.alg !== jwk.alg) return false;
  if (header.alg === 'RS256') return crypto.verify('sha256', signingInput, key, signature);
  if (header.alg === 'PS256') return crypto.verify('sha256', signingInput, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
  if (header.alg === 'ES256') return crypto.verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (header.alg === 'EdDSA' && jwk.crv === 'Ed25519') return crypto.verify(null, signingInput, key, signature);
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
