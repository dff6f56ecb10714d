import { describe, expect, it } from 'vitest';
import { AppError, InvalidRequestError, RefusalError } from '#shared/errors.ts';
import { checkRegistrationWindow, wantedItems } from '#shared/domain/registrations/rules.ts';
import { buildMeeting, request } from '#tests/unit/registrations/fakes.ts';

const meeting = buildMeeting();

/** The error `fn` throws (fails the test when nothing is thrown). */
function thrown(fn: () => unknown): AppError {
  expect(fn).toThrow(AppError);
  try {
    fn();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('unreachable');
}

describe('wantedItems', () => {
  it('lists the items of a full request in a fixed order: on-site days, remote days, workshops, evening', () => {
    const wanted = wantedItems(
      meeting,
      request({
        onsite_days: ['2025-06-08'],
        remote_days: ['2025-06-07'],
        workshops: ['socle-personnes-morales', 'mutualiser-publik'],
        evening_event: true,
      }),
    );
    expect(wanted.items).toEqual([
      { key: 'day:2025-06-08', kind: 'day' },
      { key: 'remote:2025-06-07', kind: 'remote' },
      { key: 'workshop:socle-personnes-morales', kind: 'workshop', dayKey: 'day:2025-06-08' },
      { key: 'workshop:mutualiser-publik', kind: 'workshop', dayKey: 'day:2025-06-08' },
      { key: 'evening', kind: 'evening' },
    ]);
    expect(wanted.days).toEqual([
      { date: '2025-06-07', mode: 'remote' },
      { date: '2025-06-08', mode: 'onsite' },
    ]);
    expect(wanted.workshops).toEqual(['socle-personnes-morales', 'mutualiser-publik']);
    expect(wanted.evening_event).toBe(true);
  });

  it('ignores duplicates and the order of the lists', () => {
    const a = wantedItems(meeting, request({ onsite_days: ['2025-06-08', '2025-06-07', '2025-06-08'], workshops: ['rgpd', 'rgpd'] }));
    const b = wantedItems(meeting, request({ onsite_days: ['2025-06-07', '2025-06-08'], workshops: ['rgpd'] }));
    expect(a).toEqual(b);
  });

  it('accepts a remote-only registration (no workshop, no evening)', () => {
    const wanted = wantedItems(meeting, request({ onsite_days: [], remote_days: ['2025-06-07', '2025-06-08'] }));
    expect(wanted.items.map((i) => i.key)).toEqual(['remote:2025-06-07', 'remote:2025-06-08']);
  });

  it('requires at least one day: 400 naming onsite_days', () => {
    const error = thrown(() => wantedItems(meeting, request({ onsite_days: [], remote_days: [] })));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.code).toBe('invalid-request');
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/onsite_days/);
    expect(error.details?.errors).toEqual([{ path: 'onsite_days', message: 'Au moins un jour (sur place ou à distance) est requis.' }]);
  });

  it('refuses the same day on site and remote: 400 naming remote_days', () => {
    const error = thrown(() => wantedItems(meeting, request({ onsite_days: ['2025-06-07'], remote_days: ['2025-06-07'] })));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.code).toBe('invalid-request');
    expect(error.statusCode).toBe(400);
    expect(error.details?.errors?.[0]?.path).toBe('remote_days');
    expect(error.message).toContain('2025-06-07');
  });

  it('names every field the meeting’s rules find at once: no day and no image-rights answer', () => {
    const error = thrown(() => wantedItems(meeting, request({ onsite_days: [], remote_days: [], image_rights: undefined })));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.details?.errors?.map((e) => e.path)).toEqual(['onsite_days', 'image_rights']);
    expect(error.message).toBe(
      'Données invalides : onsite_days : Au moins un jour (sur place ou à distance) est requis. ; image_rights : Réponse requise : accepted ou refused.',
    );
  });

  it('refuses a day that is not a day of the meeting: unknown-day', () => {
    const error = thrown(() => wantedItems(meeting, request({ onsite_days: ['2025-06-09'] })));
    expect(error).toBeInstanceOf(RefusalError);
    expect(error.code).toBe('unknown-day');
    expect(error.statusCode).toBe(200);
    expect(error.message).toBe('Le 2025-06-09 n’est pas un jour de cette réunion.');
    expect(error.details?.data).toEqual({ date: '2025-06-09' });
    expect(() => wantedItems(meeting, request({ onsite_days: [], remote_days: ['2025-06-10'] }))).toThrow(
      expect.objectContaining({ code: 'unknown-day' }),
    );
  });

  it('refuses an unknown workshop: unknown-workshop', () => {
    const error = thrown(() => wantedItems(meeting, request({ onsite_days: ['2025-06-08'], workshops: ['inconnu'] })));
    expect(error).toBeInstanceOf(RefusalError);
    expect(error.code).toBe('unknown-workshop');
    expect(error.message).toBe('Atelier inconnu : « inconnu ».');
    expect(error.details?.data).toEqual({ workshop: 'inconnu' });
  });

  it('refuses a workshop on a day not chosen: workshop-requires-onsite', () => {
    const error = thrown(() => wantedItems(meeting, request({ onsite_days: ['2025-06-07'], workshops: ['socle-personnes-morales'] })));
    expect(error).toBeInstanceOf(RefusalError);
    expect(error.code).toBe('workshop-requires-onsite');
    expect(error.message).toContain('« Atelier 1 : Socle personnes morales »');
    expect(error.message).toContain('présent·e sur place');
    expect(error.details?.data).toEqual({ workshop: 'socle-personnes-morales', day: '2025-06-08' });
  });

  it('refuses a workshop on a day attended remotely: workshop-requires-onsite', () => {
    expect(() =>
      wantedItems(meeting, request({ onsite_days: ['2025-06-07'], remote_days: ['2025-06-08'], workshops: ['rgpd'] })),
    ).toThrow(expect.objectContaining({ code: 'workshop-requires-onsite', details: { data: { workshop: 'rgpd', day: '2025-06-08' } } }));
  });

  it('refuses two overlapping workshops of the same day: workshop-overlap', () => {
    const error = thrown(() =>
      wantedItems(meeting, request({ onsite_days: ['2025-06-08'], workshops: ['socle-personnes-morales', 'rgpd'] })),
    );
    expect(error).toBeInstanceOf(RefusalError);
    expect(error.code).toBe('workshop-overlap');
    expect(error.message).toBe(
      'Les ateliers « Atelier 1 : Socle personnes morales » et « Atelier 4 : RGPD » ont lieu en même temps : choisissez-en un seul.',
    );
    expect(error.details?.data).toEqual({ workshops: ['socle-personnes-morales', 'rgpd'] });
  });

  it('accepts adjacent workshops (10–12, 12–14 and 14–16 do not overlap)', () => {
    const wanted = wantedItems(
      meeting,
      request({ onsite_days: ['2025-06-08'], workshops: ['mutualiser-publik', 'formulaires', 'socle-personnes-morales'] }),
    );
    expect(wanted.workshops).toEqual(['mutualiser-publik', 'formulaires', 'socle-personnes-morales']);
  });

  it('accepts workshops at the same hours on different days', () => {
    const wanted = wantedItems(meeting, request({ onsite_days: ['2025-06-07', '2025-06-08'], workshops: ['chrono', 'socle-personnes-morales'] }));
    expect(wanted.workshops).toEqual(['chrono', 'socle-personnes-morales']);
  });

  it('requires the image-rights answer when the meeting has a notice: 400 naming image_rights', () => {
    const error = thrown(() => wantedItems(meeting, request({ image_rights: undefined })));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.code).toBe('invalid-request');
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/image_rights/);
    expect(error.details?.errors).toEqual([{ path: 'image_rights', message: 'Réponse requise : accepted ou refused.' }]);
    expect(() => wantedItems(meeting, request({ image_rights: '' }))).toThrow(InvalidRequestError);
  });

  it('accepts a refusal of image rights, and no answer when the meeting has no notice', () => {
    expect(wantedItems(meeting, request({ image_rights: 'refused' })).items).toHaveLength(1);
    const noNotice = buildMeeting({ image_rights_notice: undefined });
    expect(wantedItems(noNotice, request({ image_rights: undefined })).items).toHaveLength(1);
  });

  it('refuses the evening event on a meeting without one', () => {
    const noEvening = buildMeeting({ evening_event: undefined });
    const error = thrown(() => wantedItems(noEvening, request({ evening_event: true })));
    expect(error).toBeInstanceOf(RefusalError);
    expect(error.code).toBe('unknown-evening-event');
    expect(error.message).toBe('Cette réunion n’a pas de soirée.');
    expect(wantedItems(noEvening, request({ evening_event: 'False' })).evening_event).toBe(false);
  });

  it('writes day names in lower case inside a sentence (French typography)', () => {
    // Labels are capitalised for lists ("Jeudi 8 juin"); inside a sentence French writes "le jeudi 8 juin".
    const error = thrown(() => wantedItems(meeting, request({ onsite_days: ['2025-06-07'], workshops: ['rgpd'] })));
    expect(error.message).toBe('L’atelier « Atelier 4 : RGPD » demande d’être présent·e sur place le jeudi 8 juin.');
  });
});

