import { describe, expect, it } from 'vitest';
import { RefusalError } from '#shared/errors.ts';
import {
  choiceDeltas,
  countedChoices,
  planPromotion,
  planRegistration,
  planRelease,
  positionsOf,
  withChoices,
} from '#shared/domain/registrations/allocation.ts';
import { wantedItems } from '#shared/domain/registrations/rules.ts';
import type { HeldItem } from '#shared/domain/registrations/schema.ts';
import { buildMeeting, countersOf, request } from '#tests/unit/registrations/fakes.ts';

// Day 1 (7 June): 60 places with a waiting list; day 2 (8 June): 60 places without.
// Workshops on day 2: mutualiser-publik (20, no list), formulaires (20, list),
// socle-personnes-morales (25, list), rgpd (20, list); on day 1: chrono (10, list).
// Evening: 80 places without a waiting list.
const meeting = buildMeeting();
const D1 = 'day:2025-06-07';
const D2 = 'day:2025-06-08';
const wanted = (overrides: Record<string, unknown>) => wantedItems(meeting, request(overrides)).items;

function refusal(fn: () => unknown): RefusalError {
  expect(fn).toThrow(RefusalError);
  try {
    fn();
  } catch (error) {
    return error as RefusalError;
  }
  throw new Error('unreachable');
}

describe('planRegistration: a new registration', () => {
  it('takes free places on every item', () => {
    const plan = planRegistration(
      meeting,
      countersOf(meeting),
      wanted({ onsite_days: ['2025-06-08'], remote_days: ['2025-06-07'], workshops: ['socle-personnes-morales'], evening_event: true }),
    );
    expect(plan.actions).toEqual([
      { type: 'take', key: D2 },
      { type: 'take', key: 'remote:2025-06-07' },
      { type: 'take', key: 'workshop:socle-personnes-morales' },
      { type: 'take', key: 'evening' },
    ]);
    expect(plan.held).toEqual([
      { key: D2, status: 'confirmed' },
      { key: 'remote:2025-06-07', status: 'confirmed' },
      { key: 'workshop:socle-personnes-morales', status: 'confirmed' },
      { key: 'evening', status: 'confirmed' },
    ]);
  });

  it('takes the last place', () => {
    const plan = planRegistration(meeting, countersOf(meeting, { [D1]: { confirmed: 59 } }), wanted({ onsite_days: ['2025-06-07'] }));
    expect(plan.actions).toEqual([{ type: 'take', key: D1 }]);
  });

  it('puts a full day with a waiting list on its list, and its workshops wait for the day (nothing held)', () => {
    const plan = planRegistration(
      meeting,
      countersOf(meeting, { [D1]: { confirmed: 60 } }),
      wanted({ onsite_days: ['2025-06-07'], workshops: ['chrono'] }),
    );
    expect(plan.actions).toEqual([{ type: 'wait', key: D1, ticket: 1, ahead: 0 }]);
    expect(plan.held).toEqual([{ key: D1, status: 'waiting', ticket: 1 }]);
  });

  it('does not refuse a workshop full without waiting list while its day is waiting (decided at promotion)', () => {
    const m = buildMeeting({
      days: [{ date: '2025-06-08', label: 'Jeudi 8 juin', onsite_capacity: 1, waiting_list: true }],
      workshops: [{ id: 'w', day: '2025-06-08', title: 'W', starts_at: '10:00', ends_at: '12:00', capacity: 1, waiting_list: false }],
    });
    const plan = planRegistration(
      m,
      countersOf(m, { [D2]: { confirmed: 1 }, 'workshop:w': { confirmed: 1 } }),
      wantedItems(m, request({ onsite_days: ['2025-06-08'], workshops: ['w'] })).items,
    );
    expect(plan.actions).toEqual([{ type: 'wait', key: D2, ticket: 1, ahead: 0 }]);
  });

  it('sends a newcomer to the waiting list when a place has freed but people wait (FIFO)', () => {
    // Seven tickets were issued, six left the list: the next is ticket 8, behind the one waiting.
    const plan = planRegistration(meeting, countersOf(meeting, { [D1]: { confirmed: 59, waiting: 1, seq: 7 } }), wanted({ onsite_days: ['2025-06-07'] }));
    expect(plan.actions).toEqual([{ type: 'wait', key: D1, ticket: 8, ahead: 1 }]);
    expect(positionsOf(plan.actions)).toEqual(new Map([[D1, 2]]));
  });

  it('refuses everything when a day is full without a waiting list: day-full, nothing planned', () => {
    const counters = countersOf(meeting, { [D2]: { confirmed: 60 } });
    const error = refusal(() =>
      planRegistration(meeting, counters, wanted({ onsite_days: ['2025-06-07', '2025-06-08'], evening_event: true })),
    );
    expect(error.code).toBe('day-full');
    expect(error.statusCode).toBe(200);
    expect(error.message).toContain('rien n’a été réservé');
    expect(error.details?.data).toEqual({ date: '2025-06-08' });
  });

  it('refuses a workshop full without a waiting list: workshop-full', () => {
    const error = refusal(() =>
      planRegistration(
        meeting,
        countersOf(meeting, { 'workshop:mutualiser-publik': { confirmed: 20 } }),
        wanted({ onsite_days: ['2025-06-08'], workshops: ['mutualiser-publik'] }),
      ),
    );
    expect(error.code).toBe('workshop-full');
    expect(error.message).toBe('L’atelier « Atelier 2 : Mutualiser Publik » est complet : rien n’a été réservé.');
    expect(error.details?.data).toEqual({ workshop: 'mutualiser-publik' });
  });

  it('puts a full workshop with a waiting list on its list when the day is confirmed', () => {
    const plan = planRegistration(
      meeting,
      countersOf(meeting, { 'workshop:socle-personnes-morales': { confirmed: 25 } }),
      wanted({ onsite_days: ['2025-06-08'], workshops: ['socle-personnes-morales'] }),
    );
    expect(plan.actions).toEqual([
      { type: 'take', key: D2 },
      { type: 'wait', key: 'workshop:socle-personnes-morales', ticket: 1, ahead: 0 },
    ]);
  });

  it('refuses the evening event when full without a waiting list: evening-full', () => {
    const error = refusal(() =>
      planRegistration(meeting, countersOf(meeting, { evening: { confirmed: 80 } }), wanted({ evening_event: true })),
    );
    expect(error.code).toBe('evening-full');
    expect(error.message).toBe('La soirée est complète : rien n’a été réservé.');
  });

  it('refuses remote attendance once a remote capacity is reached: remote-full; unlimited otherwise', () => {
    const limited = buildMeeting({
      days: [{ date: '2025-06-07', label: 'Mercredi 7 juin', onsite_capacity: 60, waiting_list: true, remote_capacity: 50 }],
      workshops: [],
    });
    const remoteOnly = wantedItems(limited, request({ onsite_days: [], remote_days: ['2025-06-07'] })).items;
    const error = refusal(() => planRegistration(limited, countersOf(limited, { 'remote:2025-06-07': { confirmed: 50 } }), remoteOnly));
    expect(error.code).toBe('remote-full');
    expect(error.details?.data).toEqual({ date: '2025-06-07' });
    expect(planRegistration(limited, countersOf(limited, { 'remote:2025-06-07': { confirmed: 49 } }), remoteOnly).actions).toEqual([
      { type: 'take', key: 'remote:2025-06-07' },
    ]);
    const unlimited = planRegistration(
      meeting,
      countersOf(meeting, { 'remote:2025-06-07': { confirmed: 10_000 } }),
      wanted({ onsite_days: [], remote_days: ['2025-06-07'] }),
    );
    expect(unlimited.actions).toEqual([{ type: 'take', key: 'remote:2025-06-07' }]);
  });
});

