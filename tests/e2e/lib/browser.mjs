// Browser helpers for the tests that look at pages as a person does:
// Debian's chromium through playwright-core (never a browser of its own),
// launched with the flags of browser.test.mjs, and the checks those tests
// share: sentences left in English on a Korean page, axe-core's audit.

import { createRequire } from 'node:module';
import fs from 'node:fs';

import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

import { Gateway } from './gateway.mjs';
import { Gatehouse, useServer } from './harness.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const STEP_MS = 15000;

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60000 });
}

/**
 * One chromium for a whole test file (call at the file's top level): the
 * function returned launches it at first use and gives the same one after;
 * it is closed when the file ends. A launch costs a second or two of CPU, so
 * tests share it and open a context each (openPage).
 */
export function useBrowser() {
  let launched = null;
  after(async () => {
    if (launched) await (await launched).close();
  });
  return () => (launched ??= launch());
}

/**
 * A fresh context and page of browser in locale ('en' or 'ko'), light or dark,
 * with its script turned on or off. Resolves to { context, page }.
 */
export async function openPage(browser, lang, { dark = false, javaScript = true, width = 1024 } = {}) {
  const context = await browser.newContext({
    locale: lang === 'ko' ? 'ko-KR' : 'en-US',
    colorScheme: dark ? 'dark' : 'light',
    javaScriptEnabled: javaScript,
    viewport: { width, height: 800 },
  });
  context.setDefaultTimeout(STEP_MS);
  return { context, page: await context.newPage() };
}

/**
 * The sentences of text written in Latin letters alone: two words or more
 * of Latin letters and no Hangul. Addresses and e-mail addresses are not
 * words; a brand name alone ("Gatehouse") is not a sentence.
 */
export function latinOnlySentences(text) {
  return text
    .split(/\n+|(?<=[.!?…:])\s+|\s·\s/)
    .map((s) => s.trim())
    .filter((s) => {
      if (/\p{Script=Hangul}/u.test(s)) return false;
      const words = s.split(/\s+/).filter((w) => !/[@/]/.test(w) && /\p{Script=Latin}{2,}/u.test(w));
      return words.length >= 2;
    });
}

/**
 * Everything on the page a person can read or hear in the page's language:
 * its title, the text shown, and the accessible names given in attributes;
 * parts marked in another language (lang="en" on the language switch) are
 * left out, as a screen reader would switch voices for them.
 */
export async function readableText(page) {
  return page.evaluate(() => {
    const lang = document.documentElement.lang;
    const own = (el) => (el.closest('[lang]')?.getAttribute('lang') ?? lang) === lang;
    const shown = (el) => el.checkVisibility({ visibilityProperty: true });
    const parts = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (el && n.textContent.trim() && !el.closest('script,style,noscript') && shown(el) && own(el)) parts.push(n.textContent.trim());
    }
    for (const el of document.querySelectorAll('[aria-label],[title],[alt],[placeholder]')) {
      if (!shown(el) || !own(el)) continue;
      for (const a of ['aria-label', 'title', 'alt', 'placeholder']) if (el.getAttribute(a)) parts.push(el.getAttribute(a));
    }
    return parts.join('\n');
  });
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's audit of the page as it stands (WCAG 2.x A and AA rules and
 * best practices); resolves to the violations of impact serious or critical,
 * each as "rule: target (summary)". The script is added through the
 * DevTools protocol, so the page's Content-Security-Policy does not stop it.
 */
export async function seriousViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary?.split('\n')[1]?.trim() ?? v.help})`));
}

/**
 * For a describe(): an authorization server (config), a gateway whose one
 * platform (platform, an OpenID provider labelled OTTM) is that server
 * through gwClient, the relying party rp and the member user registered, and
 * a chromium. Returns { as, gw, browser } (browser set once before() ran).
 */
export function useSignInStack({ config, platform, gwClient, rp, user }) {
  const stack = { as: useServer(new Gatehouse({ label: 'authorization server', config })), browser: null };
  let platforms;
  stack.gw = new Gateway({ platforms: () => platforms });
  before(async () => {
    await stack.gw.reserve();
    await stack.as.addClient({ ...gwClient, redirectUris: stack.gw.callbackUrl(platform) });
    await stack.as.addClient(rp);
    await stack.as.addUser(user);
    platforms = { [platform]: { kind: 'oidc', issuer: stack.as.base, client_id: gwClient.id, client_secret: gwClient.secret, scope: 'openid profile email', label: 'OTTM' } };
    stack.browser = await launch();
  });
  useServer(stack.gw);
  after(async () => {
    await stack.browser?.close();
  });
  return stack;
}
