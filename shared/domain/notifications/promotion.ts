// What a promotion from a waiting list says: the email to the person (French, text and HTML)
// and the JSON body of the signed callback to their w.c.s. form. Pure.
import { EVENING_KEY, type ItemKind } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { frenchDayLabel, weekdayInSentence } from '#shared/domain/meetings/views.ts';
import type { RegistrationAnswer } from '#shared/domain/registrations/answer.ts';
import type { PromotionNotification } from '#shared/domain/registrations/ports.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import type { EmailMessage } from './ports.ts';
import { composeEmail, type EmailBlock } from '#shared/domain/notifications/email-text.ts';

export interface PromotionContext {
  notification: PromotionNotification;
  registration: Registration;
  meeting: Meeting;
  /** The registration as the contract answers it, after the promotion. */
  answer: RegistrationAnswer;
}

export interface PromotedItem {
  key: string;
  kind: ItemKind;
  /** The organiser's wording: day label, workshop title, evening event title. */
  label: string;
  /** The item inside a French sentence: « la journée du mercredi 7 juin sur place ». */
  phrase: string;
}


const frenchTime = (hhmm: string) => hhmm.replace(':', 'h');

function dayLabel(meeting: Meeting, date: string): string {
  return meeting.days.find((d) => d.date === date)?.label ?? date;
}

/**
 * A day inside a sentence. Labels are capitalised for lists (« Mercredi 7 juin »); French writes
 * « la journée du mercredi 7 juin ». A label of the organiser's own (« Journée plénière ») is quoted.
 */
function dayInSentence(label: string): string {
  const weekday = weekdayInSentence(label);
  return weekday ? `la journée du ${weekday}` : `la journée « ${label} »`;
}

/** Describes an item key of the meeting; an item since removed keeps its key as label. */
export function describeItem(meeting: Meeting, itemKey: string): PromotedItem {
  if (itemKey === EVENING_KEY) {
    const title = meeting.evening_event?.title ?? 'Soirée';
    return { key: itemKey, kind: 'evening', label: title, phrase: `l’événement du soir « ${title} »` };
  }
  const colon = itemKey.indexOf(':');
  const prefix = colon < 0 ? '' : itemKey.slice(0, colon);
  const ref = itemKey.slice(colon + 1);
  switch (prefix) {
    case 'day': {
      const label = dayLabel(meeting, ref);
      return { key: itemKey, kind: 'day', label, phrase: `${dayInSentence(label)} sur place` };
    }
    case 'remote': {
      const label = dayLabel(meeting, ref);
      return { key: itemKey, kind: 'remote', label, phrase: `${dayInSentence(label)} à distance` };
    }
    case 'workshop': {
      const label = meeting.workshops.find((w) => w.id === ref)?.title ?? ref;
      return { key: itemKey, kind: 'workshop', label, phrase: `l’atelier « ${label} »` };
    }
    default:
      throw new Error(`Unknown item key: ${itemKey}`);
  }
}

function waitingText(position: number | null): string {
  return position === null ? 'en liste d’attente' : `en liste d’attente (position ${position})`;
}

/** One line per part of the registration, in the contract's order: days, workshops, evening. */
export function summaryLines(meeting: Meeting, answer: RegistrationAnswer): string[] {
  const lines: string[] = [];
  for (const d of answer.days) {
    const label = dayLabel(meeting, d.date);
    if (d.mode === 'remote') lines.push(`${label} : à distance`);
    else lines.push(`${label} : sur place, ${d.status === 'confirmed' ? 'place confirmée' : waitingText(d.waiting_position)}`);
  }
  for (const w of answer.workshops) {
    const workshop = meeting.workshops.find((x) => x.id === w.id);
    const when = workshop ? ` (${dayLabel(meeting, workshop.day)}, ${frenchTime(workshop.starts_at)}–${frenchTime(workshop.ends_at)})` : '';
    const state =
      w.status === 'confirmed'
        ? 'place confirmée'
        : w.waiting_for_day
          ? 'en attente d’une place sur place ce jour-là'
          : waitingText(w.waiting_position);
    lines.push(`Atelier « ${w.title} »${when} : ${state}`);
  }
  if (answer.evening_event && meeting.evening_event) {
    const e = answer.evening_event;
    lines.push(`${meeting.evening_event.title} (${eveningWhen(meeting.evening_event)}) : ${e.status === 'confirmed' ? 'place confirmée' : waitingText(e.waiting_position)}`);
  }
  return lines;
}

/** « Mardi 6 juin, 19h30, Le Bistrot » : the evening's own date (often the eve of the first day), time and place. */
export function eveningWhen(evening: NonNullable<Meeting['evening_event']>): string {
  return [frenchDayLabel(evening.date), evening.starts_at && frenchTime(evening.starts_at), evening.venue].filter(Boolean).join(', ');
}

