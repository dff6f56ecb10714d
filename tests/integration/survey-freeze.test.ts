// Issue 21, against DynamoDB Local: the survey's freeze is decided in the answer's transaction
// (a PUT racing the very first answer cannot slip past it, in either order), and an answer
// decides eligibility on its first read (the registration's email marker carries what it needs;
// markers written before that still work, with one more read).
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { registrationKeys, surveyKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import type { SurveyRepository } from '#shared/domain/surveys/ports.ts';
import { AnswerBodySchema, SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';
import { surveyTestMeeting } from './fakes.ts';
import { counted } from '../support/counted-client.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `freeze-data-${suffix}`, NonceTable: `freeze-nonces-${suffix}` };
const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });

const watched = counted(ddb);
const meetings = new DynamoMeetingRepository(ddb, tables.DataTable);
const registrationRepository = new DynamoRegistrationRepository(ddb, tables.DataTable, meetings, tables.NonceTable);
const registrations = new RegistrationService({ meetings, store: registrationRepository, publisher: { publish: async () => undefined }, baseUrl: 'http://club.test' });
const store = new DynamoSurveyRepository(watched.client, tables.DataTable, tables.NonceTable);

function service(repository: SurveyRepository = store) {
  return new SurveyService({ store: repository, registrations: registrationRepository, meetings, participationKey: async () => 'freeze-key' });
}

const registeredAt = new Date('2027-05-02T10:00:00Z');
const answeredAt = new Date('2027-06-10T10:00:00Z');
const meetingId = `club-${suffix}`;
const PEOPLE = 12;
const email = (i: number) => `person${i}-${suffix}@example.org`;

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
/** The structural change raced against the first answers: option `distance` is replaced. */
const changedBody = () =>
  surveyBody({
    questions: [
      { id: 'global', type: 'rating', label: 'Note globale', required: true },
      { id: 'format', type: 'single', label: 'Format', options: [{ id: 'sur-place', text: 'Sur place' }, { id: 'hybride', text: 'Hybride' }] },
    ],
  });
const answerBody = (i: number, form = `f-${i}-${randomBytes(3).toString('hex')}`) =>
  AnswerBodySchema.parse({ form_uuid: form, email: email(i), answers: { global: 4, format: 'distance' } });

let surveySeq = 0;
async function newSurvey(overrides: Record<string, unknown> = {}): Promise<string> {
  const id = `avis-${suffix}-${surveySeq++}`;
  await service().putSurvey(id, SurveyInputSchema.parse(surveyBody(overrides)), registeredAt);
  return id;
}

/** Responses stored with the option that only the survey's first version had. */
async function responsesWithOldOption(surveyId: string): Promise<number> {
  const { responses } = await service().responses(surveyId);
  return responses.filter((r) => r.answers['format'] === 'distance').length;
}

beforeAll(async () => {
  await createTables(raw, tables);
  await new MeetingService(meetings).putMeeting(
    meetingId,
    surveyTestMeeting({ onsiteCapacity: 150 }),
    registeredAt,
  );
  await Promise.all(
    Array.from({ length: PEOPLE }, (_, i) =>
      registrations.register(
        meetingId,
        RegistrationRequestSchema.parse({ form_uuid: `reg-${i}-${suffix}`, email: email(i), last_name: `Nom ${i}`, organisation: 'Ville de Test', onsite_days: ['2027-06-07'] }),
        registeredAt,
      ),
    ),
  );
}, 60_000);

afterAll(() => {
  ddb.destroy();
  raw.destroy();
});

