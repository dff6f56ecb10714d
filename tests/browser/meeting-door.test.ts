// The meeting page, the check-in page and the door in headless Chromium, signed in the quick way
// (a session cookie sealed with the test key), on a meeting seeded here whose first day is today
// in Paris: the bars show the API's numbers, search and filters narrow the table, the "Présent"
// toggle checks in and out (mouse and keyboard; the API confirms), the exports download with the
// cookie, a badge's page checks in then says "Déjà enregistrée à HH:MM", the door's name search
// and its QR reader (a photo of a real badge QR, through the same reader the camera feeds) check
// people in, axe finds nothing serious on any page. With UPDATE_SCREENSHOTS=1 it also writes the
// screenshots of docs/images/console/ (390 and 1280 px).
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBadges } from '#tests/support/pdf.ts';
import { consolePageAs, expectNoSeriousA11yViolations, shoot, startConsoleStack, type ConsoleStack } from './support/console.ts';

let stack: ConsoleStack;
const meetingId = `accueil-${randomBytes(3).toString('hex')}`;
const zone = 'Europe/Paris';
const today = DateTime.now().setZone(zone).startOf('day');
const DAY1 = today.toISODate() as string;
const DAY2 = today.plus({ days: 1 }).toISODate() as string;

const meeting = {
  title: '13e Club utilisateurs Publik',
  venue: 'Villejuif',
  timezone: zone,
  registration_opens_at: today.minus({ days: 30 }).toISO(),
  registration_closes_at: today.plus({ days: 30 }).toISO(),
  days: [
    { date: DAY1, label: 'Premier jour', onsite_capacity: 3, waiting_list: true },
    { date: DAY2, label: 'Second jour', onsite_capacity: 40, waiting_list: false, remote_capacity: 100 },
  ],
  workshops: [{ id: 'socle', day: DAY2, title: 'Atelier socle', starts_at: '14:00', ends_at: '16:00', capacity: 2, waiting_list: true }],
  evening_event: { date: DAY1, title: 'Soirée des utilisateurs', capacity: 20, waiting_list: false },
};

const people = [
  { first_name: 'Claire', last_name: 'Martin', organisation: 'Ville de Villejuif', onsite_days: [DAY1, DAY2], remote_days: [], workshops: ['socle'], evening_event: 'True' },
  { first_name: 'Hélène', last_name: 'Dupré', organisation: 'Métropole de Lyon', onsite_days: [DAY1], remote_days: [DAY2], workshops: [], evening_event: 'False' },
  { first_name: 'Bruno', last_name: 'Petit', organisation: 'Département du Nord', onsite_days: [DAY1, DAY2], remote_days: [], workshops: ['socle'], evening_event: 'True' },
  { first_name: 'Chloé', last_name: 'Étienne', organisation: 'Ville de Paris', onsite_days: [DAY1, DAY2], remote_days: [], workshops: ['socle'], evening_event: 'False' },
  { first_name: 'Denis', last_name: 'Zola', organisation: 'Grand Est', onsite_days: [], remote_days: [DAY1, DAY2], workshops: [], evening_event: 'False' },
];
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

const ascii = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const paris = (iso: string) => new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(new Date(iso));

async function badgeToken(lastName: string): Promise<string> {
  const res = await stack.fetchAdmin(`/admin/meetings/${meetingId}/badges.pdf?registration=${ids[lastName]}`);
  expect(res.status).toBe(200);
  const [badge] = await readBadges(new Uint8Array(await res.arrayBuffer()), 1);
  const url = badge?.qr as string;
  expect(url.startsWith(`${stack.baseUrl}/console/check-in/`)).toBe(true);
  return url.slice(`${stack.baseUrl}/console/check-in/`.length);
}

interface Row {
  registration_id: string;
  days: Array<{ date: string; checked_in_at: string | null }>;
}
async function apiRow(lastName: string): Promise<Row> {
  const res = await stack.fetchAdmin(`/admin/meetings/${meetingId}/registrations/search?q=${encodeURIComponent(lastName)}`);
  const rows = ((await res.json()) as { data: Row[] }).data.filter((r) => r.registration_id === ids[lastName]);
  expect(rows.length).toBe(1);
  return rows[0] as Row;
}
const arrival = async (lastName: string, day: string) => (await apiRow(lastName)).days.find((d) => d.date === day)?.checked_in_at ?? null;

