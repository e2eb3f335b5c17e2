import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromium } from 'playwright-core';
import { routes } from '#shared/contracts/routes/index.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let api: TestApi;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  api = await startTestApi();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('API reference page in a browser', () => {
  it('renders Swagger UI from /openapi.json and lists every operation of the route table', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}/docs`);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const title = await page.locator('.info .title').first().innerText();
    expect(title).toContain('Support Portal API');
    const shown = await page.locator('.opblock .opblock-summary-path').allInnerTexts();
    for (const r of routes) expect(shown.map((s) => s.replace(/\u200b/g, ''))).toContain(r.path);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('calls getHealth from the page ("Try it out") and shows the answer', async () => {
    const page = await browser.newPage();
    await page.goto(`${api.url}/docs#/System/getHealth`);
    await page.waitForSelector('#operations-System-getHealth');
    const op = page.locator('#operations-System-getHealth');
    if (!(await op.locator('.try-out__btn').isVisible())) await op.locator('.opblock-summary').click();
    await op.locator('.try-out__btn').click();
    await op.locator('.execute').click();
    await op.locator('.live-responses-table tbody .response-col_status').first().waitFor();
    expect(await op.locator('.live-responses-table tbody .response-col_status').first().innerText()).toContain('200');
    await page.close();
  });
});
