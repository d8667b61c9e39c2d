// The consent page of a client known only by its Client ID Metadata Document
// (docs/clients.md), in Debian's chromium through playwright-core (the flags
// of browser.test.mjs): in English and in Korean it says the application is
// unverified and names the host its document came from, it passes axe-core,
// and allowing leads back to the document's redirect URI with a code. A
// registered client's consent page carries no such note.
//
// Screenshots go to tests/e2e/artifacts/browser-client-document/ (git-ignored).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { launch, openPage, seriousViolations } from './lib/browser.mjs';
import { documentServer, testAuthority } from './lib/document-server.mjs';
import { useGatehouse } from './lib/harness.mjs';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'artifacts/browser-client-document');
const REDIRECT = 'http://127.0.0.1:7778/callback';
const USER = { username: 'seoyeon', password: 'Lantern-first-pw-123', email: 'seoyeon@example.com', nickname: 'seoyeon' };
const ca = testAuthority();

describe('the consent page of a metadata document client, in chromium', { timeout: 180000 }, () => {
  const gh = useGatehouse({ config: { outside_ca_file: ca.caFile, client_id_metadata_documents: 'yes', client_document_private: 'yes' } });
  let browser, docs;

  before(async () => {
    docs = await documentServer(ca);
    /* one client per language: a consent given is not asked again */
    for (const p of ['/mcp-client.json', '/mcp-client-ko.json'])
      docs.serve(p, { client_id: docs.url(p), client_name: 'Agent Smith', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' });
    await gh.addUser(USER);
    await gh.addClient({ id: 'registered', secret: 'registered-secret-123456', redirectUris: REDIRECT, scope: 'openid profile' });
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await docs?.close();
  });

  /** Signs in at client's authorize URL in lang; resolves to the consent page's note (or null) after checking axe and allowing. */
  async function consent(lang, clientId) {
    const { context, page } = await openPage(browser, lang);
    let landed = null;
    await context.route(`${REDIRECT}**`, (route) => {
      landed = new URL(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the client' });
    });
    try {
      const url = gh.authorizeUrl({ client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile', state: `st-${lang}`,
        ui_locales: lang, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
      await page.goto(url);
      await page.locator('input[name="username"]').fill(USER.username);
      await page.locator('input[name="password"]').fill(USER.password);
      await page.locator('form button[type="submit"]').first().click();
      const allow = page.locator('button[name="decision"][value="allow"]');
      await allow.waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, `consent-${lang}-${clientId === 'registered' ? 'registered' : 'document'}.png`), fullPage: true });
      assert.deepEqual(await seriousViolations(page), [], 'axe-core: no serious violations');
      const note = page.locator('#client-unverified');
      const text = (await note.count()) ? (await note.textContent()).trim() : null;
      if (text) assert.ok(await note.isVisible(), 'the note is shown');
      await allow.click();
      await page.waitForURL((u) => u.href.startsWith(REDIRECT));
      assert.ok(landed?.searchParams.get('code'), 'a code at the redirect URI of the document');
      return text;
    } finally {
      await context.close();
    }
  }

  test('English: unverified, and the host named', async () => {
    const note = await consent('en', docs.url('/mcp-client.json'));
    assert.match(note ?? '', /Unverified/);
    assert.match(note, /127\.0\.0\.1/);
    assert.doesNotMatch(note, /:\d+/, 'the host, not the port');
  });

  test('Korean: unverified, and the host named', async () => {
    const note = await consent('ko', docs.url('/mcp-client-ko.json'));
    assert.match(note ?? '', /확인되지 않은/);
    assert.match(note, /127\.0\.0\.1/);
  });

  test('a registered client has no such note', async () => {
    assert.equal(await consent('en', 'registered'), null);
  });
});
