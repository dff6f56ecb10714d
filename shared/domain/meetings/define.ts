import { itemDefinitionsOf, workshopKey } from '#shared/domain/meetings/items.ts';
import type { Meeting, MeetingInput } from '#shared/domain/meetings/schema.ts';
import { frenchDayLabel } from '#shared/domain/meetings/views.ts';

/** The stored meeting an organiser's definition yields, given what was stored before. Pure. */
export function defineMeeting(id: string, input: MeetingInput, previous: Meeting | undefined, now: Date): Meeting {
  const noticeChanged = (previous?.image_rights_notice ?? undefined) !== input.image_rights_notice;
  const previousNoticeVersion = previous?.image_rights_notice_version ?? 0;
  return {
    id,
    title: input.title,
    venue: input.venue,
    description: input.description,
    timezone: input.timezone,
    registration_opens_at: input.registration_opens_at,
    registration_closes_at: input.registration_closes_at,
    image_rights_notice: input.image_rights_notice,
    image_rights_notice_version:
      input.image_rights_notice === undefined ? previousNoticeVersion : noticeChanged ? previousNoticeVersion + 1 : previousNoticeVersion,
    days: [...input.days]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((d) => ({
        date: d.date,
        label: d.label ?? frenchDayLabel(d.date),
        onsite_capacity: d.onsite_capacity,
        waiting_list: d.waiting_list,
        remote_capacity: d.remote_capacity,
        ...(d.visio_url ? { visio_url: d.visio_url } : {}),
        ...(d.recording_url ? { recording_url: d.recording_url } : {}),
        ...(d.programme.length > 0
          ? { programme: d.programme.map((c) => ({ title: c.title, offset_seconds: c.start, ...(c.slides_url ? { slides_url: c.slides_url } : {}) })) }
          : {}),
      })),
    workshops: [...input.workshops].sort((a, b) => (a.day + a.starts_at).localeCompare(b.day + b.starts_at)),
    evening_event: input.evening_event,
    reminders: input.reminders,
    ...(input.send_confirmation ? { send_confirmation: true } : {}),
    retention_days: input.retention_days,
    version: (previous?.version ?? 0) + 1,
    created_at: previous?.created_at ?? now.toISOString(),
    updated_at: now.toISOString(),
  };
}

/** Keys of the items the new definition drops (each must be free of people to be dropped). */
export function removedItemKeys(previous: Meeting | undefined, next: Meeting): string[] {
  if (!previous) return [];
  const kept = new Set(itemDefinitionsOf(next).map((i) => i.key));
  return itemDefinitionsOf(previous)
    .map((i) => i.key)
    .filter((key) => !kept.has(key));
}

/**
 * Keys of the workshops the new definition moves to another day. Their item stays (same key),
 * but whoever chose them chose them on their day: each must be chosen by nobody to move.
 */
export function movedWorkshopKeys(previous: Meeting | undefined, next: Meeting): string[] {
  if (!previous) return [];
  return previous.workshops.flatMap((w) => {
    const moved = next.workshops.find((n) => n.id === w.id);
    return moved && moved.day !== w.day ? [workshopKey(w.id)] : [];
  });
}
