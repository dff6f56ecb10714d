import { describe, expect, it } from 'vitest';
import example from '#tests/fixtures/admin-meeting-club-12.json' with { type: 'json' };
import { badgeContent, badgeHolders, checkBadgeDay, planTokens, sortForBadges } from '#shared/domain/badges/sheet.ts';
import { ConflictError, InvalidRequestError } from '#shared/errors.ts';
import { defineMeeting } from '#shared/domain/meetings/define.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { checkinTokenHash, checkinUrl, deriveCheckinToken, CHECKIN_TOKEN_PATTERN } from '#shared/domain/registrations/checkin-token.ts';
import { checkTokenCheckIn, confirmedOnsiteDays, meetingToday } from '#shared/domain/registrations/check-in.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';

const meeting = defineMeeting('club-12', MeetingInputSchema.parse(example), undefined, new Date('2025-05-02T10:00:00Z'));
const DAY1 = '2025-06-07';
const DAY2 = '2025-06-08';

let serial = 0;
function reg(over: Partial<Registration> & Pick<Registration, 'last_name'>): Registration {
  serial += 1;
  return {
    id: `r${String(serial).padStart(26, '0')}`,
    meeting_id: 'club-12',
    access_token: 'secret',
    form_uuid: `form-${serial}`,
    email: `p${serial}@example.org`,
    organisation: 'Métropole de Lyon',
    days: [{ date: DAY1, mode: 'onsite' }],
    workshops: [],
    evening_event: false,
    items: [{ key: `day:${DAY1}`, status: 'confirmed' }],
    state: 'active',
    request_hash: 'h',
    checked_in: {},
    version: 1,
    created_at: '2025-05-01T08:00:00.000Z',
    updated_at: '2025-05-01T08:00:00.000Z',
    ...over,
  };
}

describe('sorting badges in French', () => {
  it('sorts by last name ignoring accents and case, then first name', () => {
    const names = ['Zola', 'Émile', 'Eluard', 'éric', 'Œuvray', 'Dupont', 'Ödön', 'Lefèvre', 'Lefebvre'];
    const regs = names.map((last_name) => reg({ last_name }));
    expect(sortForBadges(regs, 'name').map((r) => r.last_name)).toEqual(['Dupont', 'Eluard', 'Émile', 'éric', 'Lefebvre', 'Lefèvre', 'Ödön', 'Œuvray', 'Zola']);
    const homonyms = [reg({ last_name: 'Martin', first_name: 'Zoé' }), reg({ last_name: 'Martin', first_name: 'Élodie' })];
    expect(sortForBadges(homonyms, 'name').map((r) => r.first_name)).toEqual(['Élodie', 'Zoé']);
  });

  it('sorts by organisation, then name', () => {
    const regs = [
      reg({ last_name: 'B', organisation: 'Ville d’Évry' }),
      reg({ last_name: 'A', organisation: 'ville d’Evry' }),
      reg({ last_name: 'C', organisation: 'Département de l’Ain' }),
    ];
    expect(sortForBadges(regs, 'organisation').map((r) => r.last_name)).toEqual(['C', 'A', 'B']);
  });
});

