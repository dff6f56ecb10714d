// Surveys against DynamoDB Local: a room answering at once, one person racing with many forms,
// statistics from the counters equal to a recomputation from the stored responses, and a scan
// proving that nothing stored for a survey holds an email, a form uuid or a time.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { surveyKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { nonceKey } from '#shared/adapters/dynamodb/nonce-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { CallNonce, ReplayedCallError } from '#shared/domain/call-nonce.ts';
import { RefusalError } from '#shared/errors.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { AnswerBodySchema, SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import { responseTallies, surveyResults } from '#shared/domain/surveys/statistics.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';
import { surveyTestMeeting } from './fakes.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `survey-data-${suffix}`, NonceTable: `survey-nonces-${suffix}` };
const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const meetings = new DynamoMeetingRepository(ddb, tables.DataTable);
const registrationRepository = new DynamoRegistrationRepository(ddb, tables.DataTable, meetings, tables.NonceTable);
const registrations = new RegistrationService({ meetings, store: registrationRepository, publisher: { publish: async () => undefined }, baseUrl: 'http://club.test' });
const store = new DynamoSurveyRepository(ddb, tables.DataTable, tables.NonceTable);
const surveys = new SurveyService({ store, registrations: registrationRepository, meetings, participationKey: async () => 'integration-key', textsPageSize: 20 });

const registeredAt = new Date('2027-05-02T10:00:00Z');
const answeredAt = new Date('2027-06-10T10:00:00Z');
const meetingId = `club-${suffix}`;
const surveyId = `avis-${suffix}`;
const PEOPLE = 202;
const email = (i: number) => `person${i}-${suffix}@example.org`;
const formUuid = (i: number, copy = 0) => `form-${i}-${copy}-${suffix}`;

const surveyBody = {
  meeting_id: meetingId,
  title: 'Votre avis',
  opens_at: '2027-06-08T16:00:00+02:00',
  closes_at: '2027-06-30T23:59:59+02:00',
  min_group_size: 5,
  questions: [
    { id: 'global', type: 'rating', label: 'Note globale', required: true },
    { id: 'recommande', type: 'nps', label: 'Recommanderiez-vous ?', required: true },
    { id: 'format', type: 'single', label: 'Format', options: [{ id: 'sur-place', text: 'Sur place' }, { id: 'distance', text: 'À distance' }] },
    { id: 'sujets', type: 'multiple', label: 'Sujets', options: [{ id: 'portail', text: 'Portail' }, { id: 'workflows', text: 'Workflows' }, { id: 'stats', text: 'Statistiques' }] },
    { id: 'atelier', type: 'rating', label: 'Atelier', workshop: 'socle' },
    { id: 'remarques', type: 'text', label: 'Remarques' },
  ],
};

function answersOf(i: number) {
  return {
    global: 1 + (i % 5),
    recommande: i % 11,
    ...(i % 3 === 0 ? {} : { format: i % 2 === 0 ? 'sur-place' : 'distance' }),
    sujets: ['portail', 'workflows', 'stats'].filter((_, k) => (i >> k) % 2 === 1),
    atelier: 1 + (i % 4),
    ...(i % 4 === 0 ? { remarques: `Remarque n° ${i}` } : {}),
  };
}

const answer = (i: number, copy = 0, nonce?: CallNonce) =>
  surveys.answer(surveyId, AnswerBodySchema.parse({ form_uuid: formUuid(i, copy), email: email(i), answers: answersOf(i) }), answeredAt, nonce);

beforeAll(async () => {
  await createTables(raw, tables);
  await new MeetingService(meetings).putMeeting(
    meetingId,
    surveyTestMeeting({ onsiteCapacity: 150, workshopCapacity: 40 }),
    registeredAt,
  );
  // Mixed groups: on site or remote, newcomer / expert / not told, some in the workshop.
  for (let start = 0; start < PEOPLE + 3; start += 40) {
    await Promise.all(
      Array.from({ length: Math.min(40, PEOPLE + 3 - start) }, (_, k) => {
        const i = start + k;
        const onsite = i % 3 !== 2 && i < 140;
        return registrations.register(
          meetingId,
          RegistrationRequestSchema.parse({
            form_uuid: `reg-${i}-${suffix}`,
            email: email(i),
            last_name: `Nom ${i}`,
            organisation: 'Ville de Test',
            ...(onsite ? { onsite_days: ['2027-06-07'], workshops: i % 5 === 0 ? ['socle'] : [] } : { remote_days: ['2027-06-07'] }),
            ...(i % 3 === 0 ? {} : { profile: i % 3 === 1 ? 'newcomer' : 'expert' }),
          }),
          registeredAt,
        );
      }),
    );
  }
  const put = await surveys.putSurvey(surveyId, SurveyInputSchema.parse(surveyBody), registeredAt);
  expect(put.created).toBe(true);
}, 120_000);

