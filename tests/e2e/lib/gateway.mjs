// The gateway's side of the end-to-end harness: `gatehouse gateway` as a test
// server (a Gatehouse whose subcommand and config differ), the calls of its
// seed 002 API with a cookie jar, the envelope check, and a third-party
// OpenID provider (tests/platforms/oidc-provider.mjs) as a child process.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

import { CookieJar, Gatehouse, freePort, request } from './harness.mjs';

const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OIDC_PROVIDER_SCRIPT = path.resolve(E2E_DIR, '../platforms/oidc-provider.mjs');
const PROVIDER_READY_MS = 15000;

export const API = '/oauth2/api';

function section(name, entries) {
  return [`[${name}]`, ...Object.entries(entries).map(([k, v]) => `${k} = ${v}`)].join('\n');
}

/**
 * One `gatehouse gateway` process. platforms maps a platform name to its
 * [platform.NAME] keys ({ kind, issuer, client_id, client_secret, scope, … });
 * gateway holds extra [gateway] keys. listen and public_url are filled in.
 */
export class Gateway extends Gatehouse {
  constructor({ platforms = {}, gateway = {}, label = 'gateway' } = {}) {
    super({ label });
    this.platforms = platforms;
    this.gateway = gateway;
  }

  /** Picks the port before start, so platforms can be told the callback URL first. */
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
    const gw = { listen: `127.0.0.1:${this.port}`, public_url: this.base, ...this.gateway };
    const parts = [section('gateway', gw)];
    for (const [name, keys] of Object.entries(this.platforms)) parts.push(section(`platform.${name}`, keys));
    return parts.join('\n\n') + '\n';
  }

  commandArgs() {
    return ['gateway', '--listen', `127.0.0.1:${this.port}`];
  }

  get readyPath() {
    return '/';
  }

  /**
   * A call of the seed 002 API (path below /oauth2/api) with jar's cookies;
   * body, when given, is sent as JSON. The jar takes the cookies set.
   */
  async api(method, p, { jar = new CookieJar(), body } = {}) {
    const headers = jar.headers({ accept: 'application/json' });
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await request(method, this.url(API + p), { headers, body: body === undefined ? undefined : JSON.stringify(body) });
    jar.take(res);
    return res;
  }
}

/**
 * The seed 002 envelope, exactly {flag, title, message, body}, with flag and
 * the status class expected (2xx for true, 4xx/5xx for false). Returns it.
 */
export function assertEnvelope(res, flag, what = '') {
  const ctx = `${what}: ${res.describe()}`;
  assert.match(res.header('content-type') ?? '', /^application\/json/i, ctx);
  const env = res.json;
  assert.ok(env && typeof env === 'object', ctx);
  assert.deepEqual(Object.keys(env).sort(), ['body', 'flag', 'message', 'title'], ctx);
  assert.equal(env.flag, flag, ctx);
  assert.equal(typeof env.title, 'string', ctx);
  assert.equal(typeof env.message, 'string', ctx);
  if (flag) assert.ok(res.status >= 200 && res.status < 300, ctx);
  else assert.ok(res.status >= 400 && res.status < 600, ctx);
  return env;
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

/** Registers before/after hooks that start and stop a platform process. */
export function usePlatform(platform) {
  before(async () => {
    await platform.start();
  });
  after(async () => {
    await platform.stop();
  });
  return platform;
}
