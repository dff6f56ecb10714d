import { describe, expect, it } from 'vitest';
import example from '#tests/fixtures/admin-meeting-club-12.json' with { type: 'json' };
import { defineMeeting, removedItemKeys } from '#shared/domain/meetings/define.ts';
import { itemDefinitionsOf, placesOf, withCounters, type CapacityItem } from '#shared/domain/meetings/items.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import {
  dayDataSourceItems,
  frenchDateRange,
  frenchDayLabel,
  isRegistrationOpen,
  meetingDataSourceItem,
  meetingView,
  placesLeftText,
  workshopDataSourceItems,
} from '#shared/domain/meetings/views.ts';

const now = new Date('2025-05-02T10:00:00Z');
const input = MeetingInputSchema.parse(example);
const meeting = defineMeeting('club-12', input, undefined, now);

function items(counters: Record<string, { confirmed: number; waiting: number }> = {}): CapacityItem[] {
  return withCounters(itemDefinitionsOf(meeting), new Map(Object.entries(counters)));
}

describe('defineMeeting', () => {
  it('starts at version 1 with notice version 1 and keeps given labels', () => {
    expect(meeting.version).toBe(1);
    expect(meeting.image_rights_notice_version).toBe(1);
    expect(meeting.days.map((d) => d.label)).toEqual(['Mercredi 7 juin', 'Jeudi 8 juin']);
  });

  it('labels days in French when no label is given', () => {
    const body = structuredClone(example) as any;
    delete body.days[0].label;
    const m = defineMeeting('x', MeetingInputSchema.parse(body), undefined, now);
    expect(m.days[0]?.label).toBe('Samedi 7 juin');
    expect(frenchDayLabel('2026-01-01')).toBe('Jeudi 1er janvier');
  });

  it('raises the notice version only when the notice text changes', () => {
    const same = defineMeeting('club-12', input, meeting, now);
    expect(same.version).toBe(2);
    expect(same.image_rights_notice_version).toBe(1);
    expect(same.created_at).toBe(meeting.created_at);
    const changed = defineMeeting('club-12', { ...input, image_rights_notice: 'Nouveau texte.' }, same, now);
    expect(changed.image_rights_notice_version).toBe(2);
  });

  it('lists the items a new definition drops', () => {
    const next = defineMeeting('club-12', { ...input, workshops: [], evening_event: undefined }, meeting, now);
    expect(removedItemKeys(meeting, next).sort()).toEqual(['evening', 'workshop:socle-personnes-morales']);
    expect(removedItemKeys(undefined, next)).toEqual([]);
  });
});

describe('places', () => {
  it('counts places left and waiting like Chrono', () => {
    const [day1] = items({ 'day:2025-06-07': { confirmed: 60, waiting: 2 } });
    expect(placesOf(day1 as CapacityItem)).toEqual({
      total: 60,
      reserved: 60,
      available: 0,
      full: true,
      has_waiting_list: true,
      waiting_list_total: null,
      waiting_list_reserved: 2,
      waiting_list_available: null,
      waiting_list_activated: true,
    });
  });

  it('keeps a freed place for the waiting list', () => {
    const item = { key: 'x', kind: 'workshop', ref: 'x', capacity: 5, waiting_list: true, confirmed: 4, waiting: 1, seq: 1 } as const;
    expect(placesOf(item)).toMatchObject({ available: 1, full: true, waiting_list_activated: true });
  });

  it('words places in French', () => {
    const p = (capacity: number | null, confirmed: number, waiting = 0, waiting_list = true) =>
      placesLeftText(placesOf({ key: 'k', kind: 'day', ref: 'r', capacity, waiting_list, confirmed, waiting, seq: waiting }));
    expect(p(10, 9)).toBe('1 place restante');
    expect(p(10, 3)).toBe('7 places restantes');
    expect(p(10, 10)).toBe('complet, liste d’attente ouverte');
    expect(p(10, 10, 1)).toBe('complet, liste d’attente (1 personne)');
    expect(p(10, 10, 3)).toBe('complet, liste d’attente (3 personnes)');
    expect(p(10, 10, 0, false)).toBe('complet');
    expect(p(null, 100)).toBe('places illimitées');
  });
});

