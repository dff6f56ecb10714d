// What a registration request may ask for, checked against the meeting. Pure.
import { describeFieldIssues, InvalidRequestError, RefusalError, type FieldIssue } from '#shared/errors.ts';
import { EVENING_KEY, dayKey, remoteKey, workshopKey } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { isRegistrationOpen, onDay } from '#shared/domain/meetings/views.ts';
import type { RegistrationRequest } from './schema.ts';

/** One capacity item a request asks for. A workshop depends on its on-site day. */
export interface WantedItem {
  key: string;
  kind: 'day' | 'remote' | 'workshop' | 'evening';
  /** For a workshop: the key of the on-site day it needs. */
  dayKey?: string;
}

export interface Wanted {
  days: { date: string; mode: 'onsite' | 'remote' }[];
  workshops: string[];
  evening_event: boolean;
  items: WantedItem[];
}

const unique = <T>(values: T[]) => [...new Set(values)];

export function checkRegistrationWindow(meeting: Meeting, now: Date): void {
  if (!isRegistrationOpen(meeting, now)) {
    const opens = Date.parse(meeting.registration_opens_at);
    throw new RefusalError(
      'registration-closed',
      now.getTime() < opens
        ? 'Les inscriptions à cette réunion ne sont pas encore ouvertes.'
        : 'Les inscriptions à cette réunion sont closes.',
      { registration_opens_at: meeting.registration_opens_at, registration_closes_at: meeting.registration_closes_at },
    );
  }
}

/**
 * The field rules that depend on the meeting, on whatever fields of the request are known
 * (all of them for a valid body, the ones that parsed for an invalid one): every faulty field
 * at once, so that a form designer fixes them in one go.
 */
export function requestFieldIssues(
  meeting: Meeting,
  request: Partial<Pick<RegistrationRequest, 'onsite_days' | 'remote_days' | 'image_rights'>>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (request.onsite_days && request.remote_days) {
    const onsite = unique(request.onsite_days).sort();
    const remote = unique(request.remote_days);
    if (onsite.length + remote.length === 0) {
      issues.push({ path: 'onsite_days', message: 'Au moins un jour (sur place ou à distance) est requis.' });
    }
    const both = onsite.find((d) => remote.includes(d));
    if (both) issues.push({ path: 'remote_days', message: `Le ${both} ne peut être à la fois sur place et à distance.` });
  }
  if (meeting.image_rights_notice && request.image_rights === undefined) {
    issues.push({ path: 'image_rights', message: 'Réponse requise : accepted ou refused.' });
  }
  return issues;
}

/** Checks the request against the meeting and lists the items it asks for, in a fixed order. */
export function wantedItems(meeting: Meeting, request: RegistrationRequest): Wanted {
  const issues = requestFieldIssues(meeting, request);
  if (issues.length > 0) throw new InvalidRequestError(describeFieldIssues(issues, 'Données invalides'), issues);
  const onsite = unique(request.onsite_days).sort();
  const remote = unique(request.remote_days).sort();
  const days = new Map(meeting.days.map((d) => [d.date, d]));
  const unknownDay = [...onsite, ...remote].find((d) => !days.has(d));
  if (unknownDay) {
    throw new RefusalError('unknown-day', `Le ${unknownDay} n’est pas un jour de cette réunion.`, { date: unknownDay });
  }

  const workshopsById = new Map(meeting.workshops.map((w) => [w.id, w]));
  const workshopIds = unique(request.workshops);
  const chosen = workshopIds.map((id) => {
    const w = workshopsById.get(id);
    if (!w) throw new RefusalError('unknown-workshop', `Atelier inconnu : « ${id} ».`, { workshop: id });
    return w;
  });
  for (const w of chosen) {
    if (!onsite.includes(w.day)) {
      throw new RefusalError(
        'workshop-requires-onsite',
        `L’atelier « ${w.title} » demande d’être présent·e sur place ${onDay(days.get(w.day)?.label ?? w.day)}.`,
        { workshop: w.id, day: w.day },
      );
    }
  }
  for (let i = 0; i < chosen.length; i++) {
    for (let j = i + 1; j < chosen.length; j++) {
      const a = chosen[i]!;
      const b = chosen[j]!;
      if (a.day === b.day && a.starts_at < b.ends_at && b.starts_at < a.ends_at) {
        throw new RefusalError(
          'workshop-overlap',
          `Les ateliers « ${a.title} » et « ${b.title} » ont lieu en même temps : choisissez-en un seul.`,
          { workshops: [a.id, b.id] },
        );
      }
    }
  }
  if (request.evening_event && !meeting.evening_event) {
    throw new RefusalError('unknown-evening-event', 'Cette réunion n’a pas de soirée.');
  }

  const items: WantedItem[] = [
    ...onsite.map((d) => ({ key: dayKey(d), kind: 'day' as const })),
    ...remote.map((d) => ({ key: remoteKey(d), kind: 'remote' as const })),
    ...chosen.map((w) => ({ key: workshopKey(w.id), kind: 'workshop' as const, dayKey: dayKey(w.day) })),
    ...(request.evening_event ? [{ key: EVENING_KEY, kind: 'evening' as const }] : []),
  ];
  return {
    days: [...onsite.map((date) => ({ date, mode: 'onsite' as const })), ...remote.map((date) => ({ date, mode: 'remote' as const }))].sort(
      (a, b) => a.date.localeCompare(b.date),
    ),
    workshops: chosen.map((w) => w.id),
    evening_event: request.evening_event,
    items,
  };
}
