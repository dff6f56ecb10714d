// The reference page in a real browser (Debian's Chromium driven by playwright-core): Redoc
// renders the document under the page's Content-Security-Policy, and nothing but our own origin
// is ever fetched (Redoc's footer logo on its CDN is refused by the CSP, never requested).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  stack = await startTestStack();
  profile = mkdtempSync(path.join(tmpdir(), 'chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await stack?.stop();
});

describe('GET /docs in a browser', () => {
  it('renders every operation of the document, with no script error and no request leaving our origin', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    const blocked: string[] = [];
    const fetched: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (/violates the following Content Security Policy/.test(m.text())) blocked.push(m.text());
      else errors.push(m.text());
    });
    page.on('requestfinished', (r) => fetched.push(r.url()));
    await page.goto(`${stack.baseUrl}/docs`);
    await page.getByRole('heading', { level: 1, name: /publik-club/ }).waitFor({ timeout: 30_000 });
    const spec = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(spec.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    // Redoc gives each operation a heading of level 2 (tags take their own).
    await page.waitForFunction(`document.querySelectorAll('h2').length >= ${operations}`, undefined, { timeout: 30_000 });
    const headings = await page.locator('h2').allTextContents();
    expect(headings.some((h) => h.startsWith('Register (idempotent on form_uuid'))).toBe(true);
    expect(errors).toEqual([]);
    for (const line of blocked) expect(line).toMatch(/cdn\.redoc\.ly/);
    const origins = new Set(fetched.filter((u) => !u.startsWith('blob:')).map((u) => new URL(u).origin));
    expect([...origins]).toEqual([new URL(stack.baseUrl).origin]);
    await page.close();
  });
});
