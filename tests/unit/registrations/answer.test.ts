import { describe, expect, it } from 'vitest';
import { overallStatus, registrationAnswer, registrationLinks } from '#shared/domain/registrations/answer.ts';
import type { HeldItem, Registration } from '#shared/domain/registrations/schema.ts';
import { BASE_URL, buildMeeting } from '#tests/unit/registrations/fakes.ts';

const meeting = buildMeeting();
const D1 = 'day:2025-06-07';
const D2 = 'day:2025-06-08';

function registration(overrides: Partial<Registration> & { items: HeldItem[] }): Registration {
  return {
    id: 'rabcdefghijklmnopqrstuvwxyz',
    meeting_id: 'club-12',
    access_token: 'tok3n',
    form_uuid: 'form-1',
    email: 'claire.martin@villejuif.fr',
    last_name: 'Martin',
    organisation: 'Ville de Villejuif',
    days: [
      { date: '2025-06-07', mode: 'onsite' },
      { date: '2025-06-08', mode: 'onsite' },
    ],
    workshops: [],
    evening_event: false,
    state: 'active',
    request_hash: 'h',
    checked_in: {},
    version: 1,
    created_at: '2025-05-02T10:00:00.000Z',
    updated_at: '2025-05-02T10:00:00.000Z',
    ...overrides,
  };
}

/** Every key of a JSON value, at any depth. */
function keysDeep(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysDeep);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysDeep(v)]);
  return [];
}

describe('overallStatus', () => {
  it('is confirmed when everything is confirmed', () => {
    expect(overallStatus(registration({ items: [{ key: D1, status: 'confirmed' }, { key: D2, status: 'confirmed' }] }))).toBe('confirmed');
  });

  it('is confirmed for a remote-only registration', () => {
    const reg = registration({
      days: [{ date: '2025-06-07', mode: 'remote' }],
      items: [{ key: 'remote:2025-06-07', status: 'confirmed' }],
    });
    expect(overallStatus(reg)).toBe('confirmed');
  });

  it('is waiting when every on-site day waits', () => {
    const reg = registration({
      items: [
        { key: D1, status: 'waiting', ticket: 1 },
        { key: D2, status: 'waiting', ticket: 2 },
      ],
    });
    expect(overallStatus(reg)).toBe('waiting');
  });

  it('is partial when one of two on-site days waits', () => {
    expect(overallStatus(registration({ items: [{ key: D1, status: 'waiting', ticket: 1 }, { key: D2, status: 'confirmed' }] }))).toBe('partial');
  });

  it('is partial when a workshop waits, or waits for its day, or the evening waits', () => {
    const days = [{ date: '2025-06-08', mode: 'onsite' as const }];
    expect(
      overallStatus(registration({ days, workshops: ['rgpd'], items: [{ key: D2, status: 'confirmed' }, { key: 'workshop:rgpd', status: 'waiting', ticket: 3 }] })),
    ).toBe('partial');
    const twoDays = registration({
      workshops: ['chrono'],
      items: [{ key: D1, status: 'waiting', ticket: 1 }, { key: D2, status: 'confirmed' }],
    });
    expect(overallStatus(twoDays)).toBe('partial');
    expect(overallStatus(registration({ days, evening_event: true, items: [{ key: D2, status: 'confirmed' }, { key: 'evening', status: 'waiting', ticket: 1 }] }))).toBe(
      'partial',
    );
  });

  it('is cancelled once cancelled', () => {
    expect(overallStatus(registration({ state: 'cancelled', items: [] }))).toBe('cancelled');
  });
});

