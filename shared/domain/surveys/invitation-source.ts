// The survey source of the reminder engine (contract-survey.md, « Invitations »): owner =
// subject = a survey with `invitations`. One `invitation` falls due at `send_at`, then a
// `reminder` `r1`, `r2`… every `reminder_after_days` × 24 h after it, at most `max_reminders`,
// none at or after `closes_at`. The survey's « start » for the engine is its closing instant:
// nothing is planned from then on.
//
// Planning reuses planTimedSubjects (the meeting and session rules): of the messages due at
// once (missed ticks), only the latest is sent and the others are recorded `skipped`; one due
// before a message already sent is skipped too. The invitation is planned there as a rule of its
// own (`invitation`) and mapped back to the `invitation` kind. A changed `closes_at` does not
// make anything due again (the survey's messages are not tied to a start the way reminders are).
//
// Audience: the registrations of the survey's meeting that are eligible (not cancelled; for
// `checked-in`, checked in on a day). At delivery, compose() skips whoever is no longer eligible
// and whoever has answered — known from the participation marker ONLY (HMAC of the survey and
// the normalised email), never from the responses, which hold no identity.
import { DateTime } from 'luxon';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import type { EmailMessage } from '#shared/domain/notifications/ports.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import type { ListedRegistration, RegistrationRepository } from '#shared/domain/registrations/ports.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import type { SurveyLinkRepository, SurveyRepository } from './ports.ts';
import { optOutToken, participationHash } from './anonymity.ts';
import { isEligible } from './eligibility.ts';
import { InvitationsSchema, type Eligibility, type Invitations, type Survey } from './schema.ts';
import type { DeliverMessage, Dispatch, DispatchRecord, Plan } from '#shared/domain/reminders/model.ts';
import { nothingPlanned, planTimedSubjects } from '#shared/domain/reminders/plan.ts';
import type { AudiencePage, Composition, ReminderSource } from '#shared/domain/reminders/ports.ts';
import { composeEmail } from '#shared/domain/notifications/email-text.ts';

const DAY_MS = 86_400_000;
/** The invitation's id among the planned « rules » (reminders are `r1`, `r2`…). */
const INVITATION_RULE = 'invitation';

/** Stored invitations are read with the PUT's own schema (numbers may come as strings). */
export const SurveyInvitationsSchema = InvitationsSchema;
export type SurveyInvitations = Invitations;

/** The survey's invitations, or undefined when it has none (or none the engine can use). */
export function invitationsOf(survey: Pick<Survey, 'invitations'>): SurveyInvitations | undefined {
  if (!survey.invitations) return undefined;
  const parsed = SurveyInvitationsSchema.safeParse(survey.invitations);
  return parsed.success ? parsed.data : undefined;
}

/** The invitation and the reminders with the instant each falls due; none at or after closes_at. */
export function invitationSchedule(survey: Pick<Survey, 'closes_at'>, invitations: SurveyInvitations): Array<{ id: string; dueAt: Date }> {
  const sendAt = Date.parse(invitations.send_at);
  const closesAt = Date.parse(survey.closes_at);
  if (!(sendAt < closesAt)) return [];
  const schedule = [{ id: INVITATION_RULE, dueAt: new Date(sendAt) }];
  for (let k = 1; k <= invitations.max_reminders; k++) {
    const dueAt = sendAt + k * invitations.reminder_after_days * DAY_MS;
    if (dueAt >= closesAt) break;
    schedule.push({ id: `r${k}`, dueAt: new Date(dueAt) });
  }
  return schedule;
}

/** Pure planning of a survey's invitation and reminders (exported for tests). */
export function planSurvey(survey: Survey, history: readonly DispatchRecord[], now: Date): Plan {
  const invitations = invitationsOf(survey);
  const rules = invitations ? invitationSchedule(survey, invitations) : [];
  if (rules.length === 0) return nothingPlanned();
  const startsAt = new Date(survey.closes_at);
  const startsIso = startsAt.toISOString();
  // The invitation as a rule of its own, and every record tied to the current closing instant.
  const asRules = history
    .filter((r) => r.subject === survey.id && (r.kind === 'invitation' || r.kind === 'reminder'))
    .map((r) => ({ ...r, kind: 'reminder' as const, rule: r.kind === 'invitation' ? INVITATION_RULE : r.rule, startsAt: startsIso }));
  const plan = planTimedSubjects([{ id: survey.id, startsAt, sequence: 0, cancelled: false, rules }], asRules, now);
  const back = <T extends Dispatch>(d: T): T => (d.rule === INVITATION_RULE ? { ...d, kind: 'invitation', rule: null } : d);
  return { fanOut: plan.fanOut.map(back), skip: plan.skip.map(back), nextDueAt: plan.nextDueAt };
}

/** What the survey source reads: the survey and its participation markers, its meeting, the meeting's registrations a page at a time. */
export interface SurveyInvitationCatalog {
  surveys: Pick<SurveyRepository, 'findSurvey'>;
  meetings: Pick<MeetingRepository, 'findMeeting'>;
  registrations: Pick<RegistrationRepository, 'pageByMeeting' | 'findById'>;
  /** The one-click links and opt-out markers (who answered, who asked for no more). */
  links: Pick<SurveyLinkRepository, 'saveLink' | 'invitationState'>;
  /** PUBLIC_BASE_URL: the links are `{baseUrl}/u/{token}`, the sessions' one-click address. */
  baseUrl: string;
  /** The key of the participation markers (PARTICIPATION_HASH_KEY), read only when a delivery composes. */
  participationKey(): Promise<string>;
}

/** Eligible registration ids of a page (exported for tests). */
export function eligibleIds(eligibility: Eligibility, meetingId: string, rows: readonly ListedRegistration[]): string[] {
  return rows.filter((r) => isEligible(eligibility, r, meetingId)).map((r) => r.id);
}

