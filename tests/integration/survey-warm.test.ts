// Issue 21, against DynamoDB Local: an answer decided without a read. A warm instance remembers
// the survey it read and, from its second answer for the meeting, the eligibility views of the
// meeting's registrations (SurveyService, ANSWER_WARM_TTL_MS); it plans a first answer and the one
// TransactWriteItems checks every assumption: the survey's version stamped on the counter shard
// (every save stamps them), the participation and replay markers absent, the respondent's email
// marker still naming the registration version decided on. These tests count the DynamoDB calls
// of an answer, and prove that whatever changed on another instance (a cancellation, an erasure,
// a window moved, a PUT, a marker taken) never gets an answer accepted that a read would refuse,
// with the same refusals, and that the counters always equal the stored responses.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoPeopleRepository } from '#shared/adapters/dynamodb/people-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { PeopleService } from '#shared/domain/people/service.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { DeskService } from '#shared/domain/registrations/desk.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { AnswerBodySchema, SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { ANSWER_WARM_TTL_MS, SurveyService } from '#shared/domain/surveys/service.ts';
import { RefusalError } from '#shared/errors.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';
import { surveyTestMeeting } from './fakes.ts';
import { counted } from '../support/counted-client.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `swarm-data-${suffix}`, NonceTable: `swarm-nonces-${suffix}` };
const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const KEY = 'warm-key';

const meetings = new DynamoMeetingRepository(ddb, tables.DataTable);
const registrationRepository = new DynamoRegistrationRepository(ddb, tables.DataTable, meetings, tables.NonceTable);
const registrations = new RegistrationService({ meetings, store: registrationRepository, publisher: { publish: async () => undefined }, baseUrl: 'http://club.test' });
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const people = new PeopleService(new DynamoPeopleRepository(ddb, tables.DataTable, async () => KEY), registrations, silent);

/** One Lambda instance: its own SurveyService and repository (what they remember), calls counted. */
function instance() {
  const watched = counted(createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint }));
  const store = new DynamoSurveyRepository(watched.client, tables.DataTable, tables.NonceTable);
  const surveys = new SurveyService({ store, registrations: registrationRepository, meetings, participationKey: async () => KEY });
  return { ops: watched.ops, store, surveys };
}
const admin = instance();

const registeredAt = new Date('2027-05-02T10:00:00Z');
const answeredAt = new Date('2027-06-10T10:00:00Z');
const meetingId = `club-${suffix}`;
const PEOPLE = 60;
const email = (i: number) => `warm${i}-${suffix}@example.org`;

const surveyBody = (overrides: Record<string, unknown> = {}) => ({
  meeting_id: meetingId,
  title: 'Votre avis',
  opens_at: '2027-06-08T16:00:00+02:00',
  closes_at: '2027-06-30T23:59:59+02:00',
  questions: [
    { id: 'global', type: 'rating', label: 'Note globale', required: true },
    { id: 'format', type: 'single', label: 'Format', options: [{ id: 'sur-place', text: 'Sur place' }, { id: 'distance', text: 'À distance' }] },
  ],
  ...overrides,
});
const changedBody = () =>
  surveyBody({
    questions: [
      { id: 'global', type: 'rating', label: 'Note globale', required: true },
      { id: 'format', type: 'single', label: 'Format', options: [{ id: 'sur-place', text: 'Sur place' }, { id: 'hybride', text: 'Hybride' }] },
    ],
  });
const answerBody = (who: string, form = `f-${randomBytes(4).toString('hex')}`) =>
  AnswerBodySchema.parse({ form_uuid: form, email: who, answers: { global: 4, format: 'distance' } });

let surveySeq = 0;
async function newSurvey(overrides: Record<string, unknown> = {}): Promise<string> {
  const id = `warm-${suffix}-${surveySeq++}`;
  await admin.surveys.putSurvey(id, SurveyInputSchema.parse(surveyBody(overrides)), registeredAt);
  return id;
}

/** An instance that has answered twice for the survey's meeting: it remembers the survey and the views. */
async function warmInstance(surveyId: string, first: number, second: number) {
  const lambda = instance();
  await lambda.surveys.answer(surveyId, answerBody(email(first)), answeredAt);
  await lambda.surveys.answer(surveyId, answerBody(email(second)), answeredAt);
  lambda.ops.length = 0;
  return lambda;
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    const out = (await promise) as { replayed: boolean };
    return out.replayed ? 'replayed' : 'accepted';
  } catch (error) {
    if (error instanceof RefusalError) return error.code;
    throw error;
  }
}

/** The survey's response count (its counters) and its stored responses. */
async function stored(surveyId: string) {
  const [counts, { responses }] = await Promise.all([admin.store.readCounts(surveyId), admin.surveys.responses(surveyId)]);
  return { counted: counts['n'] ?? 0, responses: responses.length };
}

