// End-to-end helpers for federated sign-in at the authorization server
// (issue 19): a `gatehouse serve` whose configuration has [platform.NAME]
// sections (platforms read when it starts, after the stand-ins have their
// ports), and a person's walk from a partner's authorization request through
// a platform's button, the platform (stand-in or real provider) and back,
// with one cookie jar, as a browser would.

import assert from 'node:assert/strict';

import { CookieJar, Gatehouse, freePort, request } from './harness.mjs';
import { formData, parseForms, postForms } from './html.mjs';

/** The INI text of { section: { key: value } }. */
function sectionsText(sections) {
  return Object.entries(sections)
    .map(([name, keys]) => [`[${name}]`, ...Object.entries(keys).map(([k, v]) => `${k} = ${v}`)].join('\n'))
    .join('\n\n') + '\n';
}

export class FederatedServer extends Gatehouse {
  /** platforms: () => ({ NAME: { kind, client_id, … } }); server: more [server] keys. */
  constructor({ platforms, server = {}, label = 'gatehouse', db = null }) {
    super({ label, db });
    this.platforms = platforms;
    this.serverKeys = server;
  }

  configText() {
    const sections = { server: { platform_timeout: 2, ...this.serverKeys }, gateway: { upstream_timeout: 30 } };
    for (const [name, keys] of Object.entries(this.platforms())) sections[`platform.${name}`] = keys;
    return sectionsText(sections);
  }

  /** Picks the port before start, so a platform can be told the callback URL first. */
  async reserve() {
    this.port ??= await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    return this;
  }

  /** The redirect URI a platform must have registered for this server. */
  callbackUrl(name) {
    return `${this.base}/auth/federate/${name}/callback`;
  }
}

/**
 * Follows redirects (any origin) from url with the jar until a page or a
 * redirect to stopAt's origin+path (the partner's redirect URI). Returns
 * { res, url, redirect } where redirect is the URL handed to the partner.
 */
export async function follow(url, { jar, stopAt, method = 'GET', body, headers = {}, max = 10 }) {
  for (let i = 0; i < max; i++) {
    const res = await request(method, url, { headers: jar.headers(headers), body });
    jar.take(res);
    const location = res.header('location');
    if (res.status < 300 || res.status >= 400 || !location) return { res, url };
    const next = new URL(location, url);
    if (stopAt && next.href.startsWith(stopAt)) return { res, url, redirect: next };
    [url, method, body] = [next.href, 'GET', undefined];
  }
  throw new Error(`no end after ${max} redirects from ${url}`);
}

/** The sign-in page's form for platform name, as the GET URL a click opens. */
export function platformButton(html, base, name) {
  const form = parseForms(html).find((f) => f.method === 'get' && f.action === `/auth/federate/${name}`);
  assert.ok(form, `the sign-in page offers ${name}`);
  return `${base}${form.action}?${formData(form)}`;
}

/** Submits the POST form of a page that has the named button (or input), filling fields. */
export async function submit(res, pageUrl, { jar, button, fill = {}, stopAt }) {
  const forms = postForms(res.text);
  const form = forms.find((f) => f.buttons.some((b) => b.name === 'action' && b.value === button) ||
    (button === 'give_up' && f.inputs.some((i) => i.name === 'step' && i.value === 'give_up')));
  assert.ok(form, `a form with ${button} on ${pageUrl}: ${res.text.slice(0, 300)}`);
  const b = form.buttons.find((x) => x.name === 'action' && x.value === button) ?? null;
  const target = new URL(form.action || pageUrl, pageUrl).href;
  return follow(target, { jar, stopAt, method: 'POST', body: formData(form, fill, b).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

/** Clicks allow on a consent page. */
export async function allow(res, pageUrl, { jar, stopAt }) {
  const form = postForms(res.text).find((f) => f.buttons.some((b) => b.name === 'decision'));
  assert.ok(form, `a consent page: ${res.status} ${res.text.slice(0, 300)}`);
  const target = new URL(form.action || pageUrl, pageUrl).href;
  const b = form.buttons.find((x) => x.value === 'allow');
  return follow(target, { jar, stopAt, method: 'POST', body: formData(form, {}, b).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

/** Starts at the partner's authorization URL and chooses platform name. */
export async function choose(gh, authorizeUrl, name, { jar = new CookieJar(), stopAt, lang = 'en' } = {}) {
  const page = await request('GET', authorizeUrl, { headers: jar.headers({ 'accept-language': lang }) });
  jar.take(page);
  assert.equal(page.status, 200, 'the sign-in page');
  const url = platformButton(page.text, gh.base, name);
  const out = await follow(url, { jar, stopAt, headers: { 'accept-language': lang } });
  return { ...out, jar, page };
}
