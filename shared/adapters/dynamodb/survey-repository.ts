// Surveys, their anonymous responses and their statistics in the data table. Anonymity is in
// the shapes written here: a response item holds its random id, the answers and the two groups;
// the markers hold nothing but their keyed-hash key; the free texts sit under keys of their own.
// No item holds an email, a form uuid, a time or a link from a marker to a response.
import { StaleReadError } from '#shared/domain/conflicts.ts';
import { randomBytes } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from '#shared/adapters/aws/sdk.ts';
import * as z from 'zod';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import { RegistrationSchema } from '#shared/domain/registrations/schema.ts';
import { eligibilityView, type EligibilityView } from '#shared/domain/surveys/eligibility.ts';
import {
  type AnswerContext,
  type AnswerRefusal,
  type RespondentView,
  type ResponseWrite,
  type SurveyRepository,
  type TextsPage,
} from '#shared/domain/surveys/ports.ts';
import { StoredResponseSchema, SurveySchema, type StoredResponse, type Survey } from '#shared/domain/surveys/schema.ts';
import { batchGet, itemKey, MAX_BATCH_GET_KEYS } from '#shared/adapters/dynamodb/batch-get.ts';
import { counterDeltaItem, guardedDeltaItem, readCounterSet, stampGuard, versionStampItems } from '#shared/adapters/dynamodb/counters.ts';
import { versionCondition } from '#shared/adapters/dynamodb/expressions.ts';
import { registrationKeys, surveyKeys } from '#shared/adapters/dynamodb/keys.ts';
import { collect, listingItems, partitionItems } from '#shared/adapters/dynamodb/query.ts';
import { TransactionRefusedError, transactWrite, type TaggedItem } from '#shared/adapters/dynamodb/transact.ts';

type Tag = 'response' | 'participation' | 'replay' | 'counters' | 'text' | 'survey' | 'stamp' | 'respondent';

/**
 * What a registration's email marker carries for eligibility (written with the registration by
 * DynamoRegistrationRepository since issue 21). Markers written before lack it.
 */
export const EligibilityViewSchema = z.object({
  state: z.enum(['active', 'cancelled']),
  meeting_id: z.string(),
  checked_in: z.record(z.string(), z.string()),
  profile: RegistrationSchema.shape.profile,
  items: z.array(z.object({ key: z.string(), status: RegistrationSchema.shape.items.element.shape.status })),
});
const MarkerViewSchema = z.object({
  registration_id: z.string(),
  registration_version: z.number().int().optional(),
  eligibility: EligibilityViewSchema.optional(),
});
/** A registration of the meeting's listing, projected to its eligibility view (respondentViews). */
const ListedViewSchema = z.object({
  registration: EligibilityViewSchema.extend({ id: z.string(), email: z.string(), version: z.number().int() }),
});
/** Name of the email marker's attribute holding the eligibility view. */
export const ELIGIBILITY_ATTRIBUTE = 'eligibility';
const TextItemSchema = z.object({ sk: z.string(), text: z.string() });
const CURSOR = /^[0-9a-f]{32}$/;

export const SURVEY_ITEM_TYPES = {
  survey: 'survey',
  response: 'survey-response',
  participation: 'survey-participation',
  replay: 'survey-form',
  text: 'survey-text',
} as const;