async function register(i: number) {
  await registrations.register(
    meetingId,
    RegistrationRequestSchema.parse({ form_uuid: `reg-${i}-${suffix}`, email: email(i), last_name: `Nom ${i}`, organisation: 'Ville de Test', onsite_days: ['2027-06-07'] }),
    registeredAt,
  );
}

beforeAll(async () => {
  await createTables(raw, tables);
  await new MeetingService(meetings).putMeeting(meetingId, surveyTestMeeting({ onsiteCapacity: 150 }), registeredAt);
  for (let i = 0; i < PEOPLE; i += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => register(i + k)));
}, 120_000);

afterAll(() => {
  ddb.destroy();
  raw.destroy();
});

describe('calls per answer', () => {
  it('cold: the read and the write; the second answer loads the meeting’s views; then one TransactWriteItems', async () => {
    const surveyId = await newSurvey();
    const lambda = instance();
    await lambda.surveys.answer(surveyId, answerBody(email(0)), answeredAt);
    // A fresh repository does not know the survey's meeting yet: the email marker is a GetItem.
    expect(lambda.ops).toEqual(['BatchGetCommand', 'GetCommand', 'TransactWriteCommand']);
    lambda.ops.length = 0;
    await lambda.surveys.answer(surveyId, answerBody(email(1)), answeredAt);
    expect(lambda.ops).toEqual(['QueryCommand', 'TransactWriteCommand']);
    for (let i = 2; i < 5; i++) {
      lambda.ops.length = 0;
      expect(await outcome(lambda.surveys.answer(surveyId, answerBody(email(i)), answeredAt))).toBe('accepted');
      expect(lambda.ops).toEqual(['TransactWriteCommand']);
    }
    expect(await stored(surveyId)).toEqual({ counted: 5, responses: 5 });
    const { responses } = await admin.surveys.responses(surveyId);
    expect(responses.every((r) => r.mode === 'onsite')).toBe(true);
  });

  it('an instance answering less than once a minute reads as before and never loads the meeting’s views', async () => {
    const surveyId = await newSurvey();
    const lambda = instance();
    await lambda.surveys.answer(surveyId, answerBody(email(0)), answeredAt); // the meeting learnt by the repository
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (let i = 1; i < 4; i++) {
        vi.setSystemTime(Date.now() + ANSWER_WARM_TTL_MS + 1_000);
        lambda.ops.length = 0;
        expect(await outcome(lambda.surveys.answer(surveyId, answerBody(email(i)), answeredAt))).toBe('accepted');
        expect(lambda.ops).toEqual(['BatchGetCommand', 'TransactWriteCommand']);
      }
      // Two answers within the minute: the second loads the views, the third is the transaction alone.
      vi.setSystemTime(Date.now() + 1_000);
      lambda.ops.length = 0;
      await lambda.surveys.answer(surveyId, answerBody(email(4)), answeredAt);
      await lambda.surveys.answer(surveyId, answerBody(email(5)), answeredAt);
      expect(lambda.ops).toEqual(['QueryCommand', 'TransactWriteCommand', 'TransactWriteCommand']);
      // A minute on, the instance still answering: the survey, remembered first, expires first
      // and is read again; the views, a second later, are reloaded at once (not one answer later).
      vi.setSystemTime(Date.now() + ANSWER_WARM_TTL_MS - 1_000);
      lambda.ops.length = 0;
      await lambda.surveys.answer(surveyId, answerBody(email(6)), answeredAt);
      vi.setSystemTime(Date.now() + 2_000);
      await lambda.surveys.answer(surveyId, answerBody(email(7)), answeredAt);
      await lambda.surveys.answer(surveyId, answerBody(email(8)), answeredAt);
      expect(lambda.ops).toEqual(['BatchGetCommand', 'TransactWriteCommand', 'QueryCommand', 'TransactWriteCommand', 'TransactWriteCommand']);
    } finally {
      vi.useRealTimers();
    }
    expect(await stored(surveyId)).toEqual({ counted: 9, responses: 9 });
  });

  it('a person registered after the views were loaded answers on the read path', async () => {
    const surveyId = await newSurvey();
    const lambda = await warmInstance(surveyId, 0, 1);
    await register(PEOPLE);
    expect(await outcome(lambda.surveys.answer(surveyId, answerBody(email(PEOPLE)), answeredAt))).toBe('accepted');
    expect(lambda.ops).toEqual(['BatchGetCommand', 'TransactWriteCommand']);
    expect(await stored(surveyId)).toEqual({ counted: 3, responses: 3 });
  });
});

