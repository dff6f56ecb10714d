// The badges PDF through the local gateway against DynamoDB Local: read back as a person would
// (pdf-lib for pages and sizes, pdftotext for each badge's text, pdftoppm + jsQR for each QR
// code, decoded back to the exact check-in URL), the token of a registration stored before
// badges existed created on its first print, and the bad inputs.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { registrationKeys } from '#shared/adapters/dynamodb/keys.ts';
import { SHEETS } from '#shared/domain/badges/layout.ts';
import { checkinTokenHash } from '#shared/domain/registrations/checkin-token.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { pdfStructure, pdfText, readBadges } from '#tests/support/pdf.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const meetingId = `badges-${randomBytes(3).toString('hex')}`;
const emptyMeetingId = `${meetingId}-vide`;
const DAY1 = '2026-06-09';
const DAY2 = '2026-06-10';

const meeting = (title: string) => ({
  title,
  venue: 'Villejuif',
  timezone: 'Europe/Paris',
  registration_opens_at: '2026-01-01T00:00:00+01:00',
  registration_closes_at: '2099-12-31T23:59:59+01:00',
  image_rights_notice: 'J’accepte d’être photographié·e.',
  days: [
    { date: DAY1, label: 'Mardi 9 juin', onsite_capacity: 60, waiting_list: true },
    { date: DAY2, label: 'Mercredi 10 juin', onsite_capacity: 60, waiting_list: true },
  ],
  workshops: [{ id: 'socle', day: DAY2, title: 'Atelier 1 : Socle personnes morales', starts_at: '14:00', ends_at: '16:00', capacity: 25, waiting_list: true }],
});

interface Person {
  first_name: string;
  last_name: string;
  organisation: string;
  onsite_days: string[];
  remote_days?: string[];
  image_rights?: 'accepted' | 'refused';
  profile?: 'newcomer' | 'expert';
  workshops?: string[];
}

// Ten people on site (one of them stored before badges existed), one remote only (no badge).
const people: Person[] = [
  { first_name: 'Zoé', last_name: 'Œuvray', organisation: 'Ville de Strasbourg', onsite_days: [DAY1], profile: 'newcomer' },
  { first_name: 'Émile', last_name: 'Ébrard', organisation: 'Métropole de Lyon', onsite_days: [DAY1, DAY2], image_rights: 'refused', profile: 'expert', workshops: ['socle'] },
  { first_name: 'Anne-Cécile', last_name: 'Łukasiewicz-Groß', organisation: 'Communauté d’agglomération du Grand Besançon Métropole — Direction des systèmes d’information et du numérique', onsite_days: [DAY2] },
  { first_name: 'Jo', last_name: 'Aa', organisation: 'Entr’ouvert', onsite_days: [DAY1] },
  { first_name: 'Taro', last_name: '山田', organisation: 'Mairie de Saint-Rémy-de-Provence', onsite_days: [DAY1] },
  { first_name: 'Bruno', last_name: 'Çelik', organisation: 'Département de l’Ain', onsite_days: [DAY1] },
  { first_name: 'Claire', last_name: 'Dupont', organisation: 'Ville de Villejuif', onsite_days: [DAY2] },
  { first_name: 'Denis', last_name: 'Faure', organisation: 'Ville d’Évry', onsite_days: [DAY1] },
  { first_name: 'Hélène', last_name: 'Garnier', organisation: 'Région Île-de-France', onsite_days: [DAY1] },
  { first_name: 'Remote', last_name: 'Seulement', organisation: 'À distance', onsite_days: [], remote_days: [DAY1] },
];
const legacy: Person = { first_name: 'Ancien', last_name: 'Inscrit', organisation: 'Avant les badges', onsite_days: [DAY1] };

const body = (p: Person, i: number) => ({
  form_uuid: `${meetingId}-form-${i}`,
  email: `person${i}@example.org`,
  first_name: p.first_name,
  last_name: p.last_name,
  organisation: p.organisation,
  profile: p.profile,
  onsite_days: p.onsite_days,
  remote_days: p.remote_days ?? [],
  workshops: p.workshops ?? [],
  evening_event: false,
  image_rights: p.image_rights ?? 'accepted',
});

const ids = new Map<string, string>();
let legacyId: string;

