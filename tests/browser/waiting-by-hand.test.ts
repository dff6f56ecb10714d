// The meeting page's waiting lists by hand in headless Chromium: a person waiting for a day shows
// their rank, « Monter » moves them up (the API's list follows), « Promouvoir » opens a dialog
// that says the place goes past the capacity, and confirming gives the place (the API says
// confirmed, the bar shows it). With UPDATE_SCREENSHOTS=1 it writes docs/images/console/
// waiting-*.png (390 and 1280 px).
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolePageAs, expectNoSeriousA11yViolations, shoot, startConsoleStack, type ConsoleStack } from './support/console.ts';

let stack: ConsoleStack;
const meetingId = `attente-${randomBytes(3).toString('hex')}`;
const zone = 'Europe/Paris';
const today = DateTime.now().setZone(zone).startOf('day');
const DAY1 = today.plus({ days: 20 }).toISODate() as string;

const meeting = {
  title: 'Club des listes d’attente',
  venue: 'Villejuif',
  timezone: zone,
  registration_opens_at: today.minus({ days: 30 }).toISO(),
  registration_closes_at: today.plus({ days: 10 }).toISO(),
  days: [{ date: DAY1, label: 'Premier jour', onsite_capacity: 2, waiting_list: true }],
  workshops: [],
};
// Martin and Dupré get the two places; Petit, Étienne and Zola wait, in that order.
const people = [
  ['Claire', 'Martin'],
  ['Hélène', 'Dupré'],
  ['Bruno', 'Petit'],
  ['Chloé', 'Étienne'],
  ['Denis', 'Zola'],
] as const;
const ids: Record<string, string> = {};
const ascii = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

interface Row {
  registration_id: string;
  days: Array<{ place: string | null; waiting_position: number | null }>;
}
async function apiDay(lastName: string): Promise<Row['days'][number]> {
  const res = await stack.fetchAdmin(`/admin/meetings/${meetingId}/registrations/search?q=${encodeURIComponent(lastName)}`);
  const row = ((await res.json()) as { data: Row[] }).data.find((r) => r.registration_id === ids[lastName]);
  return row?.days[0] as Row['days'][number];
}

beforeAll(async () => {
  stack = await startConsoleStack();
  expect((await stack.fetchAdmin(`/admin/meetings/${meetingId}`, { method: 'PUT', json: meeting })).status).toBe(201);
  for (const [i, [first, last]] of people.entries()) {
    const res = await stack.fetchSigned(`/meetings/${meetingId}/registrations`, {
      method: 'POST',
      json: { form_uuid: `${meetingId}-${i}`, email: `${ascii(first)}.${ascii(last)}@example.org`, first_name: first, last_name: last, organisation: 'Ville', onsite_days: [DAY1] },
    });
    const answer = (await res.json()) as { err: number; data: { registration_id: string } };
    expect(answer).toMatchObject({ err: 0 });
    ids[last] = answer.data.registration_id;
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('waiting lists by hand in the meeting page', () => {
  it('shows the ranks, moves a person up, then promotes them past the capacity after saying so', async () => {
    const { context, page, errors } = await consolePageAs(stack, 'organiser');
    await page.goto(`${stack.baseUrl}/console/meetings/${meetingId}`);
    await page.getByRole('heading', { level: 1, name: meeting.title }).waitFor();
    const zolaRow = page.locator(`tr[data-registration="${ids['Zola']}"]`);
    await expect.poll(() => zolaRow.textContent()).toContain('Liste d’attente, rang 3');
    expect(await page.locator(`tr[data-registration="${ids['Petit']}"]`).textContent()).toContain('rang 1');
    await expectNoSeriousA11yViolations(page, 'meeting page with a waiting list');
    await shoot(page, 'waiting');

    // « Monter »: Zola goes from 3 to 2, Étienne from 2 to 3, in the API as on the page.
    await page.getByRole('button', { name: 'Monter : Denis Zola, Premier jour' }).click();
    await expect.poll(() => page.getByTestId('waiting-notice').textContent()).toContain('Denis Zola est maintenant au rang 2 sur 3');
    expect(await apiDay('Zola')).toMatchObject({ place: 'waiting', waiting_position: 2 });
    expect(await apiDay('Étienne')).toMatchObject({ place: 'waiting', waiting_position: 3 });
    await expect.poll(() => zolaRow.textContent()).toContain('rang 2');
    // The first in line cannot go up.
    expect(await page.getByRole('button', { name: 'Monter : Bruno Petit, Premier jour' }).getAttribute('aria-disabled')).toBe('true');

    // « Promouvoir »: the dialog says the place goes past the capacity; confirming gives it.
    await page.getByRole('button', { name: 'Promouvoir : Denis Zola, Premier jour' }).click();
    const dialog = page.getByRole('dialog', { name: 'Promouvoir Denis Zola' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('au-delà de la capacité (3 / 2)');
    await shoot(page, 'waiting-promote');
    await dialog.getByRole('button', { name: 'Promouvoir au-delà de la capacité' }).click();
    await expect.poll(() => page.getByTestId('waiting-notice').textContent()).toContain('Place accordée au-delà de la capacité : 3 confirmées pour 2 places');
    expect(await apiDay('Zola')).toMatchObject({ place: 'confirmed', waiting_position: null });
    expect(await apiDay('Étienne')).toMatchObject({ place: 'waiting', waiting_position: 2 });
    // The page reads the fill again: 3 / 2 with 2 waiting.
    await expect.poll(async () => (await page.locator('.fill-group .bar-figures').first().textContent())?.replace(/\s+/g, ' ').trim()).toBe('3 / 2 · 2 en attente');
    await expect.poll(() => zolaRow.textContent()).not.toContain('Liste d’attente');
    expect(errors).toEqual([]);
    await context.close();
  });
});