describe('review of 2026-12-08: check-in undone, badges printed, views forgotten', () => {
  it('a check-in undone at the desk: a checked-in survey refuses the answer, warm or read (the marker loses the check-in too)', async () => {
    const surveyId = await newSurvey({ eligibility: 'checked-in' });
    const day = '2027-06-07';
    const ids = (await Promise.all([10, 11, 12, 13].map((i) => registrationRepository.findIdByEmail(meetingId, email(i))))) as string[];
    for (const id of ids) await registrations.checkIn(id, day, new Date('2027-06-07T08:00:00Z'));
    const lambda = await warmInstance(surveyId, 10, 11); // its views hold 12 and 13 checked in
    const desk = new DeskService({ meetings, store: registrationRepository });
    expect((await desk.undoCheckIn(ids[2] as string, day)).removed).toBe(true);
    expect(await outcome(lambda.surveys.answer(surveyId, answerBody(email(12)), answeredAt))).toBe('not-eligible');
    expect((await desk.undoCheckIn(ids[3] as string, day)).removed).toBe(true);
    expect(await outcome(instance().surveys.answer(surveyId, answerBody(email(13)), answeredAt))).toBe('not-eligible');
    expect(await stored(surveyId)).toEqual({ counted: 2, responses: 2 });
  });

  it('badges printed before the views were loaded (the registration’s version moved, not its marker’s): still one TransactWriteItems', async () => {
    const surveyId = await newSurvey();
    const id = (await registrationRepository.findIdByEmail(meetingId, email(16))) as string;
    const reg = (await registrationRepository.findById(id))!;
    await registrationRepository.setCheckinTokens([
      { registration: reg, next: { generation: (reg.checkin_token?.generation ?? 0) + 1, hash: randomBytes(16).toString('hex') } },
    ]);
    const lambda = await warmInstance(surveyId, 14, 15);
    expect(await outcome(lambda.surveys.answer(surveyId, answerBody(email(16)), answeredAt))).toBe('accepted');
    expect(lambda.ops).toEqual(['TransactWriteCommand']);
    expect(await stored(surveyId)).toEqual({ counted: 3, responses: 3 });
  });

  it('a meeting’s views are forgotten once ANSWER_WARM_TTL_MS has passed, at the instance’s next answer to any survey', async () => {
    const surveyId = await newSurvey();
    const lambda = await warmInstance(surveyId, 17, 18);
    expect(lambda.surveys.heldViews()).toEqual([meetingId]);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + ANSWER_WARM_TTL_MS + 1_000);
      await expect(lambda.surveys.answer(`unknown-${suffix}`, answerBody(email(19)), answeredAt)).rejects.toThrow();
      expect(lambda.surveys.heldViews()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('what changed elsewhere is honoured by a warm instance at once', () => {
  it('a registration cancelled on another instance after the views were loaded: not-eligible, nothing counted', async () => {
    const surveyId = await newSurvey();
    const lambda = await warmInstance(surveyId, 2, 3);
    const id = await registrationRepository.findIdByEmail(meetingId, email(4));
    await registrations.cancel(id as string, registeredAt);
    expect(await outcome(lambda.surveys.answer(surveyId, answerBody(email(4)), answeredAt))).toBe('not-eligible');
    // Planned on the remembered view, refused by the email marker's check, then read.
    expect(lambda.ops).toEqual(['TransactWriteCommand', 'BatchGetCommand']);
    expect(await stored(surveyId)).toEqual({ counted: 2, responses: 2 });
  });

  it('a person erased on another instance (people erasure) after the views were loaded: not-eligible, nothing counted', async () => {
    const surveyId = await newSurvey();
    const lambda = await warmInstance(surveyId, 5, 6);
    await people.erase(email(7), true, answeredAt);
    expect(await outcome(lambda.surveys.answer(surveyId, answerBody(email(7)), answeredAt))).toBe('not-eligible');
    expect(lambda.ops[0]).toBe('TransactWriteCommand');
    expect(await stored(surveyId)).toEqual({ counted: 2, responses: 2 });
  });

  it('a window moved earlier on another instance: survey-closed at once, nothing counted', async () => {
    const surveyId = await newSurvey();
    const lambda = await warmInstance(surveyId, 8, 9);
    const other = instance();
    await other.surveys.putSurvey(surveyId, SurveyInputSchema.parse(surveyBody({ closes_at: '2027-06-09T23:59:59+02:00' })), answeredAt);
    expect(await outcome(lambda.surveys.answer(surveyId, answerBody(email(10)), answeredAt))).toBe('survey-closed');
    expect(lambda.ops).toEqual(['TransactWriteCommand', 'BatchGetCommand', 'GetCommand']);
    expect(await stored(surveyId)).toEqual({ counted: 2, responses: 2 });
    // Reopened elsewhere: the warm instance, refused on a read, answers on a read again.
    await other.surveys.putSurvey(surveyId, SurveyInputSchema.parse(surveyBody()), answeredAt);
    expect(await outcome(lambda.surveys.answer(surveyId, answerBody(email(10)), answeredAt))).toBe('accepted');
    expect(await stored(surveyId)).toEqual({ counted: 3, responses: 3 });
  });

  it('questions changed on another instance before the first response: the warm answer decides again on them (400)', async () => {
    const surveyId = await newSurvey();
    const lambda = instance();
    // This instance reads the unfrozen survey (a refused answer: not registered) and the views.
    expect(await outcome(lambda.surveys.answer(surveyId, answerBody(`stranger-${suffix}@example.org`), answeredAt))).toBe('not-eligible');
    expect(await outcome(lambda.surveys.answer(surveyId, answerBody(`stranger-${suffix}@example.org`), answeredAt))).toBe('not-eligible');
    await instance().surveys.putSurvey(surveyId, SurveyInputSchema.parse(changedBody()), answeredAt);
    lambda.ops.length = 0;
    await expect(lambda.surveys.answer(surveyId, answerBody(email(11)), answeredAt)).rejects.toMatchObject({ statusCode: 400 });
    expect(lambda.ops).toEqual(['TransactWriteCommand', 'BatchGetCommand', 'GetCommand']);
    expect(await stored(surveyId)).toEqual({ counted: 0, responses: 0 });
  });

  it('PUTs racing the first warm answers, free-running: never a response under replaced questions', async () => {
    for (let round = 0; round < 4; round++) {
      const surveyId = await newSurvey();
      const lambda = instance();
      // Warm on the unfrozen survey: remembered (a refused answer), views loaded at the race.
      expect(await outcome(lambda.surveys.answer(surveyId, answerBody(`stranger-${suffix}@example.org`), answeredAt))).toBe('not-eligible');
      const settled = await Promise.allSettled([
        instance().surveys.putSurvey(surveyId, SurveyInputSchema.parse(changedBody()), answeredAt),
        ...Array.from({ length: 6 }, (_, i) => lambda.surveys.answer(surveyId, answerBody(email(12 + i)), answeredAt)),
      ]);
      const { responses } = await admin.surveys.responses(surveyId);
      const old = responses.filter((r) => r.answers['format'] === 'distance').length;
      const options = (await admin.store.findSurvey(surveyId))?.questions[1]?.options.map((o) => o.id);
      if (settled[0]?.status === 'fulfilled') {
        expect(old).toBe(0);
        expect(options).toEqual(['sur-place', 'hybride']);
      } else {
        expect(settled[0]).toMatchObject({ status: 'rejected', reason: { code: 'survey-has-responses' } });
        expect(old).toBeGreaterThan(0);
        expect(options).toEqual(['sur-place', 'distance']);
      }
      const state = await admin.store.findSurveyState(surveyId);
      expect(state?.frozen).toBe(responses.length > 0);
      expect(await stored(surveyId)).toEqual({ counted: responses.length, responses: responses.length });
    }
  });
});

describe('markers: refusals decided again on a read', () => {
  it('the same form twice on a warm instance: the second is a replay (200, replayed)', async () => {
    const surveyId = await newSurvey();
    const lambda = await warmInstance(surveyId, 20, 21);
    const body = answerBody(email(22), `same-${suffix}`);
    expect(await outcome(lambda.surveys.answer(surveyId, body, answeredAt))).toBe('accepted');
    lambda.ops.length = 0;
    expect(await lambda.surveys.answer(surveyId, body, answeredAt)).toEqual({ response_id: null, replayed: true });
    expect(lambda.ops).toEqual(['TransactWriteCommand', 'BatchGetCommand']);
    expect(await stored(surveyId)).toEqual({ counted: 3, responses: 3 });
  });

  it('two forms of one person on a warm instance: already-answered', async () => {
    const surveyId = await newSurvey();
    const lambda = await warmInstance(surveyId, 23, 24);
    expect(await outcome(lambda.surveys.answer(surveyId, answerBody(email(25)), answeredAt))).toBe('accepted');
    expect(await outcome(lambda.surveys.answer(surveyId, answerBody(email(25)), answeredAt))).toBe('already-answered');
    expect(await stored(surveyId)).toEqual({ counted: 3, responses: 3 });
  });

  it('40 answers at once on a warm instance, some people twice: the counters equal the stored responses', async () => {
    const surveyId = await newSurvey();
    const lambda = await warmInstance(surveyId, 26, 27);
    // 40 calls: 30 people, 10 of them with a second form at the same moment.
    const who = [...Array.from({ length: 30 }, (_, i) => email(28 + i)), ...Array.from({ length: 10 }, (_, i) => email(28 + i))];
    const outcomes = await Promise.all(who.map((w) => outcome(lambda.surveys.answer(surveyId, answerBody(w), answeredAt))));
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(30);
    expect(outcomes.filter((o) => o === 'already-answered')).toHaveLength(10);
    expect(await stored(surveyId)).toEqual({ counted: 32, responses: 32 });
  });
});