afterAll(() => {
  ddb.destroy();
  raw.destroy();
});

describe('answering at once', () => {
  it('200 people answering together and one person racing 20 forms: exactly one response each', async () => {
    const racer = PEOPLE - 2;
    const copier = PEOPLE - 1;
    const settled = await Promise.allSettled([
      ...Array.from({ length: PEOPLE - 2 }, (_, i) => answer(i)),
      // One person, 20 different forms at once: one is recorded, the others are refused.
      ...Array.from({ length: 20 }, (_, copy) => answer(racer, copy)),
      // One form sent 20 times at once: recorded once, the others are replays.
      ...Array.from({ length: 20 }, () => answer(copier, 0)),
    ]);
    const rejected = settled.filter((s) => s.status === 'rejected');
    expect(rejected.every((s) => s.reason instanceof RefusalError && s.reason.code === 'already-answered')).toBe(true);
    const fulfilled = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value);
    const recorded = fulfilled.filter((o) => !o.replayed);
    expect(recorded).toHaveLength(PEOPLE);
    expect(new Set(recorded.map((o) => o.response_id)).size).toBe(PEOPLE);
    // The racer's 19 other forms refused (or, at worst, answered as replays of a same uuid: none here).
    expect(rejected).toHaveLength(19);
    expect(fulfilled.filter((o) => o.replayed)).toEqual(Array.from({ length: 19 }, () => ({ response_id: null, replayed: true })));

    const counts = await store.readCounts(surveyId);
    expect(counts['n']).toBe(PEOPLE);
    expect(await store.listResponses(surveyId)).toHaveLength(PEOPLE);
    expect(await surveys.hasAnswered(surveyId, email(0).toUpperCase())).toBe(true);
    expect(await surveys.answeredAmong(surveyId, [email(3), email(PEOPLE), email(PEOPLE + 1)])).toEqual(new Set([email(3)]));
  }, 180_000);

  it('results from the counters equal a recomputation from the stored responses', async () => {
    const survey = await surveys.getSurvey(surveyId);
    const stored = await store.listResponses(surveyId);
    const recount: Record<string, number> = {};
    for (const r of stored) {
      for (const [k, v] of Object.entries(responseTallies(survey, r.answers, r))) recount[k] = (recount[k] ?? 0) + v;
    }
    const fromCounters = await surveys.results(surveyId);
    const recomputed = surveyResults({ survey, counts: recount, eligible: fromCounters.eligible, texts: new Map() });
    const withoutTexts = (r: typeof recomputed) => ({ ...r, questions: r.questions.map((q) => (q.type === 'text' ? { ...q, texts: [], next_texts: undefined } : q)) });
    expect(withoutTexts(fromCounters)).toEqual(withoutTexts(recomputed));

    // And from the raw answers, independently of the tallies: n, mean and median of `global`.
    const globals = stored.map((r) => r.answers['global'] as number).sort((a, b) => a - b);
    const g = fromCounters.questions.find((q) => q.id === 'global') as { n: number; mean: number; median: number };
    expect(g.n).toBe(globals.length);
    expect(g.mean).toBeCloseTo(globals.reduce((s, v) => s + v, 0) / globals.length, 2);
    const mid = globals.length / 2;
    expect(g.median).toBe(globals.length % 2 ? globals[Math.floor(mid)] : ((globals[mid - 1] as number) + (globals[mid] as number)) / 2);
    // Workshop answers count only for the people confirmed in it.
    const atelier = fromCounters.questions.find((q) => q.id === 'atelier') as { n: number };
    expect(atelier.n).toBe(stored.filter((r) => r.answers['atelier'] !== undefined).length);
    expect(atelier.n).toBeLessThan(40);
    expect(fromCounters.eligible).toBe(PEOPLE + 3);
    expect(fromCounters.response_rate).toBe(Math.round((PEOPLE / (PEOPLE + 3)) * 10000) / 10000);

    // Free texts: paginated, every one found exactly once.
    const texts: string[] = [];
    let page = fromCounters.questions.find((q) => q.id === 'remarques') as { texts: string[]; next_texts?: string };
    texts.push(...page.texts);
    while (page.next_texts) {
      page = await surveys.moreTexts(surveyId, 'remarques', page.next_texts);
      texts.push(...page.texts);
    }
    expect(texts.length).toBeGreaterThan(20);
    expect(texts.sort()).toEqual(stored.flatMap((r) => (typeof r.answers['remarques'] === 'string' ? [r.answers['remarques']] : [])).sort());
  }, 60_000);

  it('nothing stored for the survey holds an email, a form uuid, a time or a response id outside the response', async () => {
    const surveyItems: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client: ddb }, { TableName: tables.DataTable })) {
      for (const item of page.Items ?? []) if (String(item['pk']).includes(`SURVEY#${surveyId}`)) surveyItems.push(item);
    }
    const stored = await store.listResponses(surveyId);
    expect(surveyItems.length).toBeGreaterThan(PEOPLE * 3);
    for (const item of surveyItems) {
      const json = JSON.stringify(item);
      expect(json).not.toContain('@');
      expect(json).not.toMatch(/form-\d+-\d+-/);
      expect(json).not.toMatch(/person\d/);
      if (item['sk'] !== 'META' || item['type'] !== 'survey') expect(json).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    }
    const responses = surveyItems.filter((i) => i['type'] === 'survey-response');
    expect(responses).toHaveLength(PEOPLE);
    for (const r of responses) {
      expect(Object.keys(r).sort()).toEqual(['pk', 'response', 'sk', 'type']);
      expect(Object.keys(r['response'] as object).sort()).toEqual(['answers', 'id', 'mode', 'profile']);
    }
    // Markers carry their key, type and their entry in the survey's marker listing (purged at the
    // close + 30 days, no TTL fixed at answer time) only: no response id, no time.
    const ids = new Set(stored.map((r) => r.id));
    for (const m of surveyItems.filter((i) => i['type'] === 'survey-participation' || i['type'] === 'survey-form')) {
      expect(Object.keys(m).sort()).toEqual(['gsi1pk', 'gsi1sk', 'pk', 'sk', 'type']);
      expect(m['gsi1pk']).toBe(`SURVEY#${String(m['pk']).split('#')[1]}#MARKERS`);
      expect([...ids].some((id) => String(m['pk']).includes(id))).toBe(false);
    }
  });
});