/** In the page: is this element the focused one? */
const isFocused = (el: unknown) => el === (el as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement;

beforeAll(async () => {
  stack = await startConsoleStack();
  expect((await stack.fetchAdmin(`/admin/meetings/${meetingId}`, { method: 'PUT', json: meeting })).status).toBe(201);
  for (const [i, p] of people.entries()) {
    const res = await stack.fetchSigned(`/meetings/${meetingId}/registrations`, {
      method: 'POST',
      json: { ...p, form_uuid: `${meetingId}-${i}`, email: `${ascii(p.first_name)}.${ascii(p.last_name)}@example.org` },
    });
    const answer = (await res.json()) as { err: number; data: { registration_id: string } };
    expect(answer).toMatchObject({ err: 0 });
    ids[p.last_name] = answer.data.registration_id;
  }
  tokens['Dupré'] = await badgeToken('Dupré');
  tokens['Petit'] = await badgeToken('Petit');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the meeting page', () => {
  it('shows the fill levels the API gives, as bars with their figures', async () => {
    const { context, page, errors } = await consolePageAs(stack, 'organiser');
    const shell = await page.goto(`${stack.baseUrl}/console/meetings/${meetingId}`);
    expect(shell?.headers()['content-security-policy']).toContain("script-src 'self';");
    await page.getByRole('heading', { level: 1, name: meeting.title }).waitFor();
    const fill = ((await (await stack.fetchAdmin(`/admin/meetings/${meetingId}/fill`)).json()) as { data: Record<string, any> }).data;
    const shown = (await page.locator('.fill-group .bar-figures').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    const fig = (c: { capacity: number | null; confirmed: number; waiting: number }) =>
      c.capacity === null ? `${c.confirmed} ${c.confirmed === 1 ? 'inscrit·e' : 'inscrit·es'} (sans limite)` : `${c.confirmed} / ${c.capacity}${c.waiting > 0 ? ` · ${c.waiting} en attente` : ''}`;
    const expected = [
      ...fill['days'].flatMap((d: any) => [fig(d.onsite), fig(d.remote)]),
      ...fill['workshops'].map(fig),
      fig(fill['evening_event']),
    ];
    expect(shown).toEqual(expected);
    // The figures are those of the seeded registrations: day 1 is full with one waiting.
    expect(shown[0]).toBe('3 / 3 · 1 en attente');
    expect(shown[4]).toBe('2 / 2 · 1 en attente');
    await page.locator('table.registrations tbody tr').first().waitFor();
    expect(await page.locator('table.registrations thead th').count()).toBe(3 + meeting.days.length);
    await expectNoSeriousA11yViolations(page, 'meeting page');
    await shoot(page, 'meeting');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('narrows the table with the search and a filter', async () => {
    const { context, page } = await consolePageAs(stack, 'organiser');
    await page.goto(`${stack.baseUrl}/console/meetings/${meetingId}`);
    const rows = page.locator('table.registrations tbody tr');
    await expect.poll(() => rows.count()).toBe(people.length);
    await page.getByLabel('Rechercher (nom, organisme, courriel)').fill('dupre');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().locator('th .row-name').textContent()).toBe('Hélène Dupré');
    await page.getByLabel('Rechercher (nom, organisme, courriel)').fill('');
    await expect.poll(() => rows.count()).toBe(people.length);
    await page.getByLabel('Mode', { exact: true }).selectOption('remote');
    // Dupré (day 2) and Zola (both days) attend remotely.
    await expect.poll(async () => (await rows.locator('th .row-name').allTextContents()).sort()).toEqual(['Denis Zola', 'Hélène Dupré']);
    await page.getByLabel('Jour', { exact: true }).selectOption(DAY1);
    await expect.poll(async () => (await rows.locator('th .row-name').allTextContents()).sort()).toEqual(['Denis Zola']);
    await context.close();
  });

  it('checks someone in and out with the toggle, the API and the counts following', async () => {
    const { context, page, errors } = await consolePageAs(stack, 'organiser');
    await page.goto(`${stack.baseUrl}/console/meetings/${meetingId}`);
    const toggle = page.getByRole('button', { name: 'Présent : Claire Martin, Premier jour' });
    await toggle.waitFor();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    const attendance = page.getByTestId('attendance').locator('li').first();
    await expect.poll(() => attendance.textContent()).toContain('0 présent·es sur 3');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    const at = await arrival('Martin', DAY1);
    expect(at).not.toBeNull();
    expect(await toggle.textContent()).toContain(paris(at as string));
    await expect.poll(() => attendance.textContent()).toContain('1 présent·es sur 3');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await arrival('Martin', DAY1)).toBeNull();
    await expect.poll(() => attendance.textContent()).toContain('0 présent·es sur 3');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works the toggle with the keyboard alone', async () => {
    const { context, page } = await consolePageAs(stack, 'organiser');
    await page.goto(`${stack.baseUrl}/console/meetings/${meetingId}`);
    const toggle = page.getByRole('button', { name: 'Présent : Bruno Petit, Second jour' });
    await toggle.waitFor();
    // Tab from the search field until the toggle has the focus.
    await page.getByLabel('Rechercher (nom, organisme, courriel)').focus();
    for (let i = 0; i < 60; i++) {
      if (await toggle.evaluate(isFocused)) break;
      await page.keyboard.press('Tab');
    }
    expect(await toggle.evaluate(isFocused)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await arrival('Petit', DAY2)).not.toBeNull();
    await page.keyboard.press('Space');
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await arrival('Petit', DAY2)).toBeNull();
    await context.close();
  });

  it('links to every export and to the badges of each day, which download with the cookie', async () => {
    const { context, page } = await consolePageAs(stack, 'organiser');
    await page.goto(`${stack.baseUrl}/console/meetings/${meetingId}`);
    const links = page.getByTestId('downloads').locator('a');
    await links.first().waitFor();
    const hrefs = await links.evaluateAll((as) => as.map((a) => (a as unknown as { getAttribute(name: string): string }).getAttribute('href')));
    expect(hrefs).toEqual(
      expect.arrayContaining([
        `/admin/meetings/${meetingId}/registrations?format=csv`,
        `/admin/meetings/${meetingId}?format=csv`,
        `/admin/meetings/${meetingId}/workshops/socle/roster?format=csv`,
        `/admin/meetings/${meetingId}/evening?format=csv`,
        `/admin/meetings/${meetingId}/image-rights-refusals?format=csv`,
        `/admin/meetings/${meetingId}/deliveries?format=csv`,
        `/admin/meetings/${meetingId}/badges.pdf`,
        `/admin/meetings/${meetingId}/badges.pdf?day=${DAY1}`,
        `/admin/meetings/${meetingId}/badges.pdf?day=${DAY2}`,
      ]),
    );
    // A real download of one CSV and one PDF through the page's links.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Inscriptions (CSV)' }).click()]);
    expect(csv.suggestedFilename()).toBe(`${meetingId}-inscriptions.csv`);
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Badges du Premier jour (PDF)' }).click()]);
    expect(pdf.suggestedFilename()).toBe(`badges-${meetingId}-${DAY1}.pdf`);
    // Every link answers with the cookie alone (no bearer token in the browser).
    const answers = await page.evaluate(
      (list) => Promise.all(list.map((h) => fetch(h, { credentials: 'same-origin' }).then((r) => [h, r.status, r.headers.get('content-type')] as const))),
      hrefs,
    );
    for (const [href, status, type] of answers) {
      expect(status, href).toBe(200);
      expect(type, href).toMatch(href.includes('.pdf') ? /^application\/pdf/ : /^text\/csv/);
    }
    await context.close();
  });
});

describe('the check-in page of a badge', () => {
  it('records the arrival once, then says when it was recorded', async () => {
    const { context, page, errors } = await consolePageAs(stack, 'organiser');
    await page.goto(`${stack.baseUrl}/console/check-in/${tokens['Dupré']}`);
    const result = page.getByTestId('result');
    await expect.poll(() => result.locator('.result-title').textContent()).toBe('Présence enregistrée');
    expect(await result.locator('.result-name').textContent()).toBe('Hélène Dupré');
    expect(await result.locator('.result-org').textContent()).toBe('Métropole de Lyon');
    const at = await arrival('Dupré', DAY1);
    expect(at).not.toBeNull();
    await expectNoSeriousA11yViolations(page, 'check-in page');
    await page.goto(`${stack.baseUrl}/console/check-in/${tokens['Dupré']}`);
    await expect.poll(() => result.locator('.result-title').textContent()).toBe(`Déjà enregistrée à ${paris(at as string)}`);
    expect(await arrival('Dupré', DAY1)).toBe(at);
    await shoot(page, 'check-in');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sends a visitor without a session to sign in, then back to the same badge', async () => {
    const answer = await fetch(`${stack.baseUrl}/console/check-in/${tokens['Petit']}`, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe(`/console/login?return=${encodeURIComponent(`/console/check-in/${tokens['Petit']}`)}`);
    expect(await arrival('Petit', DAY1)).toBeNull();
  });
});

describe('the door', () => {
  it('checks someone in from the name search', async () => {
    const { context, page, errors } = await consolePageAs(stack, 'organiser', { viewport: { width: 390, height: 844 } });
    await page.goto(`${stack.baseUrl}/console/meetings/${meetingId}/check-in`);
    await page.getByRole('heading', { level: 1, name: `Accueil — ${meeting.title}` }).waitFor();
    await page.getByLabel('Nom, organisme ou courriel').fill('martin villejuif');
    const button = page.getByRole('button', { name: 'Enregistrer l’arrivée de Claire Martin' });
    await button.waitFor();
    const box = await button.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(44);
    await button.click();
    await expect.poll(() => page.getByTestId('result').locator('.result-title').textContent()).toBe('Présence enregistrée');
    expect(await arrival('Martin', DAY1)).not.toBeNull();
    // Nothing wider than the phone's screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await expectNoSeriousA11yViolations(page, 'door page');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reads a badge’s QR code (a photo, through the reader the camera feeds) and checks the person in', async () => {
    const { context, page, errors } = await consolePageAs(stack, 'organiser');
    const shell = await page.goto(`${stack.baseUrl}/console/meetings/${meetingId}/check-in`);
    // This page alone may compile WebAssembly; JavaScript eval stays refused.
    const csp = shell?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(csp).not.toMatch(/[\s']unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    await page.getByRole('heading', { level: 1, name: `Accueil — ${meeting.title}` }).waitFor();
    const wasm: string[] = [];
    const loaded: Array<Promise<number>> = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.wasm')) wasm.push(`${r.status()} ${r.url()}`);
      else if (/\/console\/assets\/.+\.(js|css)$/.test(r.url())) loaded.push(r.body().then((b) => gzipSync(b, { level: 9 }).length));
    });
    // The badge's QR code as the PDF prints it (error correction M), photographed with a margin.
    const png = await QRCode.toBuffer(`${stack.baseUrl}/console/check-in/${tokens['Petit']}`, { errorCorrectionLevel: 'M', margin: 6, scale: 8 });
    await page.locator('#photo').setInputFiles({ name: 'badge.png', mimeType: 'image/png', buffer: png });
    await expect.poll(async () => (await page.locator('main').textContent()) ?? '', { timeout: 20_000 }).toContain('Présence enregistrée');
    expect(await page.getByTestId('result').locator('.result-name').textContent()).toBe('Bruno Petit');
    expect(await arrival('Petit', DAY1)).not.toBeNull();
    // Linux Chromium has no native BarcodeDetector: the ponyfill's wasm came from our origin.
    const native = await page.evaluate(() => 'BarcodeDetector' in globalThis);
    if (!native) expect(wasm).toEqual([expect.stringMatching(new RegExp(`^200 ${stack.baseUrl}/console/assets/zxing_reader\\.[A-Z0-9]+\\.wasm$`))]);
    // The page's budget: all its JavaScript and CSS, the reader's lazy chunk included, ≤ 200 KB
    // gzipped (the wasm is a separate asset fetched on the first read; docs/console.md).
    const bytes = (await Promise.all(loaded)).reduce((a, b) => a + b, 0);
    expect(bytes).toBeGreaterThan(10 * 1024);
    expect(bytes).toBeLessThanOrEqual(200 * 1024);
    await shoot(page, 'door');
    expect(errors).toEqual([]);
    await context.close();
  });
});