describe('the freeze is in the answer’s transaction', () => {
  it('a PUT that read the survey before the first answer committed is refused, not saved over it', async () => {
    const surveyId = await newSurvey();
    let firstAnswer: Promise<unknown> | undefined;
    // The PUT reads the survey and its counters (none yet); the first answer commits right then.
    const racing: SurveyRepository = Object.assign(Object.create(store) as DynamoSurveyRepository, {
      readCounts: async (id: string) => {
        const counts = await store.readCounts(id);
        firstAnswer ??= service().answer(surveyId, answerBody(0), answeredAt);
        await firstAnswer;
        return counts;
      },
    });
    await expect(service(racing).putSurvey(surveyId, SurveyInputSchema.parse(changedBody()), answeredAt)).rejects.toMatchObject({
      code: 'survey-has-responses',
      statusCode: 409,
    });
    expect(firstAnswer).toBeDefined();
    expect(await responsesWithOldOption(surveyId)).toBe(1);
    expect((await store.findSurvey(surveyId))?.questions[1]?.options.map((o) => o.id)).toEqual(['sur-place', 'distance']);
    // The wording can still change after that.
    const reworded = surveyBody({ title: 'Votre avis (bis)' });
    expect((await service().putSurvey(surveyId, SurveyInputSchema.parse(reworded), answeredAt)).survey.title).toBe('Votre avis (bis)');
  });

  it('an answer decided on the survey before a PUT changed it decides again on the new questions', async () => {
    const surveyId = await newSurvey();
    let put: Promise<unknown> | undefined;
    // The answer has read the survey (version 1, not frozen); the PUT commits before its write.
    const racing: SurveyRepository = Object.assign(Object.create(store) as DynamoSurveyRepository, {
      recordResponse: async (...args: Parameters<SurveyRepository['recordResponse']>) => {
        put ??= service().putSurvey(surveyId, SurveyInputSchema.parse(changedBody()), answeredAt);
        await put;
        return store.recordResponse(...args);
      },
    });
    await expect(service(racing).answer(surveyId, answerBody(1), answeredAt)).rejects.toMatchObject({ statusCode: 400 });
    expect(await responsesWithOldOption(surveyId)).toBe(0);
    expect((await store.findSurvey(surveyId))?.questions[1]?.options.map((o) => o.id)).toEqual(['sur-place', 'hybride']);
    // Under the new questions, an answer is recorded and freezes the survey.
    await service().answer(surveyId, AnswerBodySchema.parse({ form_uuid: `ok-${suffix}`, email: email(1), answers: { global: 3, format: 'hybride' } }), answeredAt);
    const item = await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: surveyKeys.survey(surveyId), ConsistentRead: true }));
    expect(item.Item?.['frozen']).toBe(true);
  });

  it('PUTs racing the very first answers, free-running: never a response under replaced questions', async () => {
    for (let round = 0; round < 6; round++) {
      const surveyId = await newSurvey();
      const settled = await Promise.allSettled([
        service().putSurvey(surveyId, SurveyInputSchema.parse(changedBody()), answeredAt),
        ...Array.from({ length: 6 }, (_, i) => service().answer(surveyId, answerBody(i), answeredAt)),
      ]);
      const putSaved = settled[0]?.status === 'fulfilled';
      const old = await responsesWithOldOption(surveyId);
      const options = (await store.findSurvey(surveyId))?.questions[1]?.options.map((o) => o.id);
      // Either the change was saved and no answer was recorded under the old option, or the
      // answers froze the survey first and the change was refused.
      if (putSaved) {
        expect(old).toBe(0);
        expect(options).toEqual(['sur-place', 'hybride']);
      } else {
        expect(settled[0]).toMatchObject({ status: 'rejected', reason: { code: 'survey-has-responses' } });
        expect(old).toBeGreaterThan(0);
        expect(options).toEqual(['sur-place', 'distance']);
      }
    }
  });
});

describe('eligibility from the first read', () => {
  it('an answer costs one BatchGetItem and one TransactWriteItems once the survey’s meeting is known', async () => {
    const surveyId = await newSurvey();
    await service().answer(surveyId, answerBody(2), answeredAt); // this container learns the meeting
    watched.ops.length = 0;
    await service().answer(surveyId, answerBody(3), answeredAt);
    expect(watched.ops).toEqual(['BatchGetCommand', 'TransactWriteCommand']);
  });

  it('a marker written before the eligibility view: one more read (the registration), same decision', async () => {
    const surveyId = await newSurvey();
    await service().answer(surveyId, answerBody(4), answeredAt);
    // Person 5's marker as stored before issue 21: the pointer only.
    const key = registrationKeys.email(meetingId, email(5));
    const marker = (await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: key, ConsistentRead: true }))).Item ?? {};
    await ddb.send(new PutCommand({ TableName: tables.DataTable, Item: { ...key, type: 'email', registration_id: marker['registration_id'], form_uuid: marker['form_uuid'] } }));
    watched.ops.length = 0;
    const outcome = await service().answer(surveyId, answerBody(5), answeredAt);
    expect(outcome.replayed).toBe(false);
    expect(watched.ops).toEqual(['BatchGetCommand', 'GetCommand', 'TransactWriteCommand']);
    const { responses } = await service().responses(surveyId);
    expect(responses.map((r) => r.mode).sort()).toEqual(['onsite', 'onsite']);
  });

  it('a checked-in survey: refused before the check-in, answered after it from the marker alone', async () => {
    const surveyId = await newSurvey({ eligibility: 'checked-in' });
    await expect(service().answer(surveyId, answerBody(6), answeredAt)).rejects.toMatchObject({ code: 'not-eligible' });
    const id = await registrationRepository.findIdByEmail(meetingId, email(6));
    await registrations.checkIn(id as string, '2027-06-07', new Date('2027-06-07T08:00:00Z'));
    watched.ops.length = 0;
    expect((await service().answer(surveyId, answerBody(6), answeredAt)).replayed).toBe(false);
    expect(watched.ops).toEqual(['BatchGetCommand', 'TransactWriteCommand']);
    // A marker whose check-in refresh was lost: the registration is read and decides.
    const id7 = await registrationRepository.findIdByEmail(meetingId, email(7));
    const key = registrationKeys.email(meetingId, email(7));
    const before = (await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: key, ConsistentRead: true }))).Item;
    await registrations.checkIn(id7 as string, '2027-06-07', new Date('2027-06-07T08:00:00Z'));
    await ddb.send(new PutCommand({ TableName: tables.DataTable, Item: before ?? {} }));
    watched.ops.length = 0;
    expect((await service().answer(surveyId, answerBody(7), answeredAt)).replayed).toBe(false);
    expect(watched.ops).toEqual(['BatchGetCommand', 'GetCommand', 'TransactWriteCommand']);
  });

  it('a cancelled registration is not eligible (its marker is gone)', async () => {
    const surveyId = await newSurvey();
    const id = await registrationRepository.findIdByEmail(meetingId, email(8));
    await registrations.cancel(id as string, registeredAt);
    await expect(service().answer(surveyId, answerBody(8), answeredAt)).rejects.toMatchObject({ code: 'not-eligible' });
  });
});

