// Survey use cases. Answering reads once (survey, both markers, the registration's email marker,
// which carries what eligibility needs), decides in pure code, and writes once (response,
// markers, counters, texts, the survey's freeze and the call's nonce in one transaction). When the transaction is refused (a concurrent answer took a marker, or a
// transaction on the same counter shard conflicted), the decision is made again from a fresh
// read: the second form of a person then meets the marker and is refused.
// A warm instance answers without the read (issue 21, ANSWER_WARM_TTL_MS): it decides on the
// survey and on the eligibility views of its meeting that it remembers, planning a first answer;
// the transaction checks every assumption, and any refusal is decided again on a fresh read.
// The attempts go through decideAgain (shared/domain/conflicts.ts), the one retry loop.
import { decideAgain, jitterDelay, jitterWait, StaleReadError, type RetryPolicy } from '#shared/domain/conflicts.ts';
import { randomBytes } from 'node:crypto';
import { ReplayedCallError, type CallNonce } from '#shared/domain/call-nonce.ts';
import { ConflictError, InvalidRequestError, NotFoundError, RefusalError, ServiceBusyError } from '#shared/errors.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import type { ReminderSchedule } from '#shared/domain/reminders/ports.ts';
import { participationHash, replayHash } from './anonymity.ts';
import { readAnswers } from './answers.ts';
import { assertChangeAllowed, newSurvey } from './define.ts';
import { eligibleRegistrations, isEligible, isOpen, participantOf } from './eligibility.ts';
import { type AnswerContext, type AnswerRefusal, type RespondentView, type ResponseWrite, type SurveyRepository } from './ports.ts';
import type { AnswerBody, StoredResponse, Survey, SurveyInput } from './schema.ts';
import { questionShown, responseTallies, surveyResults, type SurveyResults, type TextPage } from './statistics.ts';
import { surveyNotFound, surveySummary } from './views.ts';

export type { RetryPolicy } from '#shared/domain/conflicts.ts';

// A room answering at once collides on the counter shards now and then; each attempt re-reads
// and re-decides. Full jitter capped at 200 ms, as for registrations.
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 25, baseDelayMs: 5, maxDelayMs: 200 };

/** Free texts per question on a page of the results. */
export const TEXTS_PAGE_SIZE = 25;

/**
 * How long an instance answers on a survey it read and on the eligibility views of its meeting,
 * without reading them again (issue 21). Correctness never depends on it: every save of a survey
 * stamps its version on the survey's counter shards and an answer's shard update requires the
 * version it was decided on; the answer's ConditionCheck requires the email marker to name the
 * registration version decided on. The lifetime bounds how long personal data (the views) stays
 * in an instance's memory, and how long an instance keeps a survey nobody answers.
 */
export const ANSWER_WARM_TTL_MS = 60_000;
/** A meeting's views are kept in memory only up to this many registrations (one Query of a few pages). */
export const MAX_REMEMBERED_RESPONDENTS = 5_000;

export interface SurveyServiceDeps {
  store: SurveyRepository;
  /** The registrations of a meeting (eligibility for invitations and the response rate). */
  registrations: { listByMeeting(meetingId: string): Promise<Registration[]> };
  /** Whether a meeting exists (a survey belongs to one). */
  meetings: { findMeeting(meetingId: string): Promise<unknown> };
  /** The secret key of the participation and replay markers (PARTICIPATION_HASH_KEY). */
  participationKey: () => Promise<string>;
  /** Reschedules the survey's invitations after each PUT (the reminder engine). */
  reminders?: ReminderSchedule;
  retry?: RetryPolicy;
  /** Free texts per question on a page of the results (default TEXTS_PAGE_SIZE). */
  textsPageSize?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface AnswerOutcome {
  /** The new response's random id; null for a replay (nothing links a form to its response). */
  response_id: string | null;
  replayed: boolean;
}

export const newResponseId = () => randomBytes(16).toString('hex');

/** Attempts of a survey save against answers conflicting on its counter shards (jittered pauses between). */
const SAVE_ATTEMPTS = 8;

export class SurveyService {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Surveys as last read for an answer, until `until` (Date.now()): see ANSWER_WARM_TTL_MS. */
  private readonly remembered = new Map<string, { survey: Survey; frozen: boolean; until: number }>();
  /**
   * Per meeting: when this instance last answered for it, and the eligibility views of its
   * registrations by normalised email (loaded at the second answer within ANSWER_WARM_TTL_MS,
   * kept that long; undefined: more than MAX_REMEMBERED_RESPONDENTS, or the load failed).
   */
  private readonly meetingViews = new Map<string, { lastAnswerAt: number; views?: Promise<Map<string, RespondentView> | undefined>; until?: number }>();