describe('planRegistration: a modification', () => {
  const previous: HeldItem[] = [
    { key: D1, status: 'waiting', ticket: 4 },
    { key: D2, status: 'confirmed' },
    { key: 'workshop:socle-personnes-morales', status: 'waiting', ticket: 9 },
    { key: 'workshop:mutualiser-publik', status: 'confirmed' },
    { key: 'evening', status: 'confirmed' },
  ];
  const full = countersOf(meeting, {
    [D1]: { confirmed: 60, waiting: 5 },
    [D2]: { confirmed: 60 },
    'workshop:socle-personnes-morales': { confirmed: 25, waiting: 9 },
    'workshop:mutualiser-publik': { confirmed: 20 },
    evening: { confirmed: 80 },
  });

  it('keeps unchanged items as they are, with their waiting tickets, and plans nothing', () => {
    const plan = planRegistration(
      meeting,
      full,
      wanted({ onsite_days: ['2025-06-07', '2025-06-08'], workshops: ['socle-personnes-morales', 'mutualiser-publik'], evening_event: true }),
      previous,
    );
    expect(plan.actions).toEqual([]);
    expect(plan.held).toEqual(previous);
  });

  it('releases removed places, leaves removed waiting lists with their ticket, and takes added items', () => {
    const plan = planRegistration(
      meeting,
      full,
      wanted({ onsite_days: ['2025-06-08'], remote_days: ['2025-06-07'], workshops: ['formulaires'] }),
      previous,
    );
    expect(plan.actions).toEqual([
      { type: 'take', key: 'remote:2025-06-07' },
      { type: 'take', key: 'workshop:formulaires' },
      { type: 'leave', key: D1, ticket: 4 },
      { type: 'leave', key: 'workshop:socle-personnes-morales', ticket: 9 },
      { type: 'release', key: 'workshop:mutualiser-publik' },
      { type: 'release', key: 'evening' },
    ]);
    expect(plan.held).toEqual([
      { key: D2, status: 'confirmed' },
      { key: 'remote:2025-06-07', status: 'confirmed' },
      { key: 'workshop:formulaires', status: 'confirmed' },
    ]);
  });

  it('keeps a held place even when the item is now full (no re-check of kept items)', () => {
    const plan = planRegistration(meeting, full, wanted({ onsite_days: ['2025-06-08'], workshops: ['mutualiser-publik'] }), [
      { key: D2, status: 'confirmed' },
      { key: 'workshop:mutualiser-publik', status: 'confirmed' },
    ]);
    expect(plan.actions).toEqual([]);
  });

  it('refuses the whole modification when an added item is full without a waiting list (nothing changes)', () => {
    const error = refusal(() =>
      planRegistration(meeting, full, wanted({ onsite_days: ['2025-06-07', '2025-06-08'], evening_event: true, workshops: [] }), [
        { key: D1, status: 'confirmed' },
        { key: D2, status: 'confirmed' },
        { key: 'workshop:mutualiser-publik', status: 'confirmed' },
      ]),
    );
    expect(error.code).toBe('evening-full');
  });

  it('switching a confirmed day to remote gives back the day and its workshops', () => {
    const plan = planRegistration(meeting, countersOf(meeting), wanted({ onsite_days: [], remote_days: ['2025-06-08'] }), [
      { key: D2, status: 'confirmed' },
      { key: 'workshop:rgpd', status: 'confirmed' },
    ]);
    expect(plan.actions).toEqual([
      { type: 'take', key: 'remote:2025-06-08' },
      { type: 'release', key: D2 },
      { type: 'release', key: 'workshop:rgpd' },
    ]);
    expect(plan.held).toEqual([{ key: 'remote:2025-06-08', status: 'confirmed' }]);
  });

  it('a workshop added while the day waits holds nothing until the day is granted', () => {
    const plan = planRegistration(meeting, full, wanted({ onsite_days: ['2025-06-07'], workshops: ['chrono'] }), [
      { key: D1, status: 'waiting', ticket: 4 },
    ]);
    expect(plan.actions).toEqual([]);
    expect(plan.held).toEqual([{ key: D1, status: 'waiting', ticket: 4 }]);
  });
});