describe('the survey definition parsed once per version (issue 21, answers)', () => {
  it('a warm repository keeps the parsed survey while its stored version is unchanged', async () => {
    const surveyId = await newSurvey();
    const first = await store.loadAnswerContext(surveyId, 'h-part-a', 'h-replay-a', email(6));
    const second = await store.loadAnswerContext(surveyId, 'h-part-b', 'h-replay-b', email(6));
    expect(first.survey?.version).toBe(1);
    // The same parsed object: the definition was not parsed again.
    expect(second.survey).toBe(first.survey);
    expect(second.registration).toEqual(first.registration);
  });

  it('a save on another instance reaches the warm repository at the next answer (wording, then the window)', async () => {
    const surveyId = await newSurvey();
    const warm = service();
    await warm.answer(surveyId, answerBody(7), answeredAt); // parsed and frozen at version 1
    // Another instance (a repository of its own) rewords the frozen survey.
    const other = new DynamoSurveyRepository(ddb, tables.DataTable, tables.NonceTable);
    await service(other).putSurvey(surveyId, SurveyInputSchema.parse(surveyBody({ title: 'Votre avis (2)' })), answeredAt);
    const seen = await store.loadAnswerContext(surveyId, 'h-part-c', 'h-replay-c', email(8));
    expect(seen.survey).toMatchObject({ version: 2, title: 'Votre avis (2)' });
    // Then it closes the window before the answer's time: the warm instance refuses at once.
    await service(other).putSurvey(surveyId, SurveyInputSchema.parse(surveyBody({ title: 'Votre avis (2)', closes_at: '2027-06-09T23:59:59+02:00' })), answeredAt);
    await expect(warm.answer(surveyId, answerBody(8), answeredAt)).rejects.toMatchObject({ code: 'survey-closed' });
    expect((await store.loadAnswerContext(surveyId, 'h-part-d', 'h-replay-d', email(8))).survey?.version).toBe(3);
  });
});

describe('the answer’s read without the definition (issue 21, answers)', () => {
  it('warm: one BatchGetItem without the definition; after a save elsewhere, one GetItem more, then the new definition', async () => {
    const surveyId = await newSurvey();
    const warm = service();
    await warm.answer(surveyId, answerBody(9), answeredAt); // parsed (version 1), meeting learnt
    watched.ops.length = 0;
    const ctx = await store.loadAnswerContext(surveyId, 'h-part-e', 'h-replay-e', email(10));
    expect(watched.ops).toEqual(['BatchGetCommand']);
    expect(ctx).toMatchObject({ survey: { version: 1 }, frozen: true, answered: false, replayed: false, registration: { state: 'active', meeting_id: meetingId } });
    // Another instance rewords the survey: the warm read sees version 2 and reads the item again.
    const other = new DynamoSurveyRepository(ddb, tables.DataTable, tables.NonceTable);
    await service(other).putSurvey(surveyId, SurveyInputSchema.parse(surveyBody({ title: 'Votre avis (3)' })), answeredAt);
    watched.ops.length = 0;
    await warm.answer(surveyId, answerBody(10), answeredAt);
    // The warm service's second answer for the meeting: it loads the meeting's views (Query) and
    // plans on version 1 without a read; the shard's stamp (version 2) refuses the transaction,
    // and the answer is read (the new version: one GetItem more) and written.
    expect(watched.ops).toEqual(['QueryCommand', 'TransactWriteCommand', 'BatchGetCommand', 'GetCommand', 'TransactWriteCommand']);
    watched.ops.length = 0;
    const again = await store.loadAnswerContext(surveyId, 'h-part-f', 'h-replay-f', email(11));
    expect(watched.ops).toEqual(['BatchGetCommand']);
    expect(again.survey).toMatchObject({ version: 2, title: 'Votre avis (3)' });
    // The markers still decide: person 10 has answered.
    expect((await store.loadAnswerContext(surveyId, (await import('#shared/domain/surveys/anonymity.ts')).participationHash('freeze-key', surveyId, email(10)), 'h-replay-g', email(10))).answered).toBe(true);
  });
});
