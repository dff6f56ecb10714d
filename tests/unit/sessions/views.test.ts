// Request schemas of the Publik-facing routes, the subscriber sheet and the one-click pages.
import { describe, expect, it } from 'vitest';
import { unwrapPublikBody } from '#shared/publik/whole-form.ts';
import { sheetToCsv } from '#shared/domain/csv.ts';
import { OccurrenceChangeSchema, SubscribeRequestSchema, UnsubscribeRequestSchema, parseOccurrenceId, type Subscription } from '#shared/domain/sessions/schema.ts';
import { unknownLinkPage, unsubscribeConfirmPage, unsubscribedPage } from '#shared/domain/sessions/unsubscribe-page.ts';
import { subscribersSheet } from '#shared/domain/sessions/views.ts';

describe('subscription bodies', () => {
  it('key/value: email normalised, blanks dropped, unknown keys ignored', () => {
    const parsed = SubscribeRequestSchema.parse({ form_uuid: ' u1 ', email: ' Claire@Example.ORG ', first_name: '', series_id: '', other: 'x' });
    expect(parsed).toEqual({ form_uuid: 'u1', email: 'claire@example.org' });
  });

  it('whole form: uuid as form_uuid, extra series_id', () => {
    const body = unwrapPublikBody({ uuid: 'abc', display_id: '12-3', fields: { email: 'a@example.org', last_name: 'Martin' }, extra: { series_id: 'club-en-ligne' } });
    expect(SubscribeRequestSchema.parse(body)).toMatchObject({ form_uuid: 'abc', email: 'a@example.org', last_name: 'Martin', series_id: 'club-en-ligne' });
  });

  it('names the faulty fields in French; bounds lengths', () => {
    const r = SubscribeRequestSchema.safeParse({ email: 'x', first_name: 'a'.repeat(101), series_id: 'Pas Un Id' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['form_uuid', 'Ce champ est obligatoire.'],
      ['email', 'Adresse électronique invalide.'],
      ['first_name', 'Texte trop long (100 caractères au plus).'],
      ['series_id', expect.stringMatching(/^Identifiant invalide/)],
    ]);
    expect(UnsubscribeRequestSchema.safeParse({}).error!.issues[0]).toMatchObject({ path: ['email'], message: 'Ce champ est obligatoire.' });
  });

  it('occurrence changes: any subset, strings for numbers and booleans, nothing at all refused', () => {
    expect(OccurrenceChangeSchema.parse({ cancelled: 'oui', duration_minutes: '60' })).toEqual({ cancelled: true, duration_minutes: 60 });
    expect(OccurrenceChangeSchema.safeParse({ starts_at: '2027-01-14T14:00' }).error!.issues[0]!.path).toEqual(['starts_at']);
    expect(OccurrenceChangeSchema.safeParse({}).success).toBe(false);
  });

  it('occurrence ids', () => {
    expect(parseOccurrenceId('club-en-ligne-2027-01-12')).toEqual({ seriesId: 'club-en-ligne', date: '2027-01-12' });
    expect(parseOccurrenceId('club-en-ligne-2027-02-30')).toBeUndefined();
    expect(parseOccurrenceId('2027-01-12')).toBeUndefined();
  });
});

describe('subscriber sheet', () => {
  const sub = (email: string, status: Subscription['status']): Subscription => ({
    subscriber_id: email, series_id: 's', email, first_name: '=cmd', status, token: 'secret-token', subscribed_at: '2026-11-29T12:00:00.000Z', version: 0,
  });

  it('active first, never the token, formulas neutralised', () => {
    const csv = sheetToCsv(subscribersSheet([sub('b@example.org', 'unsubscribed'), sub('c@example.org', 'active'), sub('a@example.org', 'active')], 'Europe/Paris'));
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines.map((l) => l.split(';')[0])).toEqual(['Courriel', 'a@example.org', 'c@example.org', 'b@example.org']);
    expect(csv).not.toContain('secret-token');
    expect(lines[1]).toContain(";'=cmd;");
  });
});

describe('one-click pages', () => {
  it('escape the series title, post to the same address, and say nothing for an unknown link', () => {
    const page = unsubscribeConfirmPage('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;');
    expect(page).toContain('<form method="post">');
    expect(page).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(unsubscribedPage('Sessions')).toContain('Désabonnement enregistré');
    expect(unknownLinkPage()).not.toMatch(/Sessions|abonné/);
  });

  it('ask before saying anything is done: « Vous ne recevrez plus » only once the POST is made', () => {
    const ask = unsubscribeConfirmPage('Sessions en ligne du club');
    expect(ask).toContain('<title>Se désabonner ?</title>');
    expect(ask).toContain('Souhaitez-vous vous désabonner des « Sessions en ligne du club » ?');
    expect(ask).toContain('vous restez abonné·e tant que vous n’avez pas confirmé');
    expect(ask).not.toMatch(/ne recevrez plus|êtes désabonné/);
    expect(unsubscribedPage('Sessions en ligne du club')).toContain('vous ne recevrez plus leurs rappels');
  });
});
