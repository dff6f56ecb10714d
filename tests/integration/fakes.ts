// Builders shared by the integration tests (house rule: a folder's builders live in its fakes.ts).
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';

/**
 * The one-day test meeting the survey tests register people to (7 June 2027, registration open
 * in 2027), with on-site places and, when `workshopCapacity` is given, the « socle » workshop.
 */
export function surveyTestMeeting(o: { onsiteCapacity: number; workshopCapacity?: number }) {
  return MeetingInputSchema.parse({
    title: 'Club test',
    venue: 'Villejuif',
    registration_opens_at: '2027-01-01T00:00:00+01:00',
    registration_closes_at: '2027-06-01T00:00:00+01:00',
    days: [{ date: '2027-06-07', onsite_capacity: o.onsiteCapacity, waiting_list: false }],
    ...(o.workshopCapacity === undefined
      ? {}
      : { workshops: [{ id: 'socle', day: '2027-06-07', title: 'Socle', starts_at: '14:00', ends_at: '16:00', capacity: o.workshopCapacity, waiting_list: false }] }),
  });
}
