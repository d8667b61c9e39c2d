// End-to-end helpers for the social-login gateway: a `gatehouse gateway`
// process configured with [gateway] and [platform.NAME] sections (a
// Gatehouse subclass, so the harness's start, stop and log handling apply),
// the seed 002 API calls with a browser's cookie jar, the sign-in dance
// against a platform stand-in (tests/platforms) or our own authorization
// server, and a third-party OpenID provider (node-oidc-provider, run by
// tests/platforms/oidc-provider.mjs) as a child process.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { CookieJar, Gatehouse, decodeJwt, freePort, parseSetCookie, request, useServer } from './harness.mjs';

export { CookieJar, decodeJwt };

const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OIDC_PROVIDER_SCRIPT = path.resolve(E2E_DIR, '../platforms/oidc-provider.mjs');
const PROVIDER_READY_MS = 15000;

/** The INI text of { section: { key: value } }. */
function sectionsText(sections) {
  return Object.entries(sections)
    .map(([name, keys]) => [`[${name}]`, ...Object.entries(keys).map(([k, v]) => `${k} = ${v}`)].join('\n'))
    .join('\n\n') + '\n';
}

export class Gateway extends Gatehouse {
  /**
   * platforms: () => ({ NAME: { kind, client_id, … } }), read when the gateway
   * starts (after the stand-ins have their ports); settings: more [gateway] keys;
   * server: [server] keys (threads, max_body, connection_timeout);
   * db: a database URL shared by several instances (default: a fresh one).
   */
  constructor({ platforms, settings = {}, server = {}, label = 'gateway', db = null }) {
    super({ label, db });
    this.platforms = platforms;
    this.settings = settings;
    this.server = server;
  }

  /** Picks the port before start, so a platform can be told the callback URL first. */
  async reserve() {
    this.port ??= await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    return this;
  }

  /** The redirect URI a platform must have registered for this gateway. */
  callbackUrl(platform) {
    return `${this.base}/oauth2/callback?platform=${platform}`;
  }

  configText() {
    const sections = { gateway: { public_url: this.base, upstream_timeout: 5, ...this.settings } };
    if (Object.keys(this.server).length) sections.server = this.server;
    for (const [name, keys] of Object.entries(this.platforms())) sections[`platform.${name}`] = keys;
    return sectionsText(sections);
  }

  commandArgs() {
    return ['gateway', '--listen', `127.0.0.1:${this.port}`];
  }

  get readyPath() {
    return '/healthz';
  }

