import type { CallNonce } from '#shared/domain/call-nonce.ts';
import type { StoredResponse, Survey } from './schema.ts';
import type { EligibilityView } from './eligibility.ts';

/** What deciding an answer needs, read at once. */
export interface AnswerContext {
  survey: Survey | undefined;
  /** The participation marker of this email exists. */
  answered: boolean;
  /** The replay marker of this form exists. */
  replayed: boolean;
  /**
   * Responses exist (or existed): the survey item carries the `frozen` flag that the first
   * response set in its own transaction. A PUT then keeps the questions as they are.
   */
  frozen: boolean;
  /**
   * What eligibility needs of the person's registration to the survey's meeting; not read when
   * a marker already decides. Read from the registration's email marker, which carries it since
   * issue 21; an older marker without it costs one more read (the registration itself).
   */
  registration: EligibilityView | undefined;
  /**
   * The registration the view is of, as its email marker names it (id and version), when the
   * marker carries the version: the answer's transaction checks the marker still says so.
   */
  respondent?: Respondent;
}

/** Which registration an answer was decided on, checked by the transaction on its email marker. */
export interface Respondent {
  meetingId: string;
  email: string;
  registrationId: string;
  registrationVersion: number;
}

/** A registration's eligibility view with what identifies it (RespondentViews, warm instances). */
export interface RespondentView {
  /** Normalised (trimmed, lower-cased). */
  email: string;
  registrationId: string;
  registrationVersion: number;
  view: EligibilityView;
}

/**
 * What a refused answer transaction says (StaleReadError's `current`): the survey changed since
 * the version decided on (its freeze or its counter shard's version stamp failed), or the
 * respondent's email marker no longer names the registration version decided on.
 */
export interface AnswerRefusal {
  surveyChanged: boolean;
  respondentChanged: boolean;
  /** Some condition failed (the two above, or a marker taken): not a bare conflict. */
  conditionFailed: boolean;
}

/** Everything one response writes, in one transaction. */
export interface ResponseWrite {
  surveyId: string;
  response: StoredResponse;
  /** Free texts, stored apart (one item each, random keys) for paginated reading. */
  texts: Array<{ questionId: string; text: string }>;
  /** Counter deltas (statistics.ts `responseTallies`). */
  tallies: Record<string, number>;
  participationHash: string;
  replayHash: string;
  /**
   * The survey as the decision read it. A survey not yet frozen is frozen by this transaction,
   * on the condition that its version did not move: a PUT that changed the questions
   * meanwhile makes the answer decide again on them, and a PUT that read the survey unfrozen
   * fails its own condition (`saveSurvey`) and decides again on the frozen survey.
   */
  survey: { version: number; frozen: boolean };
  /**
   * The registration decided on: a ConditionCheck on its email marker (same registration id and
   * version), so that a cancellation, an erasure or a change since refuses the answer.
   */
  respondent?: Respondent;
}

export interface TextsPage {
  texts: string[];
  next?: string;
}

export interface SurveyRepository {
  findSurvey(surveyId: string): Promise<Survey | undefined>;
  /** The survey and whether a response froze it (see AnswerContext.frozen). */
  findSurveyState(surveyId: string): Promise<{ survey: Survey; frozen: boolean } | undefined>;
  /**
   * Conditional on `expectedVersion` (0: must not exist) and, when `frozen` is false, on the
   * survey not having been frozen by a response meanwhile; StaleReadError otherwise. A frozen
   * survey stays frozen.
   */
  saveSurvey(survey: Survey, expectedVersion: number, frozen: boolean): Promise<void>;
  /** Every survey (one listing query, no scan). */
  listSurveys(): Promise<Survey[]>;
  readCounts(surveyId: string): Promise<Record<string, number>>;
  loadAnswerContext(surveyId: string, participationHash: string, replayHash: string, email: string): Promise<AnswerContext>;
  /**
   * The eligibility views of a meeting's registrations (one paged Query of the meeting's
   * registrations, projected to what the views need), or undefined when there are more than
   * `limit`. Read from an index: possibly a little behind, which the answer's ConditionCheck on
   * the email marker's registration version catches.
   */
  respondentViews(meetingId: string, limit: number): Promise<RespondentView[] | undefined>;
  /**
   * Response, both markers (conditional), counters (their shard conditioned on the survey's
   * version stamp), texts, the respondent's ConditionCheck and the call's nonce in one
   * transaction. StaleReadError (current: AnswerRefusal) when a marker was taken, the survey or
   * the respondent changed, or a transaction conflicted meanwhile (nothing written: read again
   * and decide again).
   */
  recordResponse(write: ResponseWrite, nonce: CallNonce | undefined): Promise<void>;
  listTexts(surveyId: string, questionId: string, limit: number, after?: string): Promise<TextsPage>;
  listResponses(surveyId: string): Promise<StoredResponse[]>;
  /** The participation hashes among `hashes` that have a marker. */
  participationsAmong(surveyId: string, hashes: string[]): Promise<Set<string>>;
}


/** An invitation's one-click link as stored (no email: the participation hash only). */
export interface OptOutLink {
  survey_id: string;
  /** The survey's title when the link was last sent (the pages name it). */
  title: string;
  participation: string;
}

/** The one-click links of survey invitations and the opt-out markers they write. */
export interface SurveyLinkRepository {
  /** Writes (or writes again, identically) the link of a token. */
  saveLink(token: string, link: OptOutLink): Promise<void>;
  findLink(token: string): Promise<OptOutLink | undefined>;
  /** Records the opt-out (idempotent); true when it was not recorded yet. */
  optOut(link: OptOutLink, now: Date): Promise<boolean>;
  /** Whether the person answered or opted out, in one read. */
  invitationState(surveyId: string, participation: string): Promise<{ answered: boolean; optedOut: boolean }>;
}
