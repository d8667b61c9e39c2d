// The admin console (/admin/) in a browser page, for the tests that drive it:
// signing in through Gatehouse as the console does, and moving between its
// screens by the location's hash.

/** Signs user in through the console: its sign-in screen, the server's login (and consent) pages, back. */
export async function signInConsole(page, gh, user, { consent = true } = {}) {
  await page.goto(gh.url('/admin/'));
  await page.locator('#signin').click();
  await page.locator('input[name="username"]').fill(user.username);
  await page.locator('input[name="password"]').fill(user.password);
  await page.locator('form button[type="submit"]').first().click();
  if (consent) {
    const allow = page.locator('button[name="decision"][value="allow"]');
    await allow.waitFor();
    await allow.click();
  }
}

/** Goes to the console screen hash (e.g. '#members/SUB') and waits until it has replaced the one before. */
export async function gotoScreen(page, hash) {
  await page.locator('#screen-title').evaluate((el) => el.setAttribute('data-old', ''));
  await page.evaluate((h) => (location.hash = h), hash);
  await page.locator('#screen-title:not([data-old])').waitFor();
}
