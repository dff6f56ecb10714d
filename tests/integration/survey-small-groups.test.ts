// min_group_size in every view of a survey's results, against DynamoDB Local (issue 13): seven
// people on site, one of them in the workshop, and one remote respondent whose free text
// would name them. Neither the results, the further text pages, the breakdowns nor the CSV
// may show the one remote answer or the one workshop rating.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { sheetToCsv } from '#shared/domain/csv.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { AnswerBodySchema, SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import { responsesSheet } from '#shared/domain/surveys/views.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';
import { surveyTestMeeting } from './fakes.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `small-data-${suffix}`, NonceTable: `small-nonces-${suffix}` };
const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const meetings = new DynamoMeetingRepository(ddb, tables.DataTable);
const registrationRepository = new DynamoRegistrationRepository(ddb, tables.DataTable, meetings, tables.NonceTable);
const registrations = new RegistrationService({ meetings, store: registrationRepository, publisher: { publish: async () => undefined }, baseUrl: 'http://club.test' });
const store = new DynamoSurveyRepository(ddb, tables.DataTable, tables.NonceTable);
const surveys = new SurveyService({ store, registrations: registrationRepository, meetings, participationKey: async () => 'integration-key' });

const registeredAt = new Date('2027-05-02T10:00:00Z');
const answeredAt = new Date('2027-06-10T10:00:00Z');
const meetingId = `club-${suffix}`;
const surveyId = `avis-${suffix}`;
const email = (i: number) => `small${i}-${suffix}@example.org`;
const REMOTE_TEXT = 'Seule à distance depuis Trifouilly, le son était faible.';

const surveyBody = {
  meeting_id: meetingId,
  title: 'Votre avis',
  opens_at: '2027-06-08T16:00:00+02:00',
  closes_at: '2027-06-30T23:59:59+02:00',
  min_group_size: 5,
  questions: [
    { id: 'global', type: 'rating', label: 'Note globale', required: true },
    { id: 'recommande', type: 'nps', label: 'Recommanderiez-vous ?', required: true },
    { id: 'atelier', type: 'rating', label: 'Atelier', workshop: 'socle' },
    { id: 'format', type: 'single', label: 'Format', options: [{ id: 'court', text: 'Court' }, { id: 'long', text: 'Long' }] },
    { id: 'remarques', type: 'text', label: 'Remarques' },
    { id: 'suggestions', type: 'text', label: 'Suggestions' },
  ],
};

beforeAll(async () => {
  await createTables(raw, tables);
  await new MeetingService(meetings).putMeeting(
    meetingId,
    surveyTestMeeting({ onsiteCapacity: 50, workshopCapacity: 10 }),
    registeredAt,
  );
  // People 0–6 on site (0 in the workshop), person 7 remote.
  for (let i = 0; i < 8; i++) {
    await registrations.register(
      meetingId,
      RegistrationRequestSchema.parse({
        form_uuid: `reg-${i}-${suffix}`,
        email: email(i),
        last_name: `Nom ${i}`,
        organisation: 'Ville de Test',
        ...(i < 7 ? { onsite_days: ['2027-06-07'], workshops: i === 0 ? ['socle'] : [] } : { remote_days: ['2027-06-07'] }),
      }),
      registeredAt,
    );
  }
  await surveys.putSurvey(surveyId, SurveyInputSchema.parse(surveyBody), registeredAt);
  for (let i = 0; i < 8; i++) {
    const answers = {
      global: i === 7 ? 1 : 4,
      recommande: i === 7 ? 0 : 9,
      atelier: 2,
      // Only two people answer the format question.
      ...(i < 2 ? { format: 'court' } : {}),
      remarques: i === 7 ? REMOTE_TEXT : `Remarque ${i}`,
      // Two suggestions only.
      ...(i >= 6 ? { suggestions: `Suggestion ${i}` } : {}),
    };
    const outcome = await surveys.answer(surveyId, AnswerBodySchema.parse({ form_uuid: `f-${i}-${suffix}`, email: email(i), answers }), answeredAt);
    expect(outcome.replayed).toBe(false);
  }
}, 90_000);