describe('registrationAnswer', () => {
  const reg = registration({
    days: [
      { date: '2025-06-07', mode: 'onsite' },
      { date: '2025-06-08', mode: 'onsite' },
    ],
    workshops: ['chrono', 'socle-personnes-morales'],
    evening_event: true,
    items: [
      { key: D1, status: 'waiting', ticket: 12 },
      { key: D2, status: 'confirmed' },
      { key: 'workshop:socle-personnes-morales', status: 'waiting', ticket: 30 },
      { key: 'evening', status: 'confirmed' },
    ],
  });
  const positions = new Map([
    [D1, 3],
    ['workshop:socle-personnes-morales', 1],
  ]);
  const answer = registrationAnswer(reg, meeting, positions, BASE_URL, false);

  it('answers the contract fields with statuses and waiting positions per item', () => {
    expect(answer).toMatchObject({
      registration_id: reg.id,
      status: 'partial',
      in_waiting_list: true,
      days: [
        { date: '2025-06-07', mode: 'onsite', status: 'waiting', waiting_position: 3 },
        { date: '2025-06-08', mode: 'onsite', status: 'confirmed', waiting_position: null },
      ],
      workshops: [
        { id: 'chrono', title: 'Atelier 5 : Chrono', status: 'waiting', waiting_position: null },
        { id: 'socle-personnes-morales', title: 'Atelier 1 : Socle personnes morales', status: 'waiting', waiting_position: 1 },
      ],
      evening_event: { status: 'confirmed' },
      replayed: false,
    });
    expect(Object.keys(answer.days[0] ?? {}).sort()).toEqual(['date', 'mode', 'status', 'waiting_position']);
    expect(answer.workshops[0]).toMatchObject({ id: 'chrono', title: expect.any(String), status: expect.any(String) });
  });

  it('gives the personal links', () => {
    const base = `${BASE_URL}/registrations/${reg.id}`;
    expect(answer.api).toMatchObject({
      status_url: base,
      update_url: base,
      cancel_url: `${base}/cancel`,
      ics_url: `${base}/calendar.ics?token=tok3n`,
    });
    expect(registrationLinks(reg, BASE_URL)).toEqual(answer.api);
  });

  it('gives the links of the contract that exist so far', () => {
    // contract.md: `api` (`status_url`, `update_url`, `cancel_url`, `badge_url`, `ics_url`).
    // No `badge_url`: a badge carries the check-in token and only organisers print it (admin
    // token), so neither w.c.s. nor the person could open it (docs/publik-integration.md).
    expect(Object.keys(answer.api).sort()).toEqual(['cancel_url', 'ics_url', 'status_url', 'update_url']);
    expect(answer.api.cancel_url).toBe(`${answer.api.status_url}/cancel`);
    expect(answer.api.ics_url).toMatch(new RegExp(`^${answer.api.status_url}/calendar\\.ics\\?token=[a-z2-7]+$`));
  });

  it('never carries a display_id (w.c.s. would renumber the form)', () => {
    expect(keysDeep(answer)).not.toContain('display_id');
    expect(keysDeep(registrationAnswer(registration({ state: 'cancelled', items: [] }), meeting, new Map(), BASE_URL, true))).not.toContain(
      'display_id',
    );
  });

  it('flags a replay', () => {
    expect(registrationAnswer(reg, meeting, positions, BASE_URL, true).replayed).toBe(true);
  });

  it('says nothing waits when all is confirmed, and evening_event is null when not asked', () => {
    const confirmed = registrationAnswer(
      registration({ items: [{ key: D1, status: 'confirmed' }, { key: D2, status: 'confirmed' }] }),
      meeting,
      new Map(),
      BASE_URL,
      false,
    );
    expect(confirmed).toMatchObject({ status: 'confirmed', in_waiting_list: false, evening_event: null, workshops: [] });
  });

  it('answers waiting with in_waiting_list when every on-site day waits', () => {
    const waiting = registrationAnswer(
      registration({ days: [{ date: '2025-06-07', mode: 'onsite' }], items: [{ key: D1, status: 'waiting', ticket: 5 }] }),
      meeting,
      new Map([[D1, 2]]),
      BASE_URL,
      false,
    );
    expect(waiting).toMatchObject({ status: 'waiting', in_waiting_list: true, days: [{ status: 'waiting', waiting_position: 2 }] });
  });

  it('shows remote days as confirmed, and a cancelled registration as cancelled everywhere with nothing waiting', () => {
    const remote = registrationAnswer(
      registration({ days: [{ date: '2025-06-08', mode: 'remote' }], items: [{ key: 'remote:2025-06-08', status: 'confirmed' }] }),
      meeting,
      new Map(),
      BASE_URL,
      false,
    );
    expect(remote.days).toEqual([{ date: '2025-06-08', mode: 'remote', status: 'confirmed', waiting_position: null }]);
    const cancelled = registrationAnswer(registration({ ...reg, state: 'cancelled', items: [] }), meeting, new Map(), BASE_URL, true);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      in_waiting_list: false,
      days: [
        { status: 'cancelled', waiting_position: null },
        { status: 'cancelled', waiting_position: null },
      ],
      workshops: [{ status: 'cancelled' }, { status: 'cancelled' }],
      evening_event: { status: 'cancelled' },
      replayed: true,
    });
  });
});
