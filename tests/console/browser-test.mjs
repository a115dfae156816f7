// Drives the console in Debian's headless Chromium: sign in, find a bucket, filter its history,
// view its state as of a time, download the CSV and check it, restore after the confirmation,
// refused without sign-in, and the API reference page; no request may leave 127.0.0.1.
// Started by tests/Buckets.EndToEnd.Tests/ConsoleBrowserTests.cs, which passes everything in the
// environment and checks the exit code. One screenshot per page goes to SCREENSHOT_DIR.
import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const consoleUrl = env('CONSOLE_URL');
const docsUrl = env('DOCS_URL');
const adminToken = env('ADMIN_TOKEN');
const bucketId = env('BUCKET_ID');
const stateAt = env('STATE_AT');
const screenshots = env('SCREENSHOT_DIR');
const deadline = setTimeout(() => { console.error('the browser test ran past its time bound'); process.exit(2); }, Number(process.env.TIME_BOUND_MS ?? 90000));

const check = (condition, message) => { if (!condition) throw new Error(message); };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const outside = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    outside.push(url.href);
    return route.abort();
  });
  const page = await context.newPage();
  const shot = (name) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

  // Refused without sign-in: every page answers the sign-in form and shows no bucket.
  for (const target of ['/console', `/console/buckets/${bucketId}`, `/console/buckets/${bucketId}/state.csv`, '/console/health']) {
    const response = await page.goto(consoleUrl + target);
    check(new URL(page.url()).pathname === '/console/sign-in', `${target} without sign-in showed ${page.url()}`);
    check(!(await page.content()).includes(bucketId), `${target} without sign-in names the bucket`);
    check(response.ok(), `the sign-in form answered ${response.status()}`);
  }
  await shot('sign-in');

  // Sign in with the keyboard.
  await page.getByLabel('Admin token').fill('not the token');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[role=alert]');
  check(new URL(page.url()).pathname === '/console/sign-in', 'a wrong token signed in');
  await page.getByLabel('Admin token').fill(adminToken);
  await page.keyboard.press('Enter');
  await page.waitForURL(consoleUrl + '/console');
  check(!page.url().includes(adminToken), 'the token is in the URL');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'buckets-console');
  check(session && session.httpOnly && session.sameSite === 'Strict', `the session cookie is ${JSON.stringify(session)}`);
  check(!cookies.some((c) => c.value.includes(adminToken)), 'a cookie holds the admin token');
  await shot('buckets');

  // Find the bucket.
  await page.getByLabel('Bucket id starts with').fill(bucketId.slice(0, 6));
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: bucketId }).click();
  await page.waitForSelector('h1:has-text("Bucket")');
  await shot('bucket');

  // Filter its history by key prefix.
  await page.getByLabel('Key starts with').fill('cart/');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/prefix=cart/);
  const keys = await page.locator('main table').last().locator('tbody tr td:nth-child(4)').allInnerTexts();
  check(keys.length >= 3, `the filtered history has ${keys.length} lines`);
  check(keys.every((k) => k.startsWith('cart/')), `the filter let through ${keys.join(', ')}`);
  await shot('history');

  // The state as of a time before the later writes.
  await page.getByLabel('Time (UTC)').first().fill(stateAt);
  await page.getByRole('button', { name: 'Show state' }).click();
  await page.waitForURL(/\/state\?/);
  const state = await page.locator('main table tbody').innerText();
  check(state.includes('cart/apples') && state.includes('3 apples'), `the state as of ${stateAt} lacks cart/apples = 3 apples: ${state}`);
  check(!state.includes('cart/pears'), `the state as of ${stateAt} already holds cart/pears`);
  await shot('state');

  // Its CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download this state as CSV' }).click()]);
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.split('\r\n');
  check(lines[0] === 'key,value,value_encoding,expires_at,last_change,last_changed_at', `the CSV header is ${lines[0]}`);
  check(lines.some((l) => l.startsWith('cart/apples,3 apples,text,')), `the CSV lacks cart/apples: ${csv}`);
  check(lines.some((l) => l.startsWith("'=formula,'+1,text,")), `the CSV does not neutralise the formula: ${csv}`);

  // Restore to that point, after the confirmation.
  await page.getByRole('link', { name: 'Restore the bucket to this point…' }).click();
  await shot('restore-confirm');
  await page.getByRole('button', { name: 'Yes, restore the bucket' }).click();
  await page.waitForSelector('[role=status]');
  const outcome = await page.locator('[role=status]').innerText();
  check(outcome.startsWith('Restored bucket'), `the restore answered: ${outcome}`);

  // Health with its plots.
  await page.getByRole('link', { name: 'Health' }).click();
  await page.waitForSelector('svg');
  check((await page.locator('svg').count()) === 3, 'the health page has not three plots');
  await shot('health');

  // Sign out: the console refuses again.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(consoleUrl + '/console');
  check(new URL(page.url()).pathname === '/console/sign-in', 'the console still answers after sign-out');

  // The API reference renders from this server alone.
  await page.goto(docsUrl);
  await page.getByText('Buckets API').first().waitFor();
  await shot('api-reference');

  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
  console.log('console browser test passed');
} finally {
  clearTimeout(deadline);
  await browser.close();
}
