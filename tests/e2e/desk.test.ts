// The console's desk routes end to end (http-desk, through the local gateway; every answer is
// validated against the OpenAPI document): a meeting's fill levels from its counters equal the
// counts of GET /admin/meetings/{id}; the registrations search with its filters and cursor; a
// check-in undone; a badge previewed without checking anyone in.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBadges } from '#tests/support/pdf.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const meetingId = `desk-${randomBytes(3).toString('hex')}`;
const DAY1 = '2026-06-09';
const DAY2 = '2026-06-10';

const meeting = {
  title: 'Club au bureau d’accueil',
  venue: 'Villejuif',
  timezone: 'Europe/Paris',
  registration_opens_at: '2026-01-01T00:00:00+01:00',
  registration_closes_at: '2099-12-31T23:59:59+01:00',
  days: [
    { date: DAY1, label: 'Mardi 9 juin', onsite_capacity: 2, waiting_list: true },
    { date: DAY2, label: 'Mercredi 10 juin', onsite_capacity: 60, waiting_list: false, remote_capacity: 100 },
  ],
  workshops: [{ id: 'socle', day: DAY2, title: 'Atelier socle', starts_at: '14:00', ends_at: '16:00', capacity: 1, waiting_list: true }],
  evening_event: { date: DAY1, title: 'Soirée', capacity: 10, waiting_list: false },
};

const people = [
  { first_name: 'Claire', last_name: 'Martin', organisation: 'Ville de Villejuif', onsite_days: [DAY1, DAY2], remote_days: [], workshops: ['socle'], evening_event: 'True' },
  { first_name: 'Hélène', last_name: 'Dupré', organisation: 'Métropole de Lyon', onsite_days: [DAY1], remote_days: [DAY2], workshops: [], evening_event: 'False' },
  { first_name: 'Bruno', last_name: 'Petit', organisation: 'Ville de Villejuif', onsite_days: [DAY1, DAY2], remote_days: [], workshops: ['socle'], evening_event: 'True' },
];
const ids: Record<string, string> = {};

interface Row {
  registration_id: string;
  last_name: string;
  status: string;
  days: Array<{ date: string; mode: string | null; place: string | null; checked_in_at: string | null; expected_onsite: boolean }>;
}
type Search = { err: number; data: Row[]; count: number; next_cursor: string | null; read: number };

async function search(query: string): Promise<Search> {
  const res = await stack.fetchAdmin(`/admin/meetings/${meetingId}/registrations/search${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Search;
}
const names = (s: Search) => s.data.map((r) => r.last_name).sort();

beforeAll(async () => {
  stack = await startTestStack();
  expect((await stack.fetchAdmin(`/admin/meetings/${meetingId}`, { method: 'PUT', json: meeting })).status).toBe(201);
  for (const [i, p] of people.entries()) {
    const res = await stack.fetchSigned(`/meetings/${meetingId}/registrations`, {
      method: 'POST',
      json: { ...p, form_uuid: `${meetingId}-${i}`, email: `${p.last_name.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()}@example.org` },
    });
    const answer = (await res.json()) as { err: number; data: { registration_id: string } };
    expect(answer, JSON.stringify(answer)).toMatchObject({ err: 0 });
    ids[p.last_name] = answer.data.registration_id;
  }
});

afterAll(async () => {
  await stack?.stop();
});

describe('fill levels', () => {
  it('answers per day, workshop and evening the counts GET /admin/meetings/{id} gives', async () => {
    const res = await stack.fetchAdmin(`/admin/meetings/${meetingId}/fill`);
    expect(res.status).toBe(200);
    const fill = ((await res.json()) as { data: Record<string, any> }).data;
    const counts = ((await (await stack.fetchAdmin(`/admin/meetings/${meetingId}`)).json()) as { data: { counts: Record<string, any> } }).data.counts;
    expect(fill['title']).toBe(meeting.title);
    expect(fill['days'][0]).toEqual({
      date: DAY1,
      label: 'Mardi 9 juin',
      onsite: { capacity: 2, confirmed: 2, waiting: 1, available: 0 },
      remote: { capacity: null, confirmed: 0, waiting: 0, available: null },
    });
    expect(fill['days'][1]).toMatchObject({ onsite: { capacity: 60, confirmed: 2 }, remote: { capacity: 100, confirmed: 1 } });
    expect(fill['workshops']).toEqual([{ id: 'socle', title: 'Atelier socle', day: DAY2, capacity: 1, confirmed: 1, waiting: 1, available: 0 }]);
    expect(fill['evening_event']).toMatchObject({ capacity: 10, confirmed: 2, waiting: 0 });
    expect(fill['days']).toEqual(counts['days'].map(({ checked_in: _c, ...d }: Record<string, unknown>) => d));
    expect(fill['evening_event']).toEqual(counts['evening_event']);
  });

  it('answers 404 for an unknown meeting', async () => {
    const res = await stack.fetchAdmin('/admin/meetings/nulle-part/fill');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ err: 1, err_class: 'unknown-meeting' });
  });
});

describe('registrations search', () => {
  it('finds by words of the name or organisation, accents and case ignored', async () => {
    expect(names(await search('?q=dupre'))).toEqual(['Dupré']);
    expect(names(await search('?q=VILLEJUIF'))).toEqual(['Martin', 'Petit']);
    expect(names(await search('?q=petit%20villejuif'))).toEqual(['Petit']);
    expect(names(await search('?q=martin@example'))).toEqual(['Martin']);
  });

  it('filters on day, mode, status and check-in', async () => {
    expect(names(await search(`?day=${DAY2}&mode=remote`))).toEqual(['Dupré']);
    expect(names(await search('?status=waiting'))).toEqual([]);
    expect(names(await search('?status=partial'))).toEqual(['Petit']);
    expect(names(await search(`?day=${DAY1}&checked_in=false`))).toEqual(['Dupré', 'Martin', 'Petit']);
  });

  it('pages with a cursor until the list ends', async () => {
    const first = await search('?limit=2');
    expect(first.count).toBe(2);
    expect(first.next_cursor).not.toBeNull();
    const second = await search(`?limit=2&cursor=${first.next_cursor}`);
    expect(second.data.length).toBe(1);
    expect(second.next_cursor).toBeNull();
    expect([...first.data, ...second.data].map((r) => r.registration_id).sort()).toEqual(Object.values(ids).sort());
  });

  it('answers 400 naming the field for a bad cursor, limit, mode or day', async () => {
    const other = Buffer.from(JSON.stringify({ gsi1pk: 'MEETING#autre#REGS', gsi1sk: 'x', pk: 'x', sk: 'x' })).toString('base64url');
    for (const [query, field] of [
      ['?cursor=pas-un-curseur', 'cursor'],
      [`?cursor=${other}`, 'cursor'],
      ['?limit=0', 'limit'],
      ['?limit=abc', 'limit'],
      ['?mode=partout', 'mode'],
      ['?day=2026-06-11', 'day'],
    ] as const) {
      const res = await stack.fetchAdmin(`/admin/meetings/${meetingId}/registrations/search${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { err_class: string; err_desc: string; errors: Array<{ path: string }> };
      expect(body.err_class).toBe('invalid-request');
      expect(body.errors.map((e) => e.path)).toContain(field);
    }
  });
});