  constructor(private readonly deps: SurveyServiceDeps) {
    this.retry = deps.retry ?? DEFAULT_RETRY;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async getSurvey(surveyId: string): Promise<Survey> {
    const survey = await this.deps.store.findSurvey(surveyId);
    if (!survey) throw surveyNotFound(surveyId);
    return survey;
  }

  /** Creates or replaces a survey; after the first response only its wording, window and invitations. */
  async putSurvey(surveyId: string, input: SurveyInput, now: Date): Promise<{ created: boolean; survey: Survey }> {
    const { store } = this.deps;
    this.remembered.delete(surveyId);
    const invalid = (path: string, message: string) => new InvalidRequestError(`Données invalides : ${path} : ${message}`, [{ path, message }]);
    if (input.previous_survey_id === surveyId) throw invalid('previous_survey_id', 'Une enquête ne peut pas être sa propre enquête précédente.');
    const [first, meeting] = await Promise.all([store.findSurveyState(surveyId), this.deps.meetings.findMeeting(input.meeting_id)]);
    if (!meeting) throw invalid('meeting_id', `Réunion inconnue : « ${input.meeting_id} ».`);
    let state = first;
    // A first response may freeze the survey between the read and the write (the save's
    // condition sees it): the next decision is made on the frozen survey. The save also stamps
    // the counter shards, where an answer's transaction may conflict with it: decided again too.
    for (let attempt = 1; ; attempt++) {
      const before = state?.survey;
      const after = newSurvey(surveyId, input, now, before);
      // Surveys answered before the `frozen` flag existed are frozen by their counters.
      const frozen = state ? state.frozen || ((await store.readCounts(surveyId))['n'] ?? 0) > 0 : false;
      if (before) assertChangeAllowed(before, after, frozen ? 1 : 0);
      try {
        await store.saveSurvey(after, before?.version ?? 0, frozen);
        await this.deps.reminders?.refreshNextDue('survey', surveyId, now);
        return { created: !before, survey: after };
      } catch (error) {
        if (!(error instanceof StaleReadError)) throw error;
        const again = await store.findSurveyState(surveyId);
        // Only a response froze it meanwhile, or a transaction conflicted (same version): decide again.
        if (!again || !state || again.survey.version !== state.survey.version) {
          throw new ConflictError('survey-changed', 'L’enquête a été modifiée en même temps par une autre requête : relisez-la puis réessayez.');
        }
        // Nobody else saved it: answers kept conflicting on the counter shards (a room answering
        // at once). Busy (503, nothing saved), not "changed by another request".
        if (attempt >= SAVE_ATTEMPTS) throw new ServiceBusyError();
        // Nothing moved (a transaction on a counter shard conflicted): after a pause.
        if (again.frozen === state.frozen) await this.sleep(jitterDelay(this.retry, attempt));
        state = again;
      }
    }
  }

  async answer(surveyId: string, body: AnswerBody, now: Date, nonce?: CallNonce): Promise<AnswerOutcome> {
    const { store } = this.deps;
    this.forgetExpired(Date.now());
    const key = await this.deps.participationKey();
    const hashes = { participation: participationHash(key, surveyId, body.email), replay: replayHash(key, surveyId, body.form_uuid) };
    let answeredSeen = false;
    // Once a decision without a read was refused (by DynamoDB or by the decision itself), the
    // next attempts read: a refusal is only ever given on a fresh read.
    let readAll = false;
    // The wait after a lost attempt: none before the read that follows a warm refusal, a glance
    // before looking at a participation marker again, full jitter after a conflict.
    let pause: 'none' | 'glance' | 'jitter' = 'jitter';
    const jitter = jitterWait(this.retry, this.sleep);
    const wait = async (attempt: number) => {
      if (pause === 'glance') await this.sleep(Math.random() * Math.max(1, this.retry.baseDelayMs));
      else if (pause === 'jitter') await jitter(attempt);
    };
    const again = (how: typeof pause, why: string) => {
      pause = how;
      return new StaleReadError(why);
    };
    return decideAgain({ attempts: this.retry, wait }, async (attempt) => {
      const warm = readAll ? undefined : await this.warmAnswerContext(surveyId, body.email, now);
      const ctx = warm ?? (await store.loadAnswerContext(surveyId, hashes.participation, hashes.replay, body.email));
      if (!warm) this.rememberSurvey(surveyId, ctx);
      let decision: AnswerDecision;
      try {
        decision = decideAnswer(surveyId, body, ctx, hashes, now);
      } catch (error) {
        if (warm && (error instanceof RefusalError || error instanceof InvalidRequestError)) {
          readAll = true;
          throw again('none', 'refused without a read: read and decide again');
        }
        throw error;
      }
      if (decision === 'replayed') return { response_id: null, replayed: true };
      if (decision === 'answered') {
        // The one read is a BatchGetItem, not a snapshot: a copy of this very form committing at
        // that instant can show its participation marker without its replay marker. Look once
        // more before refusing; a real second answer is refused then.
        if (!answeredSeen && attempt < this.retry.maxAttempts - 1) {
          answeredSeen = true;
          throw again('glance', 'participation marker seen: look once more');
        }
        throw new RefusalError('already-answered', 'Une réponse à cette enquête a déjà été enregistrée pour cette adresse électronique.');
      }
      try {
        await store.recordResponse(decision, nonce);
      } catch (error) {
        if (!(error instanceof StaleReadError) && !(warm && error instanceof ReplayedCallError)) throw error;
        const refusal = error instanceof StaleReadError ? (error.current as AnswerRefusal | undefined) : undefined;
        if (refusal?.surveyChanged) this.remembered.delete(surveyId);
        if (refusal?.respondentChanged) this.forgetRespondent(decision.respondent?.meetingId, body.email);
        // Decided without a read and refused by a condition (a marker taken: already answered or
        // a replay; the survey or the registration changed; the call's nonce used): decide again
        // on a fresh read, at once. A bare conflict retries after a pause, warm still.
        if (warm && (error instanceof ReplayedCallError || refusal?.conditionFailed)) {
          readAll = true;
          throw again('none', 'refused by what was decided without a read: read and decide again');
        }
        throw again('jitter', error.message);
      }
      const entry = this.remembered.get(surveyId);
      if (entry?.survey.version === decision.survey.version) entry.frozen = true;
      return { response_id: decision.response.id, replayed: false };
    });
  }

  /**
   * An answer's context without a read, on a warm instance: the survey it remembers (open), and
   * the person's eligibility view among those of the meeting's registrations it remembers,
   * eligible. The answer is planned as a first one (no marker); the transaction checks it all.
   * Anything else (nothing remembered, closed, unknown person, not eligible) is read.
   */
  private async warmAnswerContext(surveyId: string, email: string, now: Date): Promise<AnswerContext | undefined> {
    const entry = this.remembered.get(surveyId);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.remembered.delete(surveyId);
      return undefined;
    }
    const { survey } = entry;
    if (!isOpen(survey, now)) return undefined;
    const views = await this.respondentViews(survey.meeting_id);
    const known = views?.get(normalisedEmail(email));
    if (!known || !isEligible(survey.eligibility, known.view, survey.meeting_id)) return undefined;
    return {
      survey,
      answered: false,
      replayed: false,
      frozen: entry.frozen,
      registration: known.view,
      respondent: { meetingId: survey.meeting_id, email, registrationId: known.registrationId, registrationVersion: known.registrationVersion },
    };
  }