export class DynamoSurveyRepository implements SurveyRepository {
  /**
   * Meeting of each survey seen by this container. It lets the one BatchGetItem of an answer
   * also fetch the person's email marker, whose key needs the meeting; a stale or missing hint
   * costs one more read, never a wrong decision (the survey read in the same batch says).
   */
  private readonly meetingHints = new Map<string, string>();
  /**
   * The last survey definition parsed per survey, by version. Every save of a survey writes a
   * new version (define.ts `newSurvey`), and the answer's one read still returns the item: the
   * stored version is compared on each answer, so a changed survey is parsed again at once. It
   * saves the schema's parse of the whole definition on each answer, nothing else.
   */
  private readonly parsedSurveys = new Map<string, { version: unknown; survey: Survey }>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly nonceTable: string,
  ) {}

  async findSurvey(surveyId: string): Promise<Survey | undefined> {
    return (await this.findSurveyState(surveyId))?.survey;
  }

  async findSurveyState(surveyId: string): Promise<{ survey: Survey; frozen: boolean } | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: surveyKeys.survey(surveyId), ConsistentRead: true }));
    return out.Item ? { survey: SurveySchema.parse(out.Item['survey']), frozen: out.Item[FROZEN] === true } : undefined;
  }

  async saveSurvey(survey: Survey, expectedVersion: number, frozen: boolean): Promise<void> {
    const condition = versionCondition(expectedVersion);
    const items: TaggedItem<Tag>[] = [
      {
        tag: 'survey',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...surveyKeys.survey(survey.id), ...surveyKeys.surveyListing(survey.id), type: SURVEY_ITEM_TYPES.survey, version: survey.version, survey, ...(frozen ? { [FROZEN]: true } : {}) },
            ...condition,
            // Decided on an unfrozen survey: a response freezing it meanwhile refuses this write.
            ...(frozen || expectedVersion === 0
              ? {}
              : {
                  ConditionExpression: `${condition.ConditionExpression} AND attribute_not_exists(#frozen)`,
                  ExpressionAttributeNames: { ...condition.ExpressionAttributeNames, '#frozen': FROZEN },
                }),
          },
        },
      },
      // Every save stamps the survey's version on the shards of its counters (issue 21): an answer
      // decided on the survey a warm instance remembers is refused once it changed (recordResponse).
      ...versionStampItems(this.tableName, surveyKeys.counterSet(survey.id), SURVEY_VERSION, survey.version).map((item) => ({ tag: 'stamp' as const, item })),
    ];
    try {
      await transactWrite(this.client, items);
    } catch (error) {
      if (error instanceof TransactionRefusedError) throw new StaleReadError(error.message);
      throw error;
    }
  }

  listSurveys(): Promise<Survey[]> {
    return collect(listingItems(this.client, this.tableName, surveyKeys.SURVEY_LISTING), (item) => SurveySchema.parse(item['survey']));
  }

  readCounts(surveyId: string): Promise<Record<string, number>> {
    return readCounterSet(this.client, this.tableName, surveyKeys.counterSet(surveyId));
  }

  async loadAnswerContext(surveyId: string, participationHash: string, replayHash: string, email: string): Promise<AnswerContext> {
    const surveyKey = surveyKeys.survey(surveyId);
    const participationKey = surveyKeys.participation(surveyId, participationHash);
    const replayKey = surveyKeys.replay(surveyId, replayHash);
    const hint = this.meetingHints.get(surveyId);
    const known = this.parsedSurveys.get(surveyId);
    const found = await batchGet(
      this.client,
      this.tableName,
      [surveyKey, participationKey, replayKey, ...(hint ? [registrationKeys.email(hint, email)] : [])],
      // With a definition parsed on this instance, the read leaves the definition out: its
      // version and freeze say whether the definition is still the stored one.
      known ? { attributes: ANSWER_READ_ATTRIBUTES } : undefined,
    );
    let surveyItem = found.get(itemKey(surveyKey));
    // Saved meanwhile (another version): one more read, of the whole survey item.
    if (known && surveyItem && surveyItem['version'] !== known.version) surveyItem = await this.get(surveyKey);
    const survey = surveyItem ? this.parsedSurvey(surveyId, surveyItem) : undefined;
    const context: AnswerContext = {
      survey,
      answered: found.has(itemKey(participationKey)),
      replayed: found.has(itemKey(replayKey)),
      frozen: surveyItem?.[FROZEN] === true,
      registration: undefined,
    };
    // A marker decides alone (replay, or already answered): no need for the registration.
    if (!survey || context.answered || context.replayed) return context;
    this.meetingHints.set(surveyId, survey.meeting_id);
    const emailKey = registrationKeys.email(survey.meeting_id, email);
    const pointer = hint === survey.meeting_id ? found.get(itemKey(emailKey)) : await this.get(emailKey);
    if (!pointer) return context;
    const marker = MarkerViewSchema.parse(pointer);
    // The marker's view is written with every change of what eligibility reads, in the same
    // transaction (check-ins and their undo too since 2026-12-08; badge prints change nothing of
    // it): a view that would refuse is still checked on the registration itself, as is a marker
    // written before the view (or by older code, which refreshed a check-in's marker after).
    const view = marker.eligibility;
    if (view && view.state === 'active' && (survey.eligibility === 'registered' || Object.keys(view.checked_in).length > 0)) {
      context.registration = withoutUndefined(view);
    } else {
      context.registration = await this.findEligibilityView(marker.registration_id);
    }
    if (marker.registration_version !== undefined) {
      context.respondent = { meetingId: survey.meeting_id, email, registrationId: marker.registration_id, registrationVersion: marker.registration_version };
    }
    return context;
  }

  async recordResponse(write: ResponseWrite, nonce: CallNonce | undefined): Promise<void> {
    const { surveyId, response } = write;
    const put = (tag: Tag, Item: Record<string, unknown>): TaggedItem<Tag> => ({
      tag,
      item: { Put: { TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } },
    });
    const items: TaggedItem<Tag>[] = [
      put('response', { ...surveyKeys.response(surveyId, response.id), type: SURVEY_ITEM_TYPES.response, response }),
      // Listed per survey and deleted by the retention purge at the survey's close + 30 days
      // (the close of that day, so that moving the close later keeps them: keys.ts markerListing).
      put('participation', {
        ...surveyKeys.participation(surveyId, write.participationHash),
        ...surveyKeys.markerListing(surveyId, surveyKeys.markerSort.participation(write.participationHash)),
        type: SURVEY_ITEM_TYPES.participation,
      }),
      put('replay', {
        ...surveyKeys.replay(surveyId, write.replayHash),
        ...surveyKeys.markerListing(surveyId, surveyKeys.markerSort.replay(write.replayHash)),
        type: SURVEY_ITEM_TYPES.replay,
      }),
      // No save of the survey since the version decided on (saveSurvey stamps every shard).
      {
        tag: 'counters',
        item: guardedDeltaItem(counterDeltaItem(this.tableName, surveyKeys.counterSet(surveyId), write.tallies), stampGuard(SURVEY_VERSION, write.survey.version)),
      },
      ...write.texts.map((t) =>
        put('text', { ...surveyKeys.text(surveyId, t.questionId, newTextId()), type: SURVEY_ITEM_TYPES.text, text: t.text }),
      ),
    ];
    // The first responses freeze the survey, on the version they were validated against. Once
    // frozen, a PUT can change the wording only, which leaves the response valid.
    if (!write.survey.frozen) {
      items.push({
        tag: 'survey',
        item: {
          Update: {
            TableName: this.tableName,
            Key: surveyKeys.survey(surveyId),
            UpdateExpression: 'SET #frozen = :true',
            ConditionExpression: '#version = :v',
            ExpressionAttributeNames: { '#frozen': FROZEN, '#version': 'version' },
            ExpressionAttributeValues: { ':true': true, ':v': write.survey.version },
          },
        },
      });
    }
    if (write.respondent) {
      // Eligibility at the write: the email marker names the registration and no later version
      // than the one the answer was decided on. Every change of what eligibility reads writes
      // the marker with the registration's new version (create, update, promotion, move: in
      // their transaction, check-in and its undo included), and a cancellation or an
      // erasure deletes it; printing badges moves the registration's version only, not the
      // marker's, and must not refuse every warm answer of a badge holder: hence `<=`.
      const r = write.respondent;
      items.push({
        tag: 'respondent',
        item: {
          ConditionCheck: {
            TableName: this.tableName,
            Key: registrationKeys.email(r.meetingId, r.email),
            ConditionExpression: '#id = :id AND #rv <= :rv',
            ExpressionAttributeNames: { '#id': 'registration_id', '#rv': 'registration_version' },
            ExpressionAttributeValues: { ':id': r.registrationId, ':rv': r.registrationVersion },
          },
        },
      });
    }
    try {
      await transactWrite(this.client, items, nonce ? { tableName: this.nonceTable, nonce } : undefined);
    } catch (error) {
      if (!(error instanceof TransactionRefusedError)) throw error;
      const refusal: AnswerRefusal = {
        surveyChanged: error.failed('counters') || error.failed('survey'),
        respondentChanged: error.failed('respondent'),
        conditionFailed: error.failedTags.size > 0,
      };
      throw new StaleReadError(error.message, refusal);
    }
  }

  async respondentViews(meetingId: string, limit: number): Promise<RespondentView[] | undefined> {
    const views: RespondentView[] = [];
    const listing = listingItems(this.client, this.tableName, registrationKeys.meetingListingPartition(meetingId), {
      ProjectionExpression: '#r.#id, #r.#email, #r.#version, #r.#state, #r.#meeting, #r.#checked, #r.#profile, #r.#items',
      ExpressionAttributeNames: {
        '#r': 'registration',
        '#id': 'id',
        '#email': 'email',
        '#version': 'version',
        '#state': 'state',
        '#meeting': 'meeting_id',
        '#checked': 'checked_in',
        '#profile': 'profile',
        '#items': 'items',
      },
    });
    for await (const item of listing) {
      if (views.length >= limit) return undefined;
      // A registration this cannot read (anonymised: no email) is left out: read if it answers.
      const listed = ListedViewSchema.safeParse(item);
      if (!listed.success || listed.data.registration.email === '') continue;
      const { id, email, version, ...view } = listed.data.registration;
      views.push({ email: email.trim().toLowerCase(), registrationId: id, registrationVersion: version, view: withoutUndefined(view) });
    }
    return views;
  }

  async listTexts(surveyId: string, questionId: string, limit: number, after?: string): Promise<TextsPage> {
    const pk = surveyKeys.textsPartition(surveyId, questionId);
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: limit,
        ...(after && CURSOR.test(after) ? { ExclusiveStartKey: { pk, sk: after } } : {}),
      }),
    );
    const items = (out.Items ?? []).map((i) => TextItemSchema.parse(i));
    const last = out.LastEvaluatedKey?.['sk'];
    return { texts: items.map((i) => i.text), ...(typeof last === 'string' ? { next: last } : {}) };
  }

  listResponses(surveyId: string): Promise<StoredResponse[]> {
    const items = partitionItems(this.client, this.tableName, surveyKeys.responsesPartition(surveyId), { consistent: false });
    return collect(items, (item) => StoredResponseSchema.parse(item['response']));
  }

  async participationsAmong(surveyId: string, hashes: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < hashes.length; i += MAX_BATCH_GET_KEYS) {
      const chunk = hashes.slice(i, i + MAX_BATCH_GET_KEYS);
      const found = await batchGet(this.client, this.tableName, chunk.map((h) => surveyKeys.participation(surveyId, h)));
      for (const h of chunk) if (found.has(itemKey(surveyKeys.participation(surveyId, h)))) out.add(h);
    }
    return out;
  }

  // -------------------------------------------------------------------------------------

  /** The survey of its item, parsed once per stored version (see `parsedSurveys`). */
  private parsedSurvey(surveyId: string, item: Record<string, unknown>): Survey {
    const raw = item['survey'] as { version?: unknown } | undefined;
    const version = item['version'];
    const cached = this.parsedSurveys.get(surveyId);
    if (cached && typeof version === 'number' && cached.version === version && (raw === undefined || raw.version === version)) return cached.survey;
    const survey = SurveySchema.parse(raw);
    if (typeof version === 'number' && survey.version === version) this.parsedSurveys.set(surveyId, { version, survey });
    return survey;
  }

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  private async findEligibilityView(registrationId: string): Promise<EligibilityView | undefined> {
    const item = await this.get(registrationKeys.registration(registrationId));
    return item ? eligibilityView(RegistrationSchema.parse(item['registration'])) : undefined;
  }
}

/** Top-level attribute of a survey item set by its first response. */
const FROZEN = 'frozen';
/** Counter shard attribute: the survey's version, stamped by every save (saveSurvey). */
/** The survey version stamped on its counter shards by every save (`stampGuard` of an answer). */
export const SURVEY_VERSION = 'survey_version';
/**
 * What an answer's read needs once the definition is parsed: the survey item's version and
 * freeze, the markers' existence, the email marker's pointer and eligibility view.
 */
const ANSWER_READ_ATTRIBUTES = ['version', FROZEN, 'registration_id', 'registration_version', ELIGIBILITY_ATTRIBUTE];

function withoutUndefined(view: z.infer<typeof EligibilityViewSchema>): EligibilityView {
  const { profile, ...rest } = view;
  return profile === undefined ? rest : { ...rest, profile };
}

/** Random key of a free text, unrelated to the response id. Also the page cursor's shape. */
const newTextId = () => randomBytes(16).toString('hex');
