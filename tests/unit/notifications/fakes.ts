// A meeting, a promoted registration and its notification, for the notification unit tests.
import { defineMeeting } from '#shared/domain/meetings/define.ts';
import { MeetingInputSchema, type Meeting } from '#shared/domain/meetings/schema.ts';
import { registrationAnswer } from '#shared/domain/registrations/answer.ts';
import type { PromotionNotification as Notification } from '#shared/domain/registrations/ports.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import type { PromotionContext } from '#shared/domain/notifications/promotion.ts';
import club12 from '#tests/fixtures/admin-meeting-club-12.json' with { type: 'json' };

export const BASE_URL = 'https://club.example.org';
export const NOW = new Date('2025-05-02T10:00:00Z');

export function club12Meeting(): Meeting {
  const input = MeetingInputSchema.parse({
    ...club12,
    workshops: [
      ...club12.workshops,
      {
        id: 'gru-et-demarches',
        day: '2025-06-08',
        title: 'Atelier 2 : GRU & démarches <en ligne>',
        starts_at: '14:00',
        ends_at: '16:00',
        capacity: 10,
        waiting_list: false,
      },
    ],
  });
  return defineMeeting('club-12', input, undefined, NOW);
}

/** Camille was waiting for the first day; the place freed and she has it now. */
export function promotedRegistration(overrides: Partial<Registration> = {}): Registration {
  return {
    id: 'rabcdefghijklmnopqrstuvwx',
    meeting_id: 'club-12',
    access_token: 'tok3n',
    form_uuid: 'f-uuid-1',
    form_number: '12-34',
    form_url: 'https://demarches.example.org/club/inscription/34/',
    callback_url: 'https://demarches.example.org/club/inscription/34/jump/trigger/promu/',
    email: 'camille.martin@ville.example.fr',
    first_name: 'Camille',
    last_name: 'Martin',
    organisation: 'Ville de Villejuif',
    days: [
      { date: '2025-06-07', mode: 'onsite' },
      { date: '2025-06-08', mode: 'onsite' },
    ],
    workshops: ['socle-personnes-morales'],
    evening_event: true,
    items: [
      { key: 'day:2025-06-07', status: 'confirmed' },
      { key: 'day:2025-06-08', status: 'confirmed' },
      { key: 'workshop:socle-personnes-morales', status: 'waiting', ticket: 3 },
      { key: 'evening', status: 'confirmed' },
    ],
    state: 'active',
    request_hash: 'h',
    checked_in: {},
    version: 3,
    created_at: NOW.toISOString(),
    updated_at: NOW.toISOString(),
    ...overrides,
  };
}

export function promotionNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    id: 'n1notification',
    type: 'registration.promoted',
    meeting_id: 'club-12',
    registration_id: 'rabcdefghijklmnopqrstuvwx',
    item_key: 'day:2025-06-07',
    dropped_workshops: [],
    created_at: NOW.toISOString(),
    ...overrides,
  };
}

export function promotionContext(
  opts: { notification?: Partial<Notification>; registration?: Partial<Registration>; positions?: Map<string, number> } = {},
): PromotionContext {
  const meeting = club12Meeting();
  const registration = promotedRegistration(opts.registration);
  const positions = opts.positions ?? new Map([['workshop:socle-personnes-morales', 2]]);
  return {
    notification: promotionNotification(opts.notification),
    registration,
    meeting,
    answer: registrationAnswer(registration, meeting, positions, BASE_URL, false),
  };
}
