// The answer use case against an in-memory store: the order of the decisions, the retry after
// a refused transaction, and the invitations' port (who answered), without any emulator.
import { StaleReadError } from '#shared/domain/conflicts.ts';
import { describe, expect, it } from 'vitest';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import { InvalidRequestError, RefusalError } from '#shared/errors.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import { participationHash, replayHash } from '#shared/domain/surveys/anonymity.ts';
import { type AnswerContext, type ResponseWrite, type SurveyRepository } from '#shared/domain/surveys/ports.ts';
import { AnswerBodySchema, SurveyInputSchema, type Survey } from '#shared/domain/surveys/schema.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import { surveyInput } from './fakes.ts';

const now = new Date('2027-06-10T10:00:00Z');

function registration(email: string, overrides: Partial<Registration> = {}): Registration {
  return {
    id: `r-${email}`,
    meeting_id: 'club-12',
    access_token: 't',
    form_uuid: `reg-${email}`,
    email,
    last_name: 'Nom',
    organisation: 'Ville',
    days: [{ date: '2027-06-07', mode: 'onsite' }],
    workshops: [],
    evening_event: false,
    items: [{ key: 'day:2027-06-07', status: 'confirmed' }],
    state: 'active',
    request_hash: 'h',
    checked_in: {},
    version: 1,
    created_at: '2027-05-01T00:00:00Z',
    updated_at: '2027-05-01T00:00:00Z',
    ...overrides,
  };
}

class FakeStore implements SurveyRepository {
  surveys = new Map<string, Survey>();
  markers = new Set<string>();
  writes: ResponseWrite[] = [];
  counts: Record<string, number> = {};
  registrations = new Map<string, Registration>();
  /** Before the next write: what a concurrent request does meanwhile. */
  race: (() => void) | undefined;
  reads = 0;

  frozen = new Set<string>();

  async findSurvey(id: string) {
    return this.surveys.get(id);
  }
  async findSurveyState(id: string) {
    const survey = this.surveys.get(id);
    return survey ? { survey, frozen: this.frozen.has(id) } : undefined;
  }
  async saveSurvey(survey: Survey, _expectedVersion: number, frozen: boolean) {
    this.surveys.set(survey.id, survey);
    if (frozen) this.frozen.add(survey.id);
  }
  async listSurveys() {
    return [...this.surveys.values()];
  }
  async readCounts() {
    return this.counts;
  }
  async loadAnswerContext(surveyId: string, p: string, r: string, email: string): Promise<AnswerContext> {
    this.reads++;
    return { survey: this.surveys.get(surveyId), answered: this.markers.has(`p:${p}`), replayed: this.markers.has(`r:${r}`), frozen: this.frozen.has(surveyId), registration: this.registrations.get(email) };
  }
  async recordResponse(write: ResponseWrite, _nonce: CallNonce | undefined) {
    const race = this.race;
    this.race = undefined;
    race?.();
    if (this.markers.has(`p:${write.participationHash}`) || this.markers.has(`r:${write.replayHash}`)) throw new StaleReadError();
    this.markers.add(`p:${write.participationHash}`);
    this.markers.add(`r:${write.replayHash}`);
    this.writes.push(write);
    this.frozen.add(write.surveyId);
    for (const [k, v] of Object.entries(write.tallies)) this.counts[k] = (this.counts[k] ?? 0) + v;
  }
  async listTexts() {
    return { texts: [] };
  }
  async listResponses() {
    return this.writes.map((w) => w.response);
  }
  async participationsAmong(_surveyId: string, hashes: string[]) {
    return new Set(hashes.filter((h) => this.markers.has(`p:${h}`)));
  }
  async respondentViews() {
    return undefined; // no warm answers here (tests/integration/survey-warm.test.ts)
  }
}

async function setUp() {
  const store = new FakeStore();
  const service = new SurveyService({
    store,
    registrations: { listByMeeting: async () => [...store.registrations.values()] },
    meetings: { findMeeting: async (id: string) => (id === 'club-12' ? { id } : undefined) },
    participationKey: async () => 'unit-key',
    sleep: async () => undefined,
  });
  await service.putSurvey('club-12-avis', SurveyInputSchema.parse({ ...surveyInput(), previous_survey_id: undefined }), new Date('2027-06-01T00:00:00Z'));
  for (const email of ['ann@example.org', 'bob@example.org']) store.registrations.set(email, registration(email));
  return { store, service };
}

