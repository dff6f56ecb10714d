// The check-in rule: who may be checked in at the door on a given day. Pure.
import { ConflictError } from '#shared/errors.ts';
import { dayKey } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { onDay } from '#shared/domain/meetings/views.ts';
import type { Registration } from './schema.ts';

/**
 * Check-in is for people confirmed on site that day: anyone else (remote, waiting, not
 * registered that day, cancelled) is refused with `not-attending` (HTTP 409), so that a
 * scanner at the door shows why.
 */
export function assertCanCheckIn(meeting: Meeting, reg: Registration, day: string): void {
  const who = [reg.first_name, reg.last_name].filter(Boolean).join(' ');
  const dayLabel = meeting.days.find((d) => d.date === day)?.label;
  const on = dayLabel === undefined ? undefined : onDay(dayLabel);
  const refuse = (message: string) => new ConflictError('not-attending', message, { registration_id: reg.id, day });
  if (reg.state === 'cancelled') throw refuse(`Cette inscription (${who}) a été annulée.`);
  if (!on) throw refuse(`Le ${day} n’est pas un jour de la réunion « ${meeting.title} ».`);
  const attendance = reg.days.find((d) => d.date === day);
  if (!attendance) throw refuse(`${who} n’est pas inscrit·e ${on}.`);
  if (attendance.mode === 'remote') throw refuse(`${who} participe à distance ${on}.`);
  if (reg.items.find((h) => h.key === dayKey(day))?.status !== 'confirmed') {
    throw refuse(`${who} est en liste d’attente pour ${on} : sa place sur place n’est pas confirmée.`);
  }
}