afterAll(() => {
  ddb.destroy();
  raw.destroy();
});

describe('small groups (min_group_size 5) in every view', () => {
  it('results: a question answered by fewer shows its count only; the others their figures', async () => {
    const r = await surveys.results(surveyId);
    expect(r.responses).toBe(8);
    const q = (id: string) => r.questions.find((x) => x.id === id);
    // The one workshop participant's rating.
    expect(q('atelier')).toEqual({ id: 'atelier', label: 'Atelier', workshop: 'socle', type: 'rating', suppressed: true, n: 1 });
    expect(q('format')).toEqual({ id: 'format', label: 'Format', type: 'single', suppressed: true, n: 2 });
    expect(q('global')).toMatchObject({ suppressed: false, n: 8, mean: 3.63 });
    expect(q('remarques')).toMatchObject({ suppressed: false, n: 8 });
  });

  it('breakdowns: the lone remote respondent is hidden, and so is the on-site group that would give them away by difference', async () => {
    const r = await surveys.results(surveyId);
    expect(r.breakdowns.mode).toEqual([
      { group: 'onsite', responses: 7, suppressed: true },
      { group: 'remote', responses: 1, suppressed: true },
    ]);
    const unknown = r.breakdowns.profile.find((g) => g.group === 'unknown');
    expect(unknown).toMatchObject({ responses: 8, suppressed: false });
    expect(unknown?.suppressed === false && unknown.questions.find((x) => x.id === 'atelier')).toEqual({ id: 'atelier', suppressed: true });
  });

  it('texts of a question answered by too few: neither in the results nor on a further page', async () => {
    const r = await surveys.results(surveyId);
    expect(r.questions.find((x) => x.id === 'suggestions')).toEqual({ id: 'suggestions', label: 'Suggestions', type: 'text', suppressed: true, n: 2 });
    expect(await surveys.moreTexts(surveyId, 'suggestions', undefined)).toEqual({ id: 'suggestions', texts: [] });
    expect((await surveys.moreTexts(surveyId, 'remarques', undefined)).texts).toHaveLength(8);
  });

  it('CSV: every line kept, hidden groups and suppressed questions blank, so the remote line cannot be told apart', async () => {
    const { survey, responses } = await surveys.responses(surveyId);
    const rows = parse(sheetToCsv(responsesSheet(survey, responses)), { bom: true, delimiter: ';', record_delimiter: '\r\n' }) as string[][];
    const [headers, ...lines] = rows as [string[], ...string[][]];
    expect(headers).toEqual(['Mode', 'Profil', 'Note globale', 'Recommanderiez-vous ?', 'Atelier', 'Format', 'Remarques', 'Suggestions']);
    expect(lines).toHaveLength(8);
    const col = (name: string) => lines.map((l) => l[headers.indexOf(name)]);
    // Both modes hidden (1 remote, and 7 on site would give it by difference).
    expect(new Set(col('Mode'))).toEqual(new Set(['']));
    // The profile group (8 unknown) is shown.
    expect(new Set(col('Profil'))).toEqual(new Set(['Non renseigné']));
    // Suppressed questions: blank on every line.
    expect(new Set(col('Atelier'))).toEqual(new Set(['']));
    expect(new Set(col('Format'))).toEqual(new Set(['']));
    expect(new Set(col('Suggestions'))).toEqual(new Set(['']));
    // Shown questions keep their answers; the remote text is there, on a line like the others.
    expect(col('Remarques')).toContain(REMOTE_TEXT);
    expect(col('Note globale').sort()).toEqual(['1', '4', '4', '4', '4', '4', '4', '4']);
    const remoteLine = lines.find((l) => l.includes(REMOTE_TEXT)) as string[];
    expect(remoteLine.slice(0, 2)).toEqual(lines.find((l) => !l.includes(REMOTE_TEXT))?.slice(0, 2));
  });
});