describe('planRelease', () => {
  it('gives back every place and waiting ticket', () => {
    expect(
      planRelease([
        { key: D1, status: 'confirmed' },
        { key: 'workshop:chrono', status: 'waiting', ticket: 3 },
        { key: 'evening', status: 'confirmed' },
      ]),
    ).toEqual([
      { type: 'release', key: D1 },
      { type: 'leave', key: 'workshop:chrono', ticket: 3 },
      { type: 'release', key: 'evening' },
    ]);
    expect(planRelease([])).toEqual([]);
  });
});

describe('planPromotion', () => {
  // Someone waiting for day 2 who chose three workshops of that day.
  const m = buildMeeting({
    days: [
      { date: '2025-06-07', label: 'Mercredi 7 juin', onsite_capacity: 10, waiting_list: true },
      { date: '2025-06-08', label: 'Jeudi 8 juin', onsite_capacity: 10, waiting_list: true },
    ],
  });
  const held: HeldItem[] = [
    { key: D1, status: 'confirmed' },
    { key: D2, status: 'waiting', ticket: 1 },
    { key: 'workshop:chrono', status: 'confirmed' },
  ];
  const chosen = ['chrono', 'mutualiser-publik', 'formulaires', 'socle-personnes-morales'];

  it('confirms the day and takes the free workshops of that day', () => {
    const plan = planPromotion(m, countersOf(m, { [D2]: { confirmed: 9, waiting: 1 } }), held, chosen, D2, chosen);
    expect(plan.held).toEqual([
      { key: D1, status: 'confirmed' },
      { key: D2, status: 'confirmed' },
      { key: 'workshop:chrono', status: 'confirmed' },
      { key: 'workshop:mutualiser-publik', status: 'confirmed' },
      { key: 'workshop:formulaires', status: 'confirmed' },
      { key: 'workshop:socle-personnes-morales', status: 'confirmed' },
    ]);
    expect(plan.actions).toEqual([
      { type: 'take', key: 'workshop:mutualiser-publik' },
      { type: 'take', key: 'workshop:formulaires' },
      { type: 'take', key: 'workshop:socle-personnes-morales' },
    ]);
    expect(plan.dropped).toEqual([]);
  });

  it('puts a full workshop with a waiting list on its list, and drops one full without', () => {
    const counters = countersOf(m, {
      [D2]: { confirmed: 9, waiting: 1 },
      'workshop:mutualiser-publik': { confirmed: 20 },
      'workshop:formulaires': { confirmed: 20 },
      'workshop:socle-personnes-morales': { confirmed: 24, waiting: 2, seq: 5 },
    });
    const plan = planPromotion(m, counters, held, chosen, D2, chosen);
    expect(plan.actions).toEqual([
      { type: 'wait', key: 'workshop:formulaires', ticket: 1, ahead: 0 },
      { type: 'wait', key: 'workshop:socle-personnes-morales', ticket: 6, ahead: 2 },
      // Dropped, it is no longer chosen: its `chosen` count goes down with the promotion.
      { type: 'choose', key: 'workshop:mutualiser-publik', chosen: -1 },
    ]);
    expect(plan.dropped).toEqual(['mutualiser-publik']);
    expect(plan.held).toContainEqual({ key: D2, status: 'confirmed' });
    expect(plan.held).toContainEqual({ key: 'workshop:formulaires', status: 'waiting', ticket: 1 });
    expect(plan.held.map((h) => h.key)).not.toContain('workshop:mutualiser-publik');
  });

  it('promotes a workshop or the evening alone: no follow-up', () => {
    const h: HeldItem[] = [
      { key: D2, status: 'confirmed' },
      { key: 'workshop:rgpd', status: 'waiting', ticket: 7 },
    ];
    const plan = planPromotion(m, countersOf(m, { 'workshop:rgpd': { confirmed: 19, waiting: 1 } }), h, ['rgpd'], 'workshop:rgpd', ['rgpd']);
    expect(plan).toEqual({
      actions: [],
      held: [
        { key: D2, status: 'confirmed' },
        { key: 'workshop:rgpd', status: 'confirmed' },
      ],
      dropped: [],
    });
  });
});

