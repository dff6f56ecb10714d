// The demo story the README tells and the `npm start` banner prints, in that order: five people
// register to the demo meeting, the first one cancels (the first person waiting for each freed
// item is confirmed), then someone still registered votes and answers the survey. One module so
// that the banner, the README and the e2e test that runs the story (tests/e2e/demo-story.test.ts)
// use the same ids and emails.
import { demoMeeting } from './demo-meeting.ts';

export const DEMO_MEETING_ID = 'club-12';

/** Who does what in the story (person numbers, `personne<n>@example.org`). */
export const DEMO_STORY = {
  /** Registered in this order: day 1 has 4 places and the evening 3, both with a waiting list. */
  people: [1, 2, 3, 4, 5],
  /** Cancels after the five registrations. */
  cancels: 1,
  /** Waited for the evening, confirmed by the cancellation. */
  promotedToEvening: 4,
  /** Waited for day 1, confirmed by the cancellation (still waiting for the evening). */
  promotedToDay: 5,
  /** Still registered: votes for their organisation and answers the survey. */
  voter: 2,
} as const;

export const demoEmail = (n: number | string) => `personne${n}@example.org`;

/** A registration body for the demo meeting, as a w.c.s. form would send it. */
export function demoRegistration(n: number | string, now = new Date()) {
  const days = demoMeeting(now).body.days;
  return {
    form_uuid: `demo-form-${n}`,
    email: demoEmail(n),
    first_name: 'Camille',
    last_name: `Exemple ${n}`,
    organisation: 'Ville de Villejuif',
    onsite_days: [days[0]?.date],
    evening_event: true,
    image_rights: 'accepted',
  };
}

/**
 * The registration body as a double-quoted shell word in which `$n` is the person's number
 * (for the banner's `for n in 1 2 3 4 5` loop).
 */
export function demoRegistrationShellWord(now = new Date()): string {
  const json = JSON.stringify(demoRegistration('@N@', now)).replace(/["\\$`]/g, '\\$&');
  return `"${json.replaceAll('@N@', '$n')}"`;
}