describe('refusals and the call nonce', () => {
  it('someone not registered is not eligible; a closed survey refuses; the nonce is consumed with the response', async () => {
    await expect(
      surveys.answer(surveyId, AnswerBodySchema.parse({ form_uuid: 'x', email: 'stranger@example.org', global: 3, recommande: 3 }), answeredAt),
    ).rejects.toMatchObject({ code: 'not-eligible' });
    const late = AnswerBodySchema.parse({ form_uuid: 'late', email: email(PEOPLE + 1), global: 1, recommande: 1 });
    await expect(surveys.answer(surveyId, late, new Date('2027-07-01T10:00:00Z'))).rejects.toMatchObject({ code: 'survey-closed' });
    await expect(surveys.answer(surveyId, late, new Date('2027-06-08T13:59:59Z'))).rejects.toMatchObject({ code: 'survey-closed' });

    const nonce = new CallNonce('demarches.example.org', `nonce-${suffix}`, Math.floor(Date.now() / 1000) + 300);
    const outcome = await answer(PEOPLE + 2, 0, nonce);
    expect(outcome.replayed).toBe(false);
    expect(nonce.consumed).toBe(true);
    const item = await ddb.send(new GetCommand({ TableName: tables.NonceTable, Key: nonceKey(nonce.orig, nonce.value) }));
    expect(item.Item).toBeDefined();
    // The same nonce on another answer: a replayed call, nothing written.
    const reused = new CallNonce('demarches.example.org', `nonce-${suffix}`, nonce.expiresAt);
    await expect(answer(PEOPLE + 1, 5, reused)).rejects.toBeInstanceOf(ReplayedCallError);
    expect(await surveys.hasAnswered(surveyId, email(PEOPLE + 1))).toBe(false);
  });

  it('questions are frozen after the first response, the wording is not', async () => {
    const renamed = { ...surveyBody, title: 'Nouveau titre', questions: surveyBody.questions.map((q) => ({ ...q, label: `${q.label} (bis)` })) };
    expect((await surveys.putSurvey(surveyId, SurveyInputSchema.parse(renamed), answeredAt)).created).toBe(false);
    const added = { ...surveyBody, questions: [...surveyBody.questions, { id: 'autre', type: 'text', label: 'Autre' }] };
    await expect(surveys.putSurvey(surveyId, SurveyInputSchema.parse(added), answeredAt)).rejects.toMatchObject({ code: 'survey-has-responses', statusCode: 409 });
    const stored = await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: surveyKeys.survey(surveyId) }));
    expect((stored.Item?.['survey'] as { title: string }).title).toBe('Nouveau titre');
  });
});