// The `chosen` count of a workshop item: active registrations whose `workshops` name it,
// whatever they hold. It moves inside the registration's own transaction, folded into the
// update the plan already makes on that item (one operation per item per transaction).
describe('chosen counts of workshops', () => {
  const keysOf = (actions: { key: string }[]) => actions.map((a) => a.key);
  const once = (actions: { key: string }[]) => expect(new Set(keysOf(actions)).size).toBe(actions.length);

  it('a new registration counts every workshop it chose, riding on the take or wait it makes there', () => {
    const counters = countersOf(meeting, { 'workshop:formulaires': { confirmed: 20 } });
    const want = wantedItems(meeting, request({ onsite_days: ['2025-06-08'], workshops: ['socle-personnes-morales', 'formulaires'] }));
    const plan = planRegistration(meeting, counters, want.items);
    const actions = withChoices(plan.actions, choiceDeltas([], want.workshops));
    expect(actions).toEqual([
      { type: 'take', key: D2 },
      { type: 'take', key: 'workshop:socle-personnes-morales', chosen: 1 },
      { type: 'wait', key: 'workshop:formulaires', ticket: 1, ahead: 0, chosen: 1 },
    ]);
    once(actions);
  });

  it('a workshop waiting for its full day holds nothing, yet is counted (a choose action of its own)', () => {
    const want = wantedItems(meeting, request({ onsite_days: ['2025-06-07'], workshops: ['chrono'] }));
    const plan = planRegistration(meeting, countersOf(meeting, { [D1]: { confirmed: 60 } }), want.items);
    const actions = withChoices(plan.actions, choiceDeltas([], want.workshops));
    expect(actions).toEqual([
      { type: 'wait', key: D1, ticket: 1, ahead: 0 },
      { type: 'choose', key: 'workshop:chrono', chosen: 1 },
    ]);
  });

  it('a modification counts the workshops added and uncounts those removed; kept ones do not move', () => {
    const previous: HeldItem[] = [
      { key: D2, status: 'confirmed' },
      { key: 'workshop:mutualiser-publik', status: 'confirmed' },
      { key: 'workshop:rgpd', status: 'waiting', ticket: 2 },
    ];
    const before = { workshops: ['mutualiser-publik', 'rgpd', 'socle-personnes-morales'], choices_counted: true, state: 'active' as const };
    previous.push({ key: 'workshop:socle-personnes-morales', status: 'confirmed' });
    const want = wantedItems(meeting, request({ onsite_days: ['2025-06-08'], workshops: ['formulaires', 'socle-personnes-morales'] }));
    const plan = planRegistration(meeting, countersOf(meeting), want.items, previous);
    const actions = withChoices(plan.actions, choiceDeltas(countedChoices(before), want.workshops));
    expect(actions).toEqual([
      { type: 'take', key: 'workshop:formulaires', chosen: 1 },
      { type: 'release', key: 'workshop:mutualiser-publik', chosen: -1 },
      { type: 'leave', key: 'workshop:rgpd', ticket: 2, chosen: -1 },
    ]);
    once(actions);
  });

  it('a modification removing a workshop that waited for its day uncounts it alone', () => {
    const before = { workshops: ['chrono'], choices_counted: true, state: 'active' as const };
    const want = wantedItems(meeting, request({ onsite_days: ['2025-06-07'], workshops: [] }));
    const plan = planRegistration(meeting, countersOf(meeting), want.items, [{ key: D1, status: 'waiting', ticket: 4 }]);
    expect(withChoices(plan.actions, choiceDeltas(countedChoices(before), want.workshops))).toEqual([
      { type: 'choose', key: 'workshop:chrono', chosen: -1 },
    ]);
  });

  it('a registration stored before the counts is counted in none: its modification counts all it chooses then', () => {
    const legacy = { workshops: ['chrono'], state: 'active' as const };
    expect(countedChoices(legacy)).toEqual([]);
    expect(countedChoices({ ...legacy, choices_counted: false })).toEqual([]);
    expect(choiceDeltas(countedChoices(legacy), ['chrono'])).toEqual(new Map([['workshop:chrono', 1]]));
  });

  it('a cancellation uncounts every counted workshop, on the release or leave it makes there or alone', () => {
    const reg = { workshops: ['chrono', 'rgpd', 'formulaires'], choices_counted: true, state: 'active' as const };
    const held: HeldItem[] = [
      { key: D1, status: 'confirmed' },
      { key: D2, status: 'confirmed' },
      { key: 'workshop:chrono', status: 'confirmed' },
      { key: 'workshop:rgpd', status: 'waiting', ticket: 3 },
    ];
    const actions = withChoices(planRelease(held), choiceDeltas(countedChoices(reg), []));
    expect(actions).toEqual([
      { type: 'release', key: D1 },
      { type: 'release', key: D2 },
      { type: 'release', key: 'workshop:chrono', chosen: -1 },
      { type: 'leave', key: 'workshop:rgpd', ticket: 3, chosen: -1 },
      { type: 'choose', key: 'workshop:formulaires', chosen: -1 },
    ]);
    once(actions);
    // Nothing to take back from a registration that was never counted, nor twice from a cancelled one.
    expect(withChoices(planRelease(held), choiceDeltas(countedChoices({ ...reg, choices_counted: undefined }), []))).toEqual(planRelease(held));
    expect(countedChoices({ ...reg, state: 'cancelled' })).toEqual([]);
  });

  it('a promotion that drops a counted workshop uncounts it; one the meeting no longer has, or an uncounted one, moves nothing', () => {
    const m = buildMeeting({
      days: [
        { date: '2025-06-07', label: 'Mercredi 7 juin', onsite_capacity: 10, waiting_list: true },
        { date: '2025-06-08', label: 'Jeudi 8 juin', onsite_capacity: 10, waiting_list: true },
      ],
    });
    const held: HeldItem[] = [{ key: D2, status: 'waiting', ticket: 1 }];
    const counters = countersOf(m, { [D2]: { confirmed: 9, waiting: 1 }, 'workshop:mutualiser-publik': { confirmed: 20 } });
    const chosen = ['mutualiser-publik', 'rgpd', 'gone'];
    const counted = planPromotion(m, counters, held, chosen, D2, chosen);
    expect(counted.dropped).toEqual(['gone', 'mutualiser-publik']);
    expect(counted.actions).toEqual([
      { type: 'take', key: 'workshop:rgpd' },
      { type: 'choose', key: 'workshop:mutualiser-publik', chosen: -1 },
    ]);
    expect(planPromotion(m, counters, held, chosen, D2, []).actions).toEqual([{ type: 'take', key: 'workshop:rgpd' }]);
  });

  it('choiceDeltas treats lists as sets', () => {
    expect(choiceDeltas(['a', 'b', 'b'], ['b', 'c', 'c'])).toEqual(
      new Map([
        ['workshop:c', 1],
        ['workshop:a', -1],
      ]),
    );
  });
});
