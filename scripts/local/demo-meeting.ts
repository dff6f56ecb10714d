// The demo meeting `npm start` creates through the real admin route: small capacities so full
// days, waiting lists, overlapping workshops and the evening event can all be tried by hand.
// Dates are relative to `now`, so the demo is always open for registration.
import { DateTime } from 'luxon';
import { frenchDayLabel } from '#shared/domain/meetings/views.ts';

const ZONE = 'Europe/Paris';

/** Body of `PUT /admin/meetings/{meetingId}` (docs: contract.md). */
export interface AdminMeetingBody {
  title: string;
  venue: string;
  timezone: string;
  registration_opens_at: string;
  registration_closes_at: string;
  image_rights_notice?: string;
  days: Array<{ date: string; label: string; onsite_capacity: number; remote_capacity?: number; waiting_list: boolean }>;
  workshops: Array<{
    id: string;
    day: string;
    title: string;
    starts_at: string;
    ends_at: string;
    capacity: number;
    waiting_list: boolean;
  }>;
  evening_event?: { date: string; title: string; capacity: number; waiting_list: boolean };
}

/** The demo meeting `club-12`, its two days about 70 and 71 days after `now`. */
export function demoMeeting(now: Date): { id: 'club-12'; body: AdminMeetingBody } {
  const today = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
  const day1 = today.plus({ days: 70 });
  const day2 = day1.plus({ days: 1 });
  const eve = day1.minus({ days: 1 });
  const iso = (d: DateTime) => d.toISODate() as string;
  const stamp = (d: DateTime) => d.toISO({ suppressMilliseconds: true }) as string;
  return {
    id: 'club-12',
    body: {
      title: '12e Club utilisateurs Publik',
      venue: 'Villejuif',
      timezone: ZONE,
      registration_opens_at: stamp(today.minus({ days: 30 })),
      registration_closes_at: stamp(today.plus({ days: 60 }).set({ hour: 23, minute: 59, second: 59 })),
      image_rights_notice: "J'accepte d'être photographié·e ou filmé·e pendant le club.",
      days: [
        { date: iso(day1), label: frenchDayLabel(iso(day1)), onsite_capacity: 4, waiting_list: true },
        { date: iso(day2), label: frenchDayLabel(iso(day2)), onsite_capacity: 3, waiting_list: false },
      ],
      workshops: [
        {
          id: 'prise-en-main-wcs',
          day: iso(day1),
          title: 'Atelier 1 : Prise en main de w.c.s.',
          starts_at: '14:00',
          ends_at: '16:00',
          capacity: 2,
          waiting_list: true,
        },
        {
          id: 'socle-personnes-morales',
          day: iso(day2),
          title: 'Atelier 2 : Socle personnes morales',
          starts_at: '14:00',
          ends_at: '16:00',
          capacity: 2,
          waiting_list: true,
        },
        {
          id: 'workflows-avances',
          day: iso(day2),
          title: 'Atelier 3 : Workflows avancés',
          starts_at: '15:00',
          ends_at: '17:00',
          capacity: 3,
          waiting_list: false,
        },
      ],
      evening_event: { date: iso(eve), title: 'Soirée de la veille', capacity: 3, waiting_list: true },
    },
  };
}