describe('who gets a badge', () => {
  const onDay1 = reg({ last_name: 'Un' });
  const waiting = reg({ last_name: 'Attente', items: [{ key: `day:${DAY1}`, status: 'waiting', ticket: 1 }] });
  const remote = reg({ last_name: 'Distance', days: [{ date: DAY2, mode: 'remote' }], items: [{ key: `remote:${DAY2}`, status: 'confirmed' }] });
  const cancelled = reg({ last_name: 'Annulé', state: 'cancelled', items: [] });
  const onDay2 = reg({ last_name: 'Deux', days: [{ date: DAY2, mode: 'onsite' }], items: [{ key: `day:${DAY2}`, status: 'confirmed' }] });
  const all = [onDay1, waiting, remote, cancelled, onDay2];

  it('is everyone confirmed on site, on the day asked or on any day', () => {
    expect(badgeHolders(all, undefined).map((r) => r.last_name)).toEqual(['Un', 'Deux']);
    expect(badgeHolders(all, DAY2).map((r) => r.last_name)).toEqual(['Deux']);
    expect(confirmedOnsiteDays(cancelled)).toEqual([]);
  });

  it('refuses a day that is not one of the meeting’s with a 400 naming `day`', () => {
    expect(() => checkBadgeDay(meeting, DAY1)).not.toThrow();
    const error = (() => {
      try {
        checkBadgeDay(meeting, '2025-06-09');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).details?.errors?.map((e) => e.path)).toEqual(['day']);
  });

  it('says the profile, the days and the workshops, and "no photo" when image rights were refused', () => {
    const person = reg({
      last_name: 'Łukasiewicz',
      first_name: 'Anne',
      profile: 'expert',
      image_rights: { answer: 'refused', notice_version: 1, answered_at: '2025-05-01T08:00:00.000Z' },
      days: [{ date: DAY1, mode: 'onsite' }, { date: DAY2, mode: 'onsite' }],
      items: [
        { key: `day:${DAY1}`, status: 'confirmed' },
        { key: `day:${DAY2}`, status: 'confirmed' },
        { key: 'workshop:socle-personnes-morales', status: 'confirmed' },
      ],
      workshops: ['socle-personnes-morales'],
    });
    expect(badgeContent(meeting, person)).toMatchObject({
      name: 'Anne Łukasiewicz',
      profileLabel: 'Expert·e',
      days: 'Sur place : Mercredi 7 juin, Jeudi 8 juin',
      workshops: 'Atelier : Atelier 1 : Socle personnes morales',
      noPhoto: true,
    });
    expect(badgeContent(meeting, reg({ last_name: 'X', badge_name: 'Xa' }))).toMatchObject({ name: 'Xa', profile: 'unknown', noPhoto: false });
  });
});

describe('check-in tokens', () => {
  const key = 'test-key';

  it('are 144-bit URL-safe tokens derived per registration and generation, stored only as a hash', () => {
    const token = deriveCheckinToken(key, 'rabc', 1);
    expect(token).toMatch(CHECKIN_TOKEN_PATTERN);
    expect(Buffer.from(token, 'base64url')).toHaveLength(18);
    expect(deriveCheckinToken(key, 'rabc', 1)).toBe(token);
    expect(deriveCheckinToken(key, 'rabc', 2)).not.toBe(token);
    expect(deriveCheckinToken('other-key', 'rabc', 1)).not.toBe(token);
    expect(checkinTokenHash(token)).not.toContain(token);
    expect(checkinUrl('https://club.example.org', token)).toBe(`https://club.example.org/console/check-in/${token}`);
  });

  it('plan: nothing to write when the stored hash is the token’s; a first print or a reissue writes', () => {
    const stored = reg({ last_name: 'A' });
    const token1 = deriveCheckinToken(key, stored.id, 1);
    const known = { ...stored, checkin_token: { generation: 1, hash: checkinTokenHash(token1) } };
    const none = reg({ last_name: 'B' });
    const plan = planTokens(key, [known, none], false);
    expect(plan.tokens.get(known.id)).toBe(token1);
    expect(plan.changes.map((c) => [c.registration.id, c.next.generation])).toEqual([[none.id, 1]]);
    expect(plan.changes[0]?.next.hash).toBe(checkinTokenHash(plan.tokens.get(none.id) as string));

    const reissue = planTokens(key, [known], true);
    expect(reissue.changes.map((c) => c.next.generation)).toEqual([2]);
    expect(reissue.tokens.get(known.id)).toBe(deriveCheckinToken(key, known.id, 2));
    // A key rotated since the last print: the stored hash is not the token's, so it is replaced.
    expect(planTokens('rotated', [known], false).changes).toHaveLength(1);
  });
});

describe('the door’s check-in rule', () => {
  const person = reg({ last_name: 'Porte', first_name: 'Anne' });

  it('takes today in the meeting’s time zone', () => {
    // 23:30 UTC on the 6th is already the 7th in Paris.
    expect(meetingToday(meeting, new Date('2025-06-06T22:30:00Z'))).toBe(DAY1);
  });

  it('accepts a day the person is confirmed on site', () => {
    expect(() => checkTokenCheckIn(meeting, person, DAY1, { force: false, dayGiven: true })).not.toThrow();
  });

  it('refuses another day with 409 not-onsite-that-day and their days, unless forced', () => {
    let error: unknown;
    try {
      checkTokenCheckIn(meeting, person, DAY2, { force: false, dayGiven: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('not-onsite-that-day');
    expect((error as ConflictError).details).toEqual({ data: { registration_id: person.id, day: DAY2, onsite_days: [DAY1] } });
    expect(() => checkTokenCheckIn(meeting, person, DAY2, { force: true, dayGiven: true })).not.toThrow();
  });

  it('refuses a day outside the meeting with a 400 naming `day`, even when forced', () => {
    expect(() => checkTokenCheckIn(meeting, person, '2025-06-10', { force: true, dayGiven: false })).toThrow(InvalidRequestError);
  });
});