describe('check-in undone', () => {
  it('removes a check-in once, then answers removed: false', async () => {
    const id = ids['Martin'] as string;
    const checkIn = await stack.fetchAdmin(`/admin/registrations/${id}/check-in`, { method: 'POST', json: { day: DAY1 } });
    expect(checkIn.status).toBe(200);
    expect(names(await search(`?day=${DAY1}&checked_in=true`))).toEqual(['Martin']);
    const undo = await stack.fetchAdmin(`/admin/registrations/${id}/check-in/${DAY1}`, { method: 'DELETE' });
    expect(undo.status).toBe(200);
    expect(((await undo.json()) as { data: unknown }).data).toEqual({ registration_id: id, day: DAY1, removed: true, checked_in: {} });
    expect(names(await search(`?day=${DAY1}&checked_in=true`))).toEqual([]);
    const again = await stack.fetchAdmin(`/admin/registrations/${id}/check-in/${DAY1}`, { method: 'DELETE' });
    expect(((await again.json()) as { data: { removed: boolean } }).data.removed).toBe(false);
    const outside = await stack.fetchAdmin(`/admin/registrations/${id}/check-in/2026-06-11`, { method: 'DELETE' });
    expect(outside.status).toBe(400);
  });

  it('needs the admin token', async () => {
    const res = await fetch(`${stack.baseUrl}/admin/registrations/${ids['Martin']}/check-in/${DAY1}`, { method: 'DELETE' });
    expect(res.status).toBe(401);
  });
});

describe('badge preview', () => {
  it('names the person and their days without checking them in', async () => {
    const res = await stack.fetchAdmin(`/admin/meetings/${meetingId}/badges.pdf?registration=${ids['Dupré']}`);
    expect(res.status).toBe(200);
    const [badge] = await readBadges(new Uint8Array(await res.arrayBuffer()), 1);
    const token = (badge?.qr as string).slice(`${stack.baseUrl}/console/check-in/`.length);
    const preview = await stack.fetchAdmin(`/admin/check-in/${token}`);
    expect(preview.status).toBe(200);
    const data = ((await preview.json()) as { data: Record<string, any> }).data;
    expect(data).toMatchObject({
      registration_id: ids['Dupré'],
      name: 'Hélène Dupré',
      organisation: 'Métropole de Lyon',
      meeting_id: meetingId,
      cancelled: false,
      days: [
        { date: DAY1, expected_onsite: true, checked_in_at: null },
        { date: DAY2, expected_onsite: false, checked_in_at: null },
      ],
    });
    expect(data['today']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(names(await search('?checked_in=true'))).toEqual([]);
    const unknown = await stack.fetchAdmin(`/admin/check-in/${'x'.repeat(24)}`);
    expect(unknown.status).toBe(404);
  });
});