  /** What a fresh read says of the survey, remembered for the next answers. */
  private rememberSurvey(surveyId: string, ctx: AnswerContext): void {
    if (!ctx.survey) {
      this.remembered.delete(surveyId);
      return;
    }
    const t = Date.now();
    this.remembered.set(surveyId, { survey: ctx.survey, frozen: ctx.frozen, until: t + ANSWER_WARM_TTL_MS });
    const meeting = this.meetingViews.get(ctx.survey.meeting_id);
    if (meeting) meeting.lastAnswerAt = t;
    else this.meetingViews.set(ctx.survey.meeting_id, { lastAnswerAt: t });
  }

  /**
   * The eligibility views of a meeting's registrations by normalised email, loaded (one paged
   * Query) only once this instance answers a second time for the meeting within
   * ANSWER_WARM_TTL_MS: an instance that answers rarely reads nothing more than before.
   */
  private respondentViews(meetingId: string): Promise<Map<string, RespondentView> | undefined> | undefined {
    const t = Date.now();
    const meeting = this.meetingViews.get(meetingId);
    if (meeting?.views && (meeting.until ?? 0) > t) {
      meeting.lastAnswerAt = t;
      return meeting.views;
    }
    if (!meeting || t - meeting.lastAnswerAt > ANSWER_WARM_TTL_MS) {
      this.meetingViews.set(meetingId, { lastAnswerAt: t });
      return undefined;
    }
    const views = this.deps.store.respondentViews(meetingId, MAX_REMEMBERED_RESPONDENTS).then(
      (list) => (list ? new Map(list.map((v) => [v.email, v])) : undefined),
      // Not loaded: answered on reads until the next load.
      () => undefined,
    );
    this.meetingViews.set(meetingId, { lastAnswerAt: t, views, until: t + ANSWER_WARM_TTL_MS });
    return views;
  }