/**
 * The last day answers are taken, in the meeting's zone: `mercredi 30 juin 2027`. A survey that
 * closes at midnight closes at the end of the day before.
 */
export function frenchClosingDay(closesAt: string, zone: string): string {
  let local = DateTime.fromISO(closesAt, { setZone: true }).setZone(zone).setLocale('fr');
  if (local.hour === 0 && local.minute === 0 && local.second === 0) local = local.minus({ days: 1 });
  return `${local.toFormat('cccc')} ${local.day === 1 ? '1er' : local.day} ${local.toFormat('LLLL yyyy')}`;
}

export function surveyInvitationEmail(
  survey: Survey,
  meeting: Pick<Meeting, 'title' | 'timezone'>,
  registration: Pick<Registration, 'email' | 'first_name'>,
  invitations: SurveyInvitations,
  kind: 'invitation' | 'reminder',
  /** The one-click link that stops this person's invitations to this survey. */
  unsubscribeUrl: string,
): EmailMessage {
  const reminder = kind === 'reminder';
  const until = `jusqu’au ${frenchClosingDay(survey.closes_at, meeting.timezone)}`;
  const subject = reminder ? `Rappel : votre avis sur « ${meeting.title} »` : `Votre avis sur « ${meeting.title} »`;
  const greeting = registration.first_name ? `Bonjour ${registration.first_name},` : 'Bonjour,';
  const intro = reminder
    ? `Petit rappel : l’enquête « ${survey.title} » sur « ${meeting.title} » attend encore votre réponse. Elle reste ouverte ${until}.`
    : `Merci de votre intérêt pour « ${meeting.title} » ! Pour nous aider à préparer les prochaines rencontres, nous aimerions connaître votre avis : l’enquête « ${survey.title} » est ouverte ${until}.`;
  const link = 'Pour répondre (quelques minutes suffisent) :';
  const anonymous = 'Vos réponses sont anonymes : elles ne sont enregistrées ni avec votre nom ni avec votre adresse.';
  const already = 'Si vous venez de répondre, merci beaucoup, et ne tenez pas compte de ce message.';
  const thanks = 'Merci d’avance pour le temps que vous nous accordez, chacun de vos retours compte.';
  const email = composeEmail(subject, [
    greeting,
    intro,
    { text: link, href: invitations.form_url, label: 'répondre à l’enquête' },
    anonymous,
    reminder && already,
    thanks,
  ], {
    text: 'Pour ne plus recevoir d’invitation ni de rappel pour cette enquête, en un clic :',
    href: unsubscribeUrl,
    label: 'ne plus recevoir ces messages',
  });
  return {
    to: registration.email,
    ...email,
    headers: [
      { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
  };
}

export class SurveyInvitationSource implements ReminderSource {
  readonly kind = 'survey' as const;
  constructor(private readonly catalog: SurveyInvitationCatalog) {}

  async plan(surveyId: string, history: readonly DispatchRecord[], now: Date): Promise<Plan> {
    const survey = await this.catalog.surveys.findSurvey(surveyId);
    return survey ? planSurvey(survey, history, now) : nothingPlanned();
  }

  /** Eligible registrations, a page at a time (a page may hold fewer than `limit` ids, even none). */
  async audience(surveyId: string, _dispatch: Dispatch, cursor: string | null, limit: number): Promise<AudiencePage> {
    const survey = await this.catalog.surveys.findSurvey(surveyId);
    if (!survey) return { recipients: [], cursor: null };
    const page = await this.catalog.registrations.pageByMeeting(survey.meeting_id, cursor, limit);
    return { recipients: eligibleIds(survey.eligibility, survey.meeting_id, page.registrations), cursor: page.cursor };
  }

  async compose(message: DeliverMessage, now: Date): Promise<Composition> {
    if (message.kind !== 'invitation' && message.kind !== 'reminder') return { status: 'skip', reason: 'unknown-kind' };
    const [registration, survey] = await Promise.all([this.catalog.registrations.findById(message.recipient), this.catalog.surveys.findSurvey(message.owner_id)]);
    if (!registration) return { status: 'skip', reason: 'registration-gone' };
    const to = registration.email;
    if (!survey || registration.meeting_id !== survey.meeting_id) return { status: 'skip', reason: 'survey-gone', to };
    const invitations = invitationsOf(survey);
    if (!invitations) return { status: 'skip', reason: 'no-invitations', to };
    if (now.getTime() >= Date.parse(survey.closes_at)) return { status: 'skip', reason: 'closed', to };
    if (!isEligible(survey.eligibility, registration, survey.meeting_id)) return { status: 'skip', reason: 'not-eligible', to };
    // Who answered is known from the participation marker only; who opted out, from the marker
    // their one-click link wrote under the same hash.
    const key = await this.catalog.participationKey();
    const hash = participationHash(key, survey.id, registration.email);
    const [state, meeting] = await Promise.all([this.catalog.links.invitationState(survey.id, hash), this.catalog.meetings.findMeeting(survey.meeting_id)]);
    if (state.answered) return { status: 'skip', reason: 'answered', to };
    if (state.optedOut) return { status: 'skip', reason: 'unsubscribed', to };
    if (!meeting) return { status: 'skip', reason: 'meeting-gone', to };
    // The link is written before the email that carries it (the same token every time).
    const token = optOutToken(key, survey.id, hash);
    await this.catalog.links.saveLink(token, { survey_id: survey.id, title: survey.title, participation: hash });
    const email = surveyInvitationEmail(survey, meeting, registration, invitations, message.kind, `${this.catalog.baseUrl}/u/${token}`);
    return { status: 'send', email };
  }
}