async function badges(query = '', id = meetingId) {
  const res = await stack.fetchAdmin(`/admin/meetings/${id}/badges.pdf${query}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes };
}

beforeAll(async () => {
  stack = await startTestStack();
  for (const [id, title] of [[meetingId, 'Club des badges'], [emptyMeetingId, 'Club sans personne']] as const) {
    const res = await stack.fetchAdmin(`/admin/meetings/${id}`, { method: 'PUT', json: meeting(title) });
    expect(res.status).toBe(201);
  }
  for (const [i, p] of people.entries()) {
    const res = await stack.fetchSigned(`/meetings/${meetingId}/registrations`, { method: 'POST', json: body(p, i) });
    const answer = (await res.json()) as { err: number; data: { registration_id: string } };
    expect(answer.err).toBe(0);
    ids.set(p.last_name, answer.data.registration_id);
  }
  // Stored the way registrations were before badges: no check-in key, so no token.
  const meetingStore = new DynamoMeetingRepository(stack.ddb, stack.dataTable);
  const before = new RegistrationService({
    meetings: meetingStore,
    store: new DynamoRegistrationRepository(stack.ddb, stack.dataTable, meetingStore, stack.nonceTable),
    publisher: { publish: async () => undefined },
    baseUrl: stack.baseUrl,
  });
  const made = await before.register(meetingId, RegistrationRequestSchema.parse(body(legacy, 99)), new Date());
  legacyId = made.registration.id;
  expect(made.registration.checkin_token).toBeUndefined();
});

afterAll(async () => {
  await stack?.stop();
});

const sortedOnsite = ['Aa', 'Çelik', 'Dupont', 'Ébrard', 'Faure', 'Garnier', 'Inscrit', 'Łukasiewicz-Groß', 'Œuvray', '山田'];

describe('the A4 sheets', () => {
  let read: Awaited<ReturnType<typeof readBadges>>;
  let bytes: Uint8Array;

  beforeAll(async () => {
    const got = await badges();
    expect(got.res.status).toBe(200);
    expect(got.res.headers.get('content-type')).toBe('application/pdf');
    expect(got.res.headers.get('content-disposition')).toBe(`attachment; filename="badges-${meetingId}.pdf"`);
    bytes = got.bytes;
    read = await readBadges(bytes, sortedOnsite.length);
  });

  it('holds 10 badges on 2 A4 pages (8 + 2)', async () => {
    const { pages, sizes } = await pdfStructure(bytes);
    expect(pages).toBe(2);
    for (const size of sizes) {
      expect(size.width).toBeCloseTo(SHEETS.a4.pageWidth, 1);
      expect(size.height).toBeCloseTo(SHEETS.a4.pageHeight, 1);
    }
  });

  it('prints each person on site once, by last name in French order, with their organisation', () => {
    const expected = [...people, legacy].filter((p) => p.onsite_days.length > 0);
    const order = read.map((b) => sortedOnsite.find((name) => name !== '山田' && b.text.includes(name)) ?? (b.text.includes('Taro') ? '山田' : b.text));
    expect(order).toEqual(sortedOnsite);
    for (const badge of read) {
      const person = expected.find((p) => badge.text.includes(p.first_name));
      expect(person, badge.text).toBeDefined();
      expect(badge.text).toContain((person as Person).organisation.slice(0, 20));
    }
    expect(read.some((b) => b.text.includes('Seulement'))).toBe(false);
  });

  it('prints names exactly as typed, a missing glyph as a visible substitute, and fits long organisations with "…"', () => {
    const text = read.map((b) => b.text).join('\n');
    for (const name of ['Zoé Œuvray', 'Émile Ébrard', 'Anne-Cécile', 'Łukasiewicz-Groß', 'Bruno Çelik']) expect(text).toContain(name);
    const taro = read.find((b) => b.text.includes('Taro'));
    expect(taro?.text).toContain('\uFFFD\uFFFD');
    const besancon = read.find((b) => b.text.includes('Łukasiewicz'));
    expect(besancon?.text).toMatch(/Besançon/);
    expect(besancon?.text).toContain('…');
  });

  it('marks "Pas de photo" on the badge of the person who refused image rights only', () => {
    const marked = read.filter((b) => b.text.includes('PAS DE PHOTO'));
    expect(marked).toHaveLength(1);
    expect(marked[0]?.text).toContain('Ébrard');
    expect(marked[0]?.text).toContain('Atelier 1 : Socle personnes morales');
  });

  it('gives every badge a QR code that decodes to its exact check-in URL, one token per person', async () => {
    const pattern = new RegExp(`^${stack.baseUrl.replace(/[.]/g, '\\.')}/console/check-in/([A-Za-z0-9_-]{24})$`);
    const tokens = read.map((b) => {
      expect(b.qr, b.text).toMatch(pattern);
      return (pattern.exec(b.qr as string) as RegExpExecArray)[1] as string;
    });
    expect(new Set(tokens).size).toBe(tokens.length);
    // At least 22 mm wide (the contract); drawn 24 mm.
    for (const b of read) expect(b.qrWidthMm).toBeGreaterThanOrEqual(22);
    // Each token checks in the person whose badge carries it.
    for (const [i, token] of tokens.entries()) {
      const res = await stack.fetchAdmin(`/admin/check-in/${token}`, { method: 'POST', json: { day: DAY1, force: true } });
      const answer = (await res.json()) as { data: { name: string } };
      expect(res.status).toBe(200);
      expect(read[i]?.text).toContain(answer.data.name.split(' ')[0] as string);
    }
  });

  it('created the token of the registration stored before badges, conditionally, on its first print', async () => {
    const item = await stack.ddb.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: stack.dataTable, Key: registrationKeys.registration(legacyId) }));
    const record = item.Item?.['registration']?.checkin_token as { generation: number; hash: string } | undefined;
    expect(record?.generation).toBe(1);
    const badge = read.find((b) => b.text.includes('Ancien'));
    const token = badge?.qr?.split('/').pop() as string;
    expect(checkinTokenHash(token)).toBe(record?.hash);
    // A second print makes no change: the same token comes out.
    const again = await readBadges((await badges()).bytes, sortedOnsite.length);
    expect(again.map((b) => b.qr)).toEqual(read.map((b) => b.qr));
  });
});

describe('filters and layouts', () => {
  it('?day= prints the people confirmed on site that day, named in the file name', async () => {
    const { res, bytes } = await badges(`?day=${DAY2}`);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="badges-${meetingId}-${DAY2}.pdf"`);
    const read = await readBadges(bytes, 3);
    expect(read.map((b) => b.text.match(/Dupont|Ébrard|Łukasiewicz/)?.[0])).toEqual(['Dupont', 'Ébrard', 'Łukasiewicz']);
    expect((await pdfStructure(bytes)).pages).toBe(1);
  });

  it('?sort=organisation orders by organisation in French', async () => {
    const read = await readBadges((await badges(`?day=${DAY2}&sort=organisation`)).bytes, 3);
    expect(read.map((b) => b.text.match(/Communauté|Métropole de Lyon|Ville de Villejuif/)?.[0])).toEqual(['Communauté', 'Métropole de Lyon', 'Ville de Villejuif']);
  });

  it('?layout=a6 prints one badge per A6 page, QR codes still readable', async () => {
    const { bytes } = await badges(`?day=${DAY2}&layout=a6`);
    const { pages, sizes } = await pdfStructure(bytes);
    expect(pages).toBe(3);
    expect(sizes[0]?.width).toBeCloseTo(SHEETS.a6.pageWidth, 1);
    expect(sizes[0]?.height).toBeCloseTo(SHEETS.a6.pageHeight, 1);
    const read = await readBadges(bytes, 3, 'a6');
    for (const b of read) expect(b.qr).toMatch(/\/console\/check-in\/[A-Za-z0-9_-]{24}$/);
  });

  it('?registration= prints that one badge', async () => {
    const id = ids.get('Faure') as string;
    const { bytes } = await badges(`?registration=${id}`);
    const [badge] = await readBadges(bytes, 1);
    expect(badge?.text).toContain('Denis Faure');
    expect((await pdfStructure(bytes)).pages).toBe(1);
  });
});