describe('data sources', () => {
  it('meeting item: French text, open window, disabled when closed', () => {
    const item = meetingDataSourceItem(meeting, now);
    expect(item).toMatchObject({
      id: 'club-12',
      text: '12e Club utilisateurs Publik — Villejuif, 7 et 8 juin 2025',
      registration_open: true,
      disabled: false,
    });
    expect(meetingDataSourceItem(meeting, new Date('2025-06-06T00:00:00Z')).disabled).toBe(true);
    expect(isRegistrationOpen(meeting, new Date('2025-03-31T21:59:59Z'))).toBe(false);
    expect(isRegistrationOpen(meeting, new Date('2025-03-31T22:00:00Z'))).toBe(true);
  });

  it('formats date ranges', () => {
    expect(frenchDateRange(['2025-06-08', '2025-06-07'])).toBe('7 et 8 juin 2025');
    expect(frenchDateRange(['2025-06-30', '2025-07-01'])).toBe('30 juin et 1er juillet 2025');
    expect(frenchDateRange(['2025-06-07'])).toBe('7 juin 2025');
  });

  it('days show on-site places; a full day without waiting list stays selectable for remote', () => {
    const days = dayDataSourceItems(meeting, items({ 'day:2025-06-08': { confirmed: 60, waiting: 0 } }));
    expect(days.map((d) => d.id)).toEqual(['2025-06-07', '2025-06-08']);
    expect(days[0]?.text).toBe('Mercredi 7 juin — sur place : 60 places restantes');
    expect(days[1]?.text).toBe('Jeudi 8 juin — sur place : complet');
    expect(days[1]?.disabled).toBe(false);
  });

  it('days with mode=onsite: a full day without waiting list is disabled; with a waiting list it stays selectable', () => {
    const counters = items({ 'day:2025-06-08': { confirmed: 60, waiting: 0 }, 'day:2025-06-07': { confirmed: 60, waiting: 0 } });
    const days = dayDataSourceItems(meeting, counters, 'onsite');
    expect(days.map((d) => [d.id, d.disabled])).toEqual([
      ['2025-06-07', false],
      ['2025-06-08', true],
    ]);
  });

  it('workshops: disabled when full without waiting list, day filter', () => {
    const m2 = defineMeeting(
      'club-12',
      {
        ...input,
        workshops: [
          ...input.workshops,
          { id: 'mutualiser', day: '2025-06-07', title: 'Mutualiser', starts_at: '10:00', ends_at: '12:00', capacity: 2, waiting_list: false, description: undefined },
        ],
      },
      meeting,
      now,
    );
    const its = withCounters(itemDefinitionsOf(m2), new Map([['workshop:mutualiser', { confirmed: 2, waiting: 0 }]]));
    const all = workshopDataSourceItems(m2, its);
    expect(all.map((w) => w.id)).toEqual(['mutualiser', 'socle-personnes-morales']);
    expect(all[0]).toMatchObject({ disabled: true, text: 'Mutualiser (Mercredi 7 juin, 10h00–12h00) — complet' });
    expect(all[1]).toMatchObject({ disabled: false, text: 'Atelier 1 : Socle personnes morales (Jeudi 8 juin, 14h00–16h00) — 25 places restantes' });
    expect(workshopDataSourceItems(m2, its, '2025-06-08').map((w) => w.id)).toEqual(['socle-personnes-morales']);
  });

  it('the meeting view carries places for every item', () => {
    const view = meetingView(meeting, items({ evening: { confirmed: 80, waiting: 0 } }), now);
    expect(view.days[0]?.places.available).toBe(60);
    expect(view.days[0]?.remote_places.total).toBeNull();
    expect(view.workshops[0]?.places.total).toBe(25);
    expect(view.evening_event?.places).toMatchObject({ full: true, has_waiting_list: false });
    expect(view.image_rights_notice_version).toBe(1);
  });
});