function droppedTitles(meeting: Meeting, dropped: string[]): string[] {
  return dropped.map((id) => meeting.workshops.find((w) => w.id === id)?.title ?? id);
}

/**
 * The email telling a person that a place freed and that they now have it. The registration's
 * API links are signed Publik routes, useless in a browser, so the email points the person to
 * their form (by its number) rather than to a link that would answer « accès refusé »; the one
 * link given is the personal calendar file, which carries its own token.
 */
export function promotionEmail(ctx: PromotionContext): EmailMessage {
  const { notification, registration: reg, meeting, answer } = ctx;
  const item = describeItem(meeting, notification.item_key);
  const subject = `Une place s’est libérée : vous êtes inscrit·e à ${item.phrase} — ${meeting.title}`;
  const greeting = reg.first_name ? `Bonjour ${reg.first_name},` : 'Bonjour,';
  const intro =
    `Une place s’est libérée et votre demande en liste d’attente a été retenue : vous êtes désormais ` +
    `inscrit·e à ${item.phrase} (${meeting.title}, ${meeting.venue}).`;
  const dropped = droppedTitles(meeting, notification.dropped_workshops);
  const droppedIntro =
    dropped.length === 1
      ? 'Un atelier que vous aviez choisi, complet entre-temps et sans liste d’attente, n’a pas pu être conservé :'
      : 'Des ateliers que vous aviez choisis, complets entre-temps et sans liste d’attente, n’ont pas pu être conservés :';
  const email = composeEmail(subject, [
    greeting,
    intro,
    dropped.length > 0 && { heading: droppedIntro, items: dropped },
    ...registrationStatusBlocks(meeting, reg, answer),
  ]);
  return { to: reg.email, ...email };
}

/**
 * The confirmation of a new registration (meetings with `send_confirmation`): where it stands,
 * with the personal calendar attached (the same file as `ics_url`).
 */
export function confirmationEmail(ctx: Omit<PromotionContext, 'notification'>, ics: string): EmailMessage {
  const { registration: reg, meeting, answer } = ctx;
  const subject = `Inscription enregistrée : ${meeting.title}`;
  const greeting = reg.first_name ? `Bonjour ${reg.first_name},` : 'Bonjour,';
  const waits = answer.in_waiting_list ? ' Une partie de votre demande est en liste d’attente : vous serez prévenu·e si une place se libère.' : '';
  const email = composeEmail(subject, [
    greeting,
    `Votre inscription à « ${meeting.title} » (${meeting.venue}) est enregistrée.${waits}`,
    ...registrationStatusBlocks(meeting, reg, answer, 'Votre agenda personnel est joint à ce message (fichier iCalendar) ; pour le récupérer à jour plus tard :'),
  ]);
  return {
    to: reg.email,
    ...email,
    attachments: [{ filename: `${meeting.id}.ics`, contentType: 'text/calendar; charset=UTF-8; method=PUBLISH', content: new TextEncoder().encode(ics) }],
  };
}

/**
 * The end of every email about a registration (a promotion, a meeting reminder): where it
 * stands now, the personal calendar link, and how to cancel or change it.
 */
export function registrationStatusBlocks(
  meeting: Meeting,
  reg: Pick<Registration, 'form_number'>,
  answer: RegistrationAnswer,
  /** The sentence before the calendar link (the meeting reminder attaches the file too). */
  calendarText = 'Pour l’ajouter à votre agenda (fichier iCalendar) :',
): EmailBlock[] {
  const form = reg.form_number ? ` (demande n° ${reg.form_number})` : '';
  return [
    { heading: 'Votre inscription à ce jour :', items: summaryLines(meeting, answer) },
    { text: calendarText, href: answer.api.ics_url, label: 'ajouter à mon agenda' },
    `Si vous ne pouvez plus venir, merci d’annuler votre inscription pour libérer la place : ` +
      `vous pouvez la modifier ou l’annuler depuis votre demande d’inscription${form}.`,
  ];
}

/**
 * Body of the signed POST to the form's trigger URL. w.c.s. keeps it in the form's workflow data
 * (`form_trigger_<trigger>_content_…`), so the workflow can branch on `event` or on the item's
 * `kind` and show the registration's `status`.
 */
export function promotionCallbackBody(ctx: PromotionContext) {
  const { notification, meeting, answer } = ctx;
  const item = describeItem(meeting, notification.item_key);
  return {
    event: notification.type,
    registration_id: notification.registration_id,
    meeting_id: notification.meeting_id,
    item: { key: item.key, kind: item.kind, label: item.label },
    dropped_workshops: notification.dropped_workshops,
    registration: answer,
  };
}
export type PromotionCallbackBody = ReturnType<typeof promotionCallbackBody>;