describe('checkRegistrationWindow', () => {
  it('lets requests in while the window is open, bounds included', () => {
    expect(() => checkRegistrationWindow(meeting, new Date('2025-05-02T10:00:00Z'))).not.toThrow();
    expect(() => checkRegistrationWindow(meeting, new Date('2025-03-31T22:00:00Z'))).not.toThrow();
    expect(() => checkRegistrationWindow(meeting, new Date('2025-06-05T21:59:59Z'))).not.toThrow();
  });

  it('says "not yet open" before the window', () => {
    const error = thrown(() => checkRegistrationWindow(meeting, new Date('2025-03-31T21:59:59Z')));
    expect(error).toBeInstanceOf(RefusalError);
    expect(error.code).toBe('registration-closed');
    expect(error.statusCode).toBe(200);
    expect(error.message).toBe('Les inscriptions à cette réunion ne sont pas encore ouvertes.');
    expect(error.details?.data).toEqual({
      registration_opens_at: '2025-04-01T00:00:00+02:00',
      registration_closes_at: '2025-06-05T23:59:59+02:00',
    });
  });

  it('says "closed" after the window', () => {
    const error = thrown(() => checkRegistrationWindow(meeting, new Date('2025-06-05T22:00:00Z')));
    expect(error.code).toBe('registration-closed');
    expect(error.message).toBe('Les inscriptions à cette réunion sont closes.');
  });
});
