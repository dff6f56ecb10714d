import type { CallNonce } from '#shared/domain/call-nonce.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import type { StoredResponse, Survey } from './schema.ts';

/** What deciding an answer needs, read at once. */
export interface AnswerContext {
  survey: Survey | undefined;
  /** The participation marker of this email exists. */
  answered: boolean;
  /** The replay marker of this form exists. */
  replayed: boolean;
  /** The person's registration to the survey's meeting; not read when a marker already decides. */
  registration: Registration | undefined;
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
}

export interface TextsPage {
  texts: string[];
  next?: string;
}

export interface SurveyRepository {
  findSurvey(surveyId: string): Promise<Survey | undefined>;
  /** Conditional on `expectedVersion` (0: must not exist); StaleReadError otherwise. */
  saveSurvey(survey: Survey, expectedVersion: number): Promise<void>;
  /** Every survey (one listing query, no scan). */
  listSurveys(): Promise<Survey[]>;
  readCounts(surveyId: string): Promise<Record<string, number>>;
  loadAnswerContext(surveyId: string, participationHash: string, replayHash: string, email: string): Promise<AnswerContext>;
  /**
   * Response, both markers (conditional), counters, texts and the call's nonce in one
   * transaction. StaleReadError when a marker was taken or a transaction conflicted
   * meanwhile (nothing written: read again and decide again).
   */
  recordResponse(write: ResponseWrite, nonce: CallNonce | undefined): Promise<void>;
  listTexts(surveyId: string, questionId: string, limit: number, after?: string): Promise<TextsPage>;
  listResponses(surveyId: string): Promise<StoredResponse[]>;
  /** The participation hashes among `hashes` that have a marker. */
  participationsAmong(surveyId: string, hashes: string[]): Promise<Set<string>>;
}