const body = (email: string, form: string, answers: Record<string, unknown> = { global: 4, recommande: 9 }) =>
  AnswerBodySchema.parse({ form_uuid: form, email, answers });

describe('answering a survey', () => {
  it('records a response holding the answers and the groups only', async () => {
    const { store, service } = await setUp();
    const outcome = await service.answer('club-12-avis', body('ann@example.org', 'form-uuid-ann', { global: 4, recommande: 9, remarques: 'Bien' }), now);
    expect(outcome).toEqual({ response_id: expect.stringMatching(/^[0-9a-f]{32}$/), replayed: false });
    const write = store.writes[0] as ResponseWrite;
    expect(write.response).toEqual({ id: outcome.response_id, answers: { global: 4, recommande: 9, remarques: 'Bien' }, mode: 'onsite', profile: 'unknown' });
    expect(write.texts).toEqual([{ questionId: 'remarques', text: 'Bien' }]);
    // (A distinctive form uuid: the random response id is hex and may contain a short one.)
    expect(JSON.stringify(write)).not.toMatch(/ann@|form-uuid-ann/);
  });

  it('a replay wins over everything, even once closed; another form of the same person is refused', async () => {
    const { service } = await setUp();
    await service.answer('club-12-avis', body('ann@example.org', 'f1'), now);
    expect(await service.answer('club-12-avis', body('ANN@example.org', 'f1'), new Date('2028-01-01T00:00:00Z'))).toEqual({ response_id: null, replayed: true });
    await expect(service.answer('club-12-avis', body('ann@example.org', 'f2'), now)).rejects.toMatchObject({ code: 'already-answered' });
  });

  it('refuses a closed survey, then an unregistered or cancelled person, before reading the answers', async () => {
    const { store, service } = await setUp();
    await expect(service.answer('club-12-avis', body('ann@example.org', 'f1', { global: 99 }), new Date('2027-06-08T13:00:00Z'))).rejects.toMatchObject({ code: 'survey-closed' });
    await expect(service.answer('club-12-avis', body('eve@example.org', 'f1', { global: 99 }), now)).rejects.toMatchObject({ code: 'not-eligible' });
    store.registrations.set('bob@example.org', registration('bob@example.org', { state: 'cancelled' }));
    await expect(service.answer('club-12-avis', body('bob@example.org', 'f3'), now)).rejects.toBeInstanceOf(RefusalError);
    await expect(service.answer('club-12-avis', body('ann@example.org', 'f1', { global: 99 }), now)).rejects.toBeInstanceOf(InvalidRequestError);
    expect(store.writes).toEqual([]);
  });

  it('checked-in eligibility: only people checked in on a day', async () => {
    const { store, service } = await setUp();
    await service.putSurvey('club-12-presents', SurveyInputSchema.parse({ ...surveyInput(), previous_survey_id: undefined, eligibility: 'checked-in' }), now);
    store.registrations.set('bob@example.org', registration('bob@example.org', { checked_in: { '2027-06-07': '2027-06-07T08:00:00Z' } }));
    await expect(service.answer('club-12-presents', body('ann@example.org', 'f1'), now)).rejects.toMatchObject({ code: 'not-eligible' });
    expect((await service.answer('club-12-presents', body('bob@example.org', 'f2'), now)).replayed).toBe(false);
    expect((await service.eligiblePeople('club-12-presents')).map((r) => r.email)).toEqual(['bob@example.org']);
  });

  it('a refused transaction is decided again from a fresh read: the other form of the same person won meanwhile', async () => {
    const { store, service } = await setUp();
    // Another form of Ann is recorded between our read and our write.
    store.race = () => store.markers.add(`p:${participationHash('unit-key', 'club-12-avis', 'ann@example.org')}`);
    await expect(service.answer('club-12-avis', body('ann@example.org', 'f1'), now)).rejects.toMatchObject({ code: 'already-answered' });
    // The refused write, then the read that finds Ann answered, then one more look before refusing.
    expect(store.reads).toBe(3);
    expect(store.writes).toEqual([]);
  });

  it('a copy of the same form seen half-committed (participation marker, not yet its replay marker) is a replay, not already-answered', async () => {
    const { store, service } = await setUp();
    const replay = `r:${replayHash('unit-key', 'club-12-avis', 'f1')}`;
    store.markers.add(`p:${participationHash('unit-key', 'club-12-avis', 'ann@example.org')}`);
    const read = store.loadAnswerContext.bind(store);
    store.loadAnswerContext = async (...args) => {
      const ctx = await read(...args);
      store.markers.add(replay); // the rest of that transaction becomes visible a moment later
      return ctx;
    };
    await expect(service.answer('club-12-avis', body('ann@example.org', 'f1'), now)).resolves.toEqual({ response_id: null, replayed: true });
    expect(store.writes).toEqual([]);
  });

  it('tells the invitations who has answered, from the markers only', async () => {
    const { service } = await setUp();
    await service.answer('club-12-avis', body('ann@example.org', 'f1'), now);
    expect(await service.hasAnswered('club-12-avis', ' Ann@Example.org ')).toBe(true);
    expect(await service.hasAnswered('club-12-avis', 'bob@example.org')).toBe(false);
    expect(await service.answeredAmong('club-12-avis', ['ann@example.org', 'bob@example.org'])).toEqual(new Set(['ann@example.org']));
    expect((await service.eligiblePeople('club-12-avis')).map((r) => r.email).sort()).toEqual(['ann@example.org', 'bob@example.org']);
  });

  it('refuses a survey on an unknown meeting, or being its own previous survey', async () => {
    const { service } = await setUp();
    await expect(service.putSurvey('x', SurveyInputSchema.parse({ ...surveyInput(), meeting_id: 'club-99' }), now)).rejects.toMatchObject({
      statusCode: 400,
      details: { errors: [{ path: 'meeting_id', message: 'Réunion inconnue : « club-99 ».' }] },
    });
    await expect(service.putSurvey('club-11-avis', SurveyInputSchema.parse(surveyInput()), now)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('a PUT whose save conflicted with answers on the counter shards (nothing changed) is saved on a further try', async () => {
    const { store, service } = await setUp();
    // Every save stamps the counter shards (issue 21): a transaction there may conflict with it.
    const save = store.saveSurvey.bind(store);
    let conflicts = 2;
    store.saveSurvey = async (...args: Parameters<FakeStore['saveSurvey']>) => {
      if (conflicts-- > 0) throw new StaleReadError('transaction refused (conflict)');
      return save(...args);
    };
    const input = SurveyInputSchema.parse({ ...surveyInput(), previous_survey_id: undefined, title: 'Votre avis (2)' });
    const { created, survey } = await service.putSurvey('club-12-avis', input, now);
    expect({ created, version: survey.version }).toEqual({ created: false, version: 2 });
    expect((await store.findSurvey('club-12-avis'))?.title).toBe('Votre avis (2)');
  });

  it('a PUT whose save keeps conflicting on the counter shards (nothing changed) answers busy (503), not survey-changed', async () => {
    const { store, service } = await setUp();
    let tries = 0;
    store.saveSurvey = async () => {
      tries++;
      throw new StaleReadError('transaction refused (conflict)');
    };
    const input = SurveyInputSchema.parse({ ...surveyInput(), previous_survey_id: undefined, title: 'Votre avis (3)' });
    await expect(service.putSurvey('club-12-avis', input, now)).rejects.toMatchObject({ statusCode: 503, code: 'service-busy' });
    expect(tries).toBe(8);
    expect((await store.findSurvey('club-12-avis'))?.title).not.toBe('Votre avis (3)');
  });

  it('reschedules the invitations after each PUT is written, and not after a refused one', async () => {
    const store = new FakeStore();
    const calls: Array<[string, string, string, boolean]> = [];
    const service = new SurveyService({
      store,
      registrations: { listByMeeting: async () => [] },
      meetings: { findMeeting: async (id: string) => (id === 'club-12' ? { id } : undefined) },
      participationKey: async () => 'unit-key',
      reminders: {
        refreshNextDue: async (kind, ownerId, at) => {
          calls.push([kind, ownerId, at.toISOString(), (await store.findSurvey(ownerId)) !== undefined]);
          return null;
        },
      },
    });
    const input = SurveyInputSchema.parse({ ...surveyInput(), previous_survey_id: undefined });
    await service.putSurvey('club-12-avis', input, now);
    await expect(service.putSurvey('x', SurveyInputSchema.parse({ ...surveyInput(), meeting_id: 'club-99' }), now)).rejects.toMatchObject({ statusCode: 400 });
    expect(calls).toEqual([['survey', 'club-12-avis', now.toISOString(), true]]);
  });
});
