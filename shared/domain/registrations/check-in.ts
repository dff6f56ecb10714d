// The check-in rule: who may be checked in at the door on a given day. Pure.
import { DateTime } from 'luxon';
import { ConflictError, InvalidRequestError } from '#shared/errors.ts';
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

/** The calendar date (`YYYY-MM-DD`) of `now` in the meeting's time zone. */
export function meetingToday(meeting: Meeting, now: Date): string {
  return DateTime.fromJSDate(now, { zone: meeting.timezone }).toISODate() ?? now.toISOString().slice(0, 10);
}

/** The days a registration is confirmed on site (none once cancelled). */
export function confirmedOnsiteDays(reg: Registration): string[] {
  if (reg.state !== 'active') return [];
  return reg.days.filter((d) => d.mode === 'onsite' && reg.items.find((h) => h.key === dayKey(d.date))?.status === 'confirmed').map((d) => d.date);
}

/**
 * The door's rule (POST /admin/check-in/{token}): a day outside the meeting is bad input (400
 * naming `day`); a day the person is not confirmed on site is refused with
 * `not-onsite-that-day` (409, with the days they are on site) unless `force`, which records the
 * attendance without taking a place.
 */
export function checkTokenCheckIn(meeting: Meeting, reg: Registration, day: string, opts: { force: boolean; dayGiven: boolean }): void {
  if (!meeting.days.some((d) => d.date === day)) {
    const message = opts.dayGiven
      ? `Le ${day} n’est pas un jour de la réunion « ${meeting.title} ».`
      : `Aujourd’hui (${day}) n’est pas un jour de la réunion « ${meeting.title} » : précisez le jour.`;
    throw new InvalidRequestError(message, [{ path: 'day', message }]);
  }
  const onsite = confirmedOnsiteDays(reg);
  if (onsite.includes(day) || opts.force) return;
  const who = [reg.first_name, reg.last_name].filter(Boolean).join(' ');
  const labels = new Map(meeting.days.map((d) => [d.date, d.label]));
  const label = labels.get(day) ?? day;
  const why =
    reg.state === 'cancelled'
      ? `l’inscription de ${who} a été annulée`
      : onsite.length === 0
        ? `${who} n’a aucun jour confirmé sur place`
        : `${who} est attendu·e sur place : ${onsite.map((d) => labels.get(d) ?? d).join(', ')}`;
  throw new ConflictError('not-onsite-that-day', `Pas de place sur place le jour « ${label} » : ${why}. Envoyez "force": true pour enregistrer la présence quand même.`, {
    registration_id: reg.id,
    day,
    onsite_days: onsite,
  });
}