  /**
   * One API call with the jar's cookies (taken back from the answer); body as
   * JSON. Like the gateway's page, every call but a GET declares a JSON body
   * (the gateway refuses anything else there); headers may override it.
   */
  async api(method, path, { jar = new CookieJar(), body, headers = {} } = {}) {
    const h = jar.headers(method === 'GET' ? headers : { 'content-type': 'application/json', ...headers });
    let payload = body;
    if (body !== undefined && typeof body !== 'string') {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const res = await request(method, this.url(path), { headers: h, body: payload });
    jar.take(res);
    return res;
  }

  /**
   * GET /oauth2/api/login/{platform}: the authorize URL (asserted 200). The
   * login cookie that binds its state to the browser goes into jar, and is
   * remembered by state for login() (the same browser finishing the login).
   */
  async loginUrl(platform, jar = new CookieJar()) {
    const res = await this.api('GET', `/oauth2/api/login/${platform}`, { jar });
    assertEnvelope(res, 200, true);
    const url = new URL(res.json.body);
    const bound = loginCookie(res);
    if (bound) LOGIN_COOKIES.set(url.searchParams.get('state'), bound);
    return url;
  }

  /**
   * POST /oauth2/api/login/{platform} with {code, state} (and iss when given),
   * from the browser that asked for the state: its login cookie is added to
   * jar unless jar already holds one. To post from another browser, use api().
   */
  login(platform, code, state, jar = new CookieJar(), iss = undefined) {
    const bound = LOGIN_COOKIES.get(state);
    if (bound && jar.get(bound.name) === undefined) jar.take({ setCookies: [`${bound.name}=${bound.value}`] });
    return this.api('POST', `/oauth2/api/login/${platform}`, { jar, body: { code, state, ...(iss ? { iss } : {}) } });
  }

  /**
   * The whole sign-in with a stand-in: login URL, the platform's authorize
   * redirect, the callback's code and state posted to the login API.
   * Resolves to { res, jar, url }.
   */
  async signIn(platform, { jar = new CookieJar() } = {}) {
    const url = await this.loginUrl(platform, jar);
    const { code, state, iss } = await followAuthorize(url, this.base);
    const res = await this.login(platform, code, state, jar, iss);
    return { res, jar, url };
  }
}

/** Follows a stand-in's authorize URL to the gateway callback; resolves to { code, state }. */
export async function followAuthorize(url, gatewayBase) {
  const res = await request('GET', url.href);
  assert.equal(res.status, 302, `authorize at the platform: ${res.describe()}`);
  const back = new URL(res.header('location'));
  assert.equal(back.origin + back.pathname, `${gatewayBase}/oauth2/callback`);
  return { code: back.searchParams.get('code'), state: back.searchParams.get('state'), iss: back.searchParams.get('iss') ?? undefined, callback: back };
}

/** The login cookies set by loginUrl, by state: { name, value }. */
const LOGIN_COOKIES = new Map();

/** The login cookie (gw_login, or __Host-gw_login under https) an answer sets, or null. */
export function loginCookie(res) {
  const c = Object.values(setCookies(res)).find((x) => /^(__Host-)?gw_login$/.test(x.name));
  return c && c.value ? { name: c.name, value: c.value } : null;
}

/** Registers the hooks of one gateway process for the current test file. */
export function useGateway(opts) {
  return useServer(new Gateway(opts));
}

/** The seed 002 envelope: status, flag, and the four members exactly. */
export function assertEnvelope(res, status, flag, what = '') {
  const ctx = `${what}: ${res.describe()}`;
  assert.equal(res.status, status, ctx);
  assert.match(res.header('content-type') ?? '', /^application\/json/i, ctx);
  const j = res.json;
  assert.ok(j, ctx);
  assert.deepEqual(Object.keys(j).sort(), ['body', 'flag', 'message', 'title'], ctx);
  assert.equal(j.flag, flag, ctx);
  assert.equal(typeof j.title, 'string', ctx);
  assert.equal(typeof j.message, 'string', ctx);
  assert.ok(j.message.length > 0, ctx);
  return j;
}

/** The Set-Cookie headers of an answer, by cookie name. */
export function setCookies(res) {
  return Object.fromEntries(res.setCookies.map((l) => {
    const c = parseSetCookie(l);
    return [c.name, c];
  }));
}

/** The cookie attributes the contract asks for; maxAge when given. */
export function assertCookie(c, { maxAge, secure = false } = {}) {
  assert.ok(c, 'cookie set');
  assert.equal(c.attrs.httponly, true, `${c.name}: HttpOnly`);
  assert.equal(String(c.attrs.samesite).toLowerCase(), 'lax', `${c.name}: SameSite=Lax`);
  assert.equal(c.attrs.path, '/', `${c.name}: Path=/`);
  assert.equal(Boolean(c.attrs.secure), secure, `${c.name}: Secure`);
  if (maxAge !== undefined) assert.equal(Number(c.attrs['max-age']), maxAge, `${c.name}: Max-Age`);
}

/**
 * node-oidc-provider as a platform: start() runs tests/platforms/oidc-provider.mjs
 * with one client and one account, and resolves once it prints its issuer.
 */
export class OidcProviderPlatform {
  constructor({ client, account, label = 'oidc-provider' }) {
    this.options = { client, account };
    this.label = label;
    this.proc = null;
    this.log = '';
  }

  async start() {
    this.proc = spawn(process.execPath, [OIDC_PROVIDER_SCRIPT, JSON.stringify(this.options)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = this.proc;
    proc.stderr.on('data', (c) => (this.log += c));
    this.onExit = () => proc.kill('SIGKILL');
    process.on('exit', this.onExit);
    const line = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.label} did not start:\n${this.log}`)), PROVIDER_READY_MS);
      let out = '';
      proc.stdout.on('data', (c) => {
        out += c;
        if (!out.includes('\n')) return;
        clearTimeout(timer);
        resolve(out.slice(0, out.indexOf('\n')));
      });
      proc.once('exit', (code) => reject(new Error(`${this.label} exited with ${code}:\n${this.log}`)));
    });
    this.issuer = JSON.parse(line).issuer;
    return this;
  }

  /** What happened to tokens and grants so far: [{ event, kind, at }]. */
  async events() {
    const res = await request('GET', `${this.issuer}/_test/events`);
    assert.equal(res.status, 200, res.describe());
    return res.json;
  }

  async stop() {
    if (!this.proc) return;
    process.removeListener('exit', this.onExit);
    const proc = this.proc;
    this.proc = null;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const done = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await done;
  }
}