  /**
   * Drops what outlived ANSWER_WARM_TTL_MS: surveys, the meetings' eligibility views (personal
   * data: never kept longer, even on an instance that stops answering for that meeting) and
   * the meetings not answered for since.
   */
  private forgetExpired(t: number): void {
    for (const [id, entry] of this.remembered) if (entry.until <= t) this.remembered.delete(id);
    for (const [id, meeting] of this.meetingViews) {
      if (meeting.views && (meeting.until ?? 0) <= t) {
        delete meeting.views;
        delete meeting.until;
      }
      if (!meeting.views && t - meeting.lastAnswerAt > ANSWER_WARM_TTL_MS) this.meetingViews.delete(id);
    }
  }

  /** Meetings whose eligibility views this instance holds now (for tests). */
  heldViews(): string[] {
    return [...this.meetingViews].filter(([, m]) => m.views !== undefined).map(([id]) => id);
  }

  /** The view of one person turned out stale (the transaction said): read it from now on. */
  private forgetRespondent(meetingId: string | undefined, email: string): void {
    if (meetingId === undefined) return;
    void this.meetingViews.get(meetingId)?.views?.then((views) => views?.delete(normalisedEmail(email)));
  }

  async results(surveyId: string): Promise<SurveyResults> {
    const { store } = this.deps;
    const survey = await this.getSurvey(surveyId);
    const textQuestions = survey.questions.filter((q) => q.type === 'text');
    const [counts, eligible, pages, previous] = await Promise.all([
      store.readCounts(surveyId),
      this.eligibleRegistrations(survey).then((r) => r.length),
      Promise.all(textQuestions.map((q) => this.textsPage(survey, q.id))),
      this.previous(survey),
    ]);
    const texts = new Map(textQuestions.map((q, i) => [q.id, pages[i] as TextPage]));
    return surveyResults({ survey, counts, eligible, texts, ...(previous ? { previous } : {}) });
  }

  /**
   * The console's list: the surveys (one listing query), then per survey its counters (one
   * query of the shards) and, once per meeting, the registrations that decide who is eligible.
   */
  async surveySummaries(now: Date) {
    const { store, registrations } = this.deps;
    const surveys = (await store.listSurveys()).sort((a, b) => Date.parse(b.opens_at) - Date.parse(a.opens_at) || (a.id < b.id ? -1 : 1));
    const meetings = [...new Set(surveys.map((s) => s.meeting_id))];
    const [counts, lists] = await Promise.all([
      Promise.all(surveys.map((s) => store.readCounts(s.id))),
      Promise.all(meetings.map((m) => registrations.listByMeeting(m))),
    ]);
    const byMeeting = new Map(meetings.map((m, i) => [m, lists[i] ?? []]));
    return surveys.map((s, i) => surveySummary(s, counts[i] ?? {}, eligibleRegistrations(s, byMeeting.get(s.meeting_id) ?? []).length, now));
  }

  /** A further page of a text question's answers (`after`: the `next_texts` of the previous page). */
  async moreTexts(surveyId: string, questionId: string, after: string | undefined): Promise<{ id: string } & TextPage> {
    const survey = await this.getSurvey(surveyId);
    if (!survey.questions.some((q) => q.id === questionId && q.type === 'text')) {
      throw new NotFoundError(`Question à réponse libre inconnue dans cette enquête : « ${questionId.slice(0, 40)} ».`, 'unknown-question');
    }
    const [counts, page] = await Promise.all([this.deps.store.readCounts(surveyId), this.textsPage(survey, questionId, after)]);
    // A question answered by fewer than min_group_size shows its count only, texts included.
    return { id: questionId, ...(questionShown(survey, counts, questionId) ? page : { texts: [] }) };
  }

  /** Every response, for the CSV (its size grows with the responses, unlike the results). */
  async responses(surveyId: string): Promise<{ survey: Survey; responses: StoredResponse[] }> {
    const survey = await this.getSurvey(surveyId);
    return { survey, responses: await this.deps.store.listResponses(surveyId) };
  }

