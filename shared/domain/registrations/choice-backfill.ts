// The backfill of the workshops' `chosen` counts (issue 21): registrations stored before those
// counters (`choices_counted` absent) are counted in none. Pure: what one such registration adds.
// The write (scripts/backfill-workshop-counts.ts through ChoiceBackfillRepository) marks the
// registration counted and adds its choices in one transaction, conditional on the registration's
// version and on the meeting version of each workshop item, so a live change racing it decides
// again (and counts nothing twice): see docs/operations.md, « Backfilling the workshops' counts ».
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { workshopKey } from '#shared/domain/meetings/items.ts';
import type { Registration } from './schema.ts';

/** The workshop item keys a registration adds 1 to; undefined when it has nothing to backfill. */
export function choicesToBackfill(meeting: Pick<Meeting, 'workshops'>, registration: Pick<Registration, 'state' | 'choices_counted' | 'workshops'>): string[] | undefined {
  if (registration.state !== 'active' || registration.choices_counted === true) return undefined;
  // A workshop the meeting no longer has has no counter: nothing to count it in (as live changes do).
  const defined = new Set(meeting.workshops.map((w) => w.id));
  return [...new Set(registration.workshops)].filter((id) => defined.has(id)).map(workshopKey);
}