describe('bad input', () => {
  it('answers 404 for an unknown meeting', async () => {
    const { res } = await badges('', 'club-inconnu');
    expect(res.status).toBe(404);
  });

  it('answers 400 naming `day` for a day outside the meeting, with nothing written', async () => {
    const res = await stack.fetchAdmin(`/admin/meetings/${meetingId}/badges.pdf?day=2026-06-11`);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { err_class: string; err_desc: string; errors?: { path: string }[] };
    expect(answer.err_class).toBe('invalid-request');
    expect(answer.err_desc).toContain('2026-06-11');
    expect(JSON.stringify(answer)).toContain('"day"');
  });

  it('answers 400 for reissue without a registration, and for an unknown sort or layout', async () => {
    for (const q of ['?reissue=true', '?sort=age', '?layout=a3', '?day=demain']) {
      const res = await stack.fetchAdmin(`/admin/meetings/${meetingId}/badges.pdf${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { err_class: string }).err_class).toBe('invalid-request');
    }
  });

  it('answers 404 for a registration of another meeting or unknown', async () => {
    const res = await stack.fetchAdmin(`/admin/meetings/${emptyMeetingId}/badges.pdf?registration=${ids.get('Faure')}`);
    expect(res.status).toBe(404);
  });

  it('prints a valid one-page PDF that says so when nobody is on site', async () => {
    const { res, bytes } = await badges('', emptyMeetingId);
    expect(res.status).toBe(200);
    expect((await pdfStructure(bytes)).pages).toBe(1);
    const text = (await pdfText(bytes)).replace(/\s+/g, ' ');
    expect(text).toContain('Personne n’est confirmé·e sur place');
    expect(text).toContain('Club sans personne');
  });
});
