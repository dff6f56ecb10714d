// Meeting use cases: what the handlers call. Storage comes in through the MeetingRepository port.
import { decideAgain } from '#shared/domain/conflicts.ts';
import { ConflictError, NotFoundError, ServiceBusyError } from '#shared/errors.ts';
import { defineMeeting, movedWorkshopKeys, removedItemKeys } from '#shared/domain/meetings/define.ts';
import { describeItemKey, itemDefinitionsOf } from '#shared/domain/meetings/items.ts';
import { CapacityBelowConfirmedError, ItemInUseError, type MeetingRepository, type MeetingWithItems } from '#shared/domain/meetings/ports.ts';
import type { Meeting, MeetingInput } from '#shared/domain/meetings/schema.ts';
import { isRegistrationOpen } from '#shared/domain/meetings/views.ts';

export const meetingNotFound = (meetingId: string) => new NotFoundError(`Réunion inconnue : « ${meetingId} ».`, 'unknown-meeting');

/** Three saves in a row lost the race on the meeting's version: nothing written. */
const meetingBusy = () => new ServiceBusyError('La réunion est modifiée en même temps par quelqu’un d’autre : veuillez réessayer.');

export class MeetingService {
  constructor(private readonly store: MeetingRepository) {}

  /** Meetings open for registration now; with `includeClosed`, all of them. Soonest first. */
  async listMeetings(now: Date, includeClosed = false): Promise<Meeting[]> {
    const all = await this.store.listMeetings();
    return all
      .filter((m) => includeClosed || isRegistrationOpen(m, now))
      .sort((a, b) => (a.days[0]?.date ?? '').localeCompare(b.days[0]?.date ?? '') || a.id.localeCompare(b.id));
  }

  async getMeeting(meetingId: string): Promise<MeetingWithItems> {
    const found = await this.store.findMeetingWithItems(meetingId);
    if (!found) throw meetingNotFound(meetingId);
    return found;
  }

  /** Creates or updates a meeting. Optimistic on the meeting version; retried on a race. */
  async putMeeting(meetingId: string, input: MeetingInput, now: Date): Promise<{ meeting: Meeting; created: boolean }> {
    return decideAgain({ attempts: { maxAttempts: 3 }, busy: meetingBusy }, async () => {
      const previous = await this.store.findMeeting(meetingId);
      const next = defineMeeting(meetingId, input, previous, now);
      try {
        await this.store.saveMeeting(next, previous?.version ?? 0, {
          removed: removedItemKeys(previous, next),
          moved: movedWorkshopKeys(previous, next),
          allowOverbooking: input.allow_overbooking,
        });
        return { meeting: next, created: previous === undefined };
      } catch (error) {
        if (error instanceof CapacityBelowConfirmedError) {
          const items = (await this.store.findMeetingWithItems(meetingId))?.items ?? [];
          const below = error.itemKeys.map((key) => ({
            item: key,
            label: describeItemKey(next, key),
            confirmed: items.find((i) => i.key === key)?.confirmed ?? null,
            capacity: itemCapacity(next, key),
          }));
          throw new ConflictError(
            'capacity-below-confirmed',
            `Capacité inférieure aux places déjà confirmées : ${below
              .map((b) => `${b.label} (${b.confirmed ?? '?'} confirmées pour ${b.capacity ?? '?'} places)`)
              .join(', ')}. Envoyez "allow_overbooking": true pour l’accepter.`,
            { items: below },
          );
        }
        if (error instanceof ItemInUseError) throw itemInUse(error.itemKeys, previous);
        throw error; // a StaleReadError: read and decide again (no wait: an organiser's save)
      }
    });
  }
}

/**
 * The 409 for items the save found in use. Workshops are named as MeetingChanges' early check
 * names them (by id, in `workshops`), so the answer is the same whichever check saw the people.
 */
export function itemInUse(itemKeys: string[], previous: Meeting | undefined): ConflictError {
  const workshops = itemKeys.filter((k) => k.startsWith('workshop:')).map((k) => k.slice('workshop:'.length));
  const others = itemKeys.filter((k) => !k.startsWith('workshop:'));
  const sentences = [
    ...(workshops.length > 0
      ? [`Impossible de retirer ou de changer de jour ${workshops.map((id) => `l’atelier « ${id} »`).join(', ')} : des personnes l’ont choisi.`]
      : []),
    ...(others.length > 0
      ? [`Impossible de retirer ${others.map((k) => (previous ? describeItemKey(previous, k) : k)).join(', ')} : des personnes y sont inscrites ou en liste d’attente.`]
      : []),
  ];
  return new ConflictError('item-in-use', sentences.join(' '), { items: itemKeys, workshops });
}

function itemCapacity(meeting: Meeting, key: string): number | null {
  return itemDefinitionsOf(meeting).find((d) => d.key === key)?.capacity ?? null;
}