  // -------------------------------------------------------------------------------------
  // For the invitations (reminder engine): who the survey is for, and who has answered,
  // known from the participation markers only.

  /** The registrations of the people the survey is for (eligible now). */
  async eligiblePeople(surveyId: string): Promise<Registration[]> {
    return this.eligibleRegistrations(await this.getSurvey(surveyId));
  }

  /** Whether `email` has answered the survey (its participation marker exists). */
  async hasAnswered(surveyId: string, email: string): Promise<boolean> {
    return (await this.answeredAmong(surveyId, [email])).size > 0;
  }

  /** The addresses among `emails` (normalised: trimmed, lower-cased) that have answered. */
  async answeredAmong(surveyId: string, emails: string[]): Promise<Set<string>> {
    const key = await this.deps.participationKey();
    const byHash = new Map(emails.map((e) => [participationHash(key, surveyId, e), e.trim().toLowerCase()]));
    const found = await this.deps.store.participationsAmong(surveyId, [...byHash.keys()]);
    return new Set([...found].map((h) => byHash.get(h) as string));
  }

  // -------------------------------------------------------------------------------------

  private async eligibleRegistrations(survey: Survey): Promise<Registration[]> {
    return eligibleRegistrations(survey, await this.deps.registrations.listByMeeting(survey.meeting_id));
  }

  private async textsPage(survey: Survey, questionId: string, after?: string): Promise<TextPage> {
    const page = await this.deps.store.listTexts(survey.id, questionId, this.deps.textsPageSize ?? TEXTS_PAGE_SIZE, after);
    return { texts: page.texts, ...(page.next ? { next_texts: page.next } : {}) };
  }

  private async previous(survey: Survey) {
    if (!survey.previous_survey_id) return undefined;
    const [previous, counts] = await Promise.all([
      this.deps.store.findSurvey(survey.previous_survey_id),
      this.deps.store.readCounts(survey.previous_survey_id),
    ]);
    return previous ? { survey: previous, counts } : undefined;
  }
}

type AnswerDecision = 'replayed' | 'answered' | ResponseWrite;

/**
 * The decision on an answer, from its context (pure): a replay, a participation marker to look
 * at again, a refusal (thrown), or the write.
 */
function decideAnswer(
  surveyId: string,
  body: AnswerBody,
  ctx: AnswerContext,
  hashes: { participation: string; replay: string },
  now: Date,
): AnswerDecision {
  const survey = ctx.survey;
  if (!survey) throw surveyNotFound(surveyId);
  if (ctx.replayed) return 'replayed';
  if (!isOpen(survey, now)) throw closed(survey, now);
  if (ctx.answered) return 'answered';
  const registration = ctx.registration;
  if (!registration || !isEligible(survey.eligibility, registration, survey.meeting_id)) throw notEligible(survey);
  const participant = participantOf(registration);
  const answers = readAnswers(survey, body, participant.workshops);
  const response: StoredResponse = { id: newResponseId(), answers, mode: participant.mode, profile: participant.profile };
  const texts = survey.questions
    .filter((q) => q.type === 'text' && typeof answers[q.id] === 'string')
    .map((q) => ({ questionId: q.id, text: answers[q.id] as string }));
  return {
    surveyId,
    response,
    texts,
    tallies: responseTallies(survey, answers, participant),
    participationHash: hashes.participation,
    replayHash: hashes.replay,
    survey: { version: survey.version, frozen: ctx.frozen },
    ...(ctx.respondent ? { respondent: ctx.respondent } : {}),
  };
}

const normalisedEmail = (email: string) => email.trim().toLowerCase();

function closed(survey: Survey, now: Date): RefusalError {
  const notYet = now.getTime() < Date.parse(survey.opens_at);
  return new RefusalError(
    'survey-closed',
    notYet ? 'Cette enquête n’est pas encore ouverte aux réponses.' : 'Cette enquête est close : elle n’accepte plus de réponses.',
    { opens_at: survey.opens_at, closes_at: survey.closes_at },
  );
}

function notEligible(survey: Survey): RefusalError {
  return new RefusalError(
    'not-eligible',
    survey.eligibility === 'checked-in'
      ? 'Cette enquête est réservée aux personnes venues à la réunion (émargement) : aucune présence n’est enregistrée pour cette adresse électronique.'
      : 'Cette enquête est réservée aux personnes inscrites à la réunion : aucune inscription n’est enregistrée pour cette adresse électronique.',
  );
}
