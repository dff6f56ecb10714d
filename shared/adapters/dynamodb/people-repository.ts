// The personal-data store: finds a person's items through the per-person index (`people`, keyed
// by the normalised email every personal item carries: keys.ts personKeys), never a scan, and
// erases under conditions that hold only while the identity is still there (retention purge,
// erasure requests). Items the domain only needs to find again travel as opaque refs.
import { ConditionalCheckFailedException, DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '#shared/adapters/aws/sdk.ts';
import * as z from 'zod';
import type { AgentRecord, DeliveryAddress, ItemRef, Page, PeopleStore, PersonItem, RetentionObjects, SurveyMarker, SurveyRetention } from '#shared/domain/people/ports.ts';
import { ERASED_AGENT } from '#shared/domain/people/retention.ts';
import { MeetingSchema } from '#shared/domain/meetings/schema.ts';
import { RegistrationSchema, type Registration } from '#shared/domain/registrations/schema.ts';
import { SubscriptionSchema, type Subscription } from '#shared/domain/sessions/schema.ts';
import { participationHash } from '#shared/domain/surveys/anonymity.ts';
import { SurveySchema } from '#shared/domain/surveys/schema.ts';
import type { Agent } from '#shared/domain/votes/schema.ts';
import { DispatchRowSchema } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { meetingKeys, registrationKeys, reminderKeys, sessionKeys, surveyKeys, voteKeys } from '#shared/adapters/dynamodb/keys.ts';
import { collect, listingItems, listingPage, partitionItems, queryItems } from '#shared/adapters/dynamodb/query.ts';
import { registrationItem } from '#shared/adapters/dynamodb/registration-repository.ts';
import { seriesOf, tokenHash } from '#shared/adapters/dynamodb/session-repository.ts';
import { PEOPLE_INDEX, PERSON_ATTRIBUTE } from '#shared/adapters/dynamodb/tables.ts';
import { TransactionRefusedError, transactWrite, type TaggedItem } from '#shared/adapters/dynamodb/transact.ts';

type Item = Record<string, unknown>;
interface Key {
  pk: string;
  sk: string;
}

/** Registrations anonymised per transaction (up to 3 items each: registration, email marker, check-in lookup). */
const REGISTRATIONS_PER_TRANSACTION = 25;
/** Conditional updates in flight at once. */
const PARALLEL_WRITES = 8;

const refOf = (item: Item): ItemRef => JSON.stringify({ pk: item['pk'], sk: item['sk'] });
const keyOf = (ref: ItemRef): Key => {
  const { pk, sk } = z.object({ pk: z.string(), sk: z.string() }).parse(JSON.parse(ref));
  return { pk, sk };
};
const afterPrefix = (value: unknown, prefix: string) => String(value).slice(prefix.length);

/** Where the agent sits in each kind of item: attribute, then field. */
const AGENT_PATHS = { proposal: ['proposal', 'proposer'], support: ['support', 'agent'], ballot: ['ballot', 'agent'] } as const;

// The vote's items, read with light schemas of their own (the vote's schemas bring its
// organisation folding tables into this bundle): only what the purge and the export need.
const AgentSchema = z.object({ email: z.string(), first_name: z.string().optional(), last_name: z.string().optional() });
const CampaignSchema = z.object({ id: z.string(), closed_at: z.string().optional(), vote_closes_at: z.string().optional(), retention_days: z.number().int().optional() });
const ProposalSchema = z.object({ id: z.string(), campaign_id: z.string(), title: z.string(), organisation: z.string(), submitted_at: z.string(), proposer: AgentSchema });
const SupportSchema = z.object({
  proposal_id: z.string(),
  organisation: z.string(),
  role: z.enum(['proposer', 'cosigner']),
  at: z.string(),
  comment: z.string().optional(),
  agent: AgentSchema,
});
const BallotSchema = z.object({ campaign_id: z.string(), organisation: z.string(), cast_at: z.string(), agent: AgentSchema });

/**
 * A series' last occurrence date, without expanding its rule (that library stays out of this
 * bundle): the rule's last instance stored with the series at its last write (`last_date`:
 * a `count`-only series ends too; null without end), else — a series stored before it, until
 * `scripts/backfill-person.ts` — its `until`; later if an occurrence was moved past it.
 */
function seriesLastDate(item: Item): string | null {
  const series = seriesOf(item);
  const stored = z.string().nullable().optional().parse(item['last_date']);
  let last = stored === undefined ? (series.until?.slice(0, 10) ?? null) : stored;
  if (last === null) return null;
  const overrides = z.record(z.string(), z.object({ starts_at: z.string().optional(), cancelled: z.boolean().optional() }).loose()).optional().parse(item['overrides']) ?? {};
  for (const o of Object.values(overrides)) if (o.starts_at !== undefined && o.cancelled !== true && o.starts_at.slice(0, 10) > last) last = o.starts_at.slice(0, 10);
  return last;
}

/** The person's survey markers by item type (survey-repository.ts, survey-link-repository.ts). */
const MARKER_KINDS: Record<string, SurveyMarker['kind']> = {
  'survey-participation': 'participation',
  'survey-optout': 'opt-out',
  'survey-optout-link': 'link',
};

async function inParallel<T, R>(values: T[], work: (value: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += PARALLEL_WRITES) out.push(...(await Promise.all(values.slice(i, i + PARALLEL_WRITES).map(work))));
  return out;
}

export class DynamoPeopleRepository implements PeopleStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The key of the survey participation markers (PARTICIPATION_HASH_KEY). */
    private readonly participationKey: () => Promise<string>,
  ) {}

  async listObjects(): Promise<RetentionObjects> {
    const list = <T>(partition: string, map: (item: Item) => T) => collect(listingItems(this.client, this.tableName, partition), map);
    const [meetings, campaigns, series, surveys] = await Promise.all([
      list(meetingKeys.meetingListing('', '').gsi1pk, (item) => MeetingSchema.parse(item['meeting'])),
      list(voteKeys.CAMPAIGN_LISTING, (item) => CampaignSchema.parse(item['campaign'])),
      list(sessionKeys.SERIES_LISTING, (item) => ({ ...seriesOf(item), lastDate: seriesLastDate(item) })),
      list(surveyKeys.SURVEY_LISTING, (item) => SurveySchema.parse(item['survey'])),
    ]);
    return {
      meetings: meetings.map((m) => ({ id: m.id, days: m.days, timezone: m.timezone, retention_days: m.retention_days })),
      campaigns: campaigns.map((c) => ({ id: c.id, closed_at: c.closed_at, vote_closes_at: c.vote_closes_at, retention_days: c.retention_days })),
      series: series.map((s) => ({ id: s.id, timezone: s.timezone, lastDate: s.lastDate })),
      surveys: surveys.map((s) => ({ id: s.id, closes_at: s.closes_at })),
    };
  }

  async pageRegistrations(meetingId: string, cursor: string | null, limit: number): Promise<Page<Registration>> {
    const out = await listingPage(this.client, this.tableName, registrationKeys.meetingListingPartition(meetingId), { cursor, limit });
    return { items: out.items.map((i) => RegistrationSchema.parse(i['registration'])), cursor: out.cursor };
  }

  async anonymiseRegistrations(changes: Array<{ current: Registration; next: Registration }>): Promise<string[]> {
    const written: string[] = [];
    for (let i = 0; i < changes.length; i += REGISTRATIONS_PER_TRANSACTION) {
      const chunk = changes.slice(i, i + REGISTRATIONS_PER_TRANSACTION);
      try {
        await transactWrite(this.client, chunk.flatMap((c) => this.anonymiseItems(c.current, c.next)));
        written.push(...chunk.map((c) => c.next.id));
      } catch (error) {
        if (!(error instanceof TransactionRefusedError)) throw error;
        // One of them moved (or was done meanwhile): each on its own, the moved ones left.
        for (const c of chunk) {
          try {
            await transactWrite(this.client, this.anonymiseItems(c.current, c.next));
            written.push(c.next.id);
          } catch (single) {
            if (!(single instanceof TransactionRefusedError)) throw single;
          }
        }
      }
    }
    return written;
  }

  private anonymiseItems(current: Registration, next: Registration): TaggedItem[] {
    const items: TaggedItem[] = [
      {
        tag: 'registration',
        item: {
          Put: {
            TableName: this.tableName,
            Item: registrationItem(next),
            // Never twice in effect: only the registration as read, and only while it holds an identity.
            ConditionExpression: '#version = :v AND attribute_not_exists(#reg.#anonymised)',
            ExpressionAttributeNames: { '#version': 'version', '#reg': 'registration', '#anonymised': 'anonymised_at' },
            ExpressionAttributeValues: { ':v': current.version },
          },
        },
      },
    ];
    // An active registration holds its (meeting, email) marker; a cancelled one gave it back.
    if (current.state === 'active' && current.email) {
      items.push({ tag: 'email', item: { Delete: { TableName: this.tableName, Key: registrationKeys.email(current.meeting_id, current.email) } } });
    }
    if (current.checkin_token) {
      items.push({ tag: 'checkin', item: { Delete: { TableName: this.tableName, Key: registrationKeys.checkinToken(current.checkin_token.hash) } } });
    }
    return items;
  }

  async listSubscriptions(seriesId: string): Promise<Subscription[]> {
    const items = partitionItems(this.client, this.tableName, sessionKeys.subscriptionsPartition(seriesId), { prefix: sessionKeys.SUBSCRIPTION_PREFIX });
    return collect(items, (item) => SubscriptionSchema.parse(item['subscription']));
  }

  async deleteSubscription(s: Subscription): Promise<boolean> {
    // Its form markers carry the email in the per-person index: found there, not scanned for.
    const forms = (await this.personIndex(s.email)).filter((i) => i['type'] === 'session-form' && z.object({ series_id: z.string() }).parse(i['marker']).series_id === s.series_id);
    const del = (tag: string, Key: Key, condition?: Record<string, unknown>): TaggedItem => ({ tag, item: { Delete: { TableName: this.tableName, Key, ...condition } } });
    try {
      await transactWrite(this.client, [
        del('subscription', sessionKeys.subscription(s.series_id, s.email), {
          ConditionExpression: '#version = :v',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':v': s.version },
        }),
        del('pointer', sessionKeys.subscriberPointer(s.series_id, s.subscriber_id)),
        del('token', sessionKeys.unsubscribeToken(tokenHash(s.token))),
        ...forms.map((f) => del('form', { pk: String(f['pk']), sk: String(f['sk']) })),
      ]);
      return true;
    } catch (error) {
      if (error instanceof TransactionRefusedError) return false;
      throw error;
    }
  }

  async listAgents(campaignId: string): Promise<AgentRecord[]> {
    const [proposals, supports, ballots] = await Promise.all([
      collect(partitionItems(this.client, this.tableName, voteKeys.campaignPartition(campaignId), { prefix: voteKeys.PROPOSAL_PREFIX }), (i) => i),
      collect(partitionItems(this.client, this.tableName, voteKeys.campaignPartition(campaignId), { prefix: voteKeys.SUPPORT_PREFIX }), (i) => i),
      collect(partitionItems(this.client, this.tableName, voteKeys.ballotPartition(campaignId)), (i) => i),
    ]);
    const records = (kind: AgentRecord['kind'], items: Item[]) =>
      items.map((item) => ({ kind, ref: refOf(item), campaign_id: campaignId, agent: agentAt(item, kind) }));
    return [...records('proposal', proposals), ...records('support', supports), ...records('ballot', ballots)];
  }

  async eraseAgents(records: AgentRecord[]): Promise<number> {
    const done = await inParallel(records, async (r) => {
      const [attribute, field] = AGENT_PATHS[r.kind];
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keyOf(r.ref),
            UpdateExpression: 'SET #a.#f = :erased REMOVE #person',
            // Only while an agent is still there: erasing twice changes nothing.
            ConditionExpression: 'attribute_exists(#a.#f) AND (#a.#f.#email <> :empty OR attribute_exists(#a.#f.#first) OR attribute_exists(#a.#f.#last))',
            ExpressionAttributeNames: { '#a': attribute, '#f': field, '#person': PERSON_ATTRIBUTE, '#email': 'email', '#first': 'first_name', '#last': 'last_name' },
            ExpressionAttributeValues: { ':erased': ERASED_AGENT, ':empty': '' },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    });
    return done.filter(Boolean).length;
  }

  private personIndex(email: string): Promise<Item[]> {
    const items = queryItems(this.client, {
      TableName: this.tableName,
      IndexName: PEOPLE_INDEX,
      KeyConditionExpression: '#person = :person',
      ExpressionAttributeNames: { '#person': PERSON_ATTRIBUTE },
      ExpressionAttributeValues: { ':person': email.trim().toLowerCase() },
    });
    return collect(items, (i) => i);
  }

  async findPersonItems(email: string): Promise<PersonItem[]> {
    const out: PersonItem[] = [];
    for (const item of await this.personIndex(email)) {
      const parsed = personItem(item);
      if (parsed) out.push(parsed);
    }
    return out;
  }

  async findSurveyMarkers(email: string, surveys: SurveyRetention[]): Promise<SurveyMarker[]> {
    if (surveys.length === 0) return [];
    const key = await this.participationKey();
    // The person's participation, opt-out and links sort under their participation hash in each
    // survey's marker listing (keys.ts surveyKeys.markerListing): one Query per survey.
    const found = await inParallel(surveys, async (survey) => {
      const hash = participationHash(key, survey.id, email);
      const items = await collect(
        listingItems(this.client, this.tableName, surveyKeys.markerListingPartition(survey.id), {
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :person)',
          ExpressionAttributeValues: { ':pk': surveyKeys.markerListingPartition(survey.id), ':person': `${hash}#` },
        }),
        (i) => i,
      );
      return items.flatMap((item): SurveyMarker[] => {
        const kind = MARKER_KINDS[String(item['type'])];
        return kind ? [{ survey_id: survey.id, closes_at: survey.closes_at, kind, ref: refOf(item) }] : [];
      });
    });
    return found.flat();
  }

  async deleteRefs(refs: ItemRef[]): Promise<void> {
    await inParallel(refs, (ref) => this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(ref) })));
  }

  async pageDeliveryAddresses(sentBy: string, cursor: string | null, limit: number): Promise<Page<DeliveryAddress>> {
    const out = await listingPage(this.client, this.tableName, reminderKeys.ADDRESS_LISTING, { cursor, limit }, {
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :by',
      ExpressionAttributeValues: { ':pk': reminderKeys.ADDRESS_LISTING, ':by': sentBy },
    });
    return { items: out.items.map((i) => ({ ref: refOf(i), subject: String(i['subject']) })), cursor: out.cursor };
  }

  async eraseDeliveryLines(refs: ItemRef[]): Promise<ItemRef[]> {
    const done = await inParallel(refs, async (ref) => {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keyOf(ref),
            // The address, its index entries and the error text (a remote answer may quote the
            // address); the line's status, instant and recipient id stay for the reports.
            UpdateExpression: 'REMOVE #to, #person, #gsi1pk, #gsi1sk, #error',
            // Only while an address is still there: erasing twice changes nothing.
            ConditionExpression: 'attribute_exists(#to) OR attribute_exists(#person)',
            ExpressionAttributeNames: { '#to': 'to', '#person': PERSON_ATTRIBUTE, '#gsi1pk': 'gsi1pk', '#gsi1sk': 'gsi1sk', '#error': 'last_error' },
          }),
        );
        return ref;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    });
    return done.filter((r): r is ItemRef => r !== undefined);
  }

  async pageSurveyMarkers(surveyId: string, cursor: string | null, limit: number): Promise<Page<ItemRef>> {
    const out = await listingPage(this.client, this.tableName, surveyKeys.markerListingPartition(surveyId), { cursor, limit });
    return { items: out.items.map(refOf), cursor: out.cursor };
  }

  async deleteMarkers(refs: ItemRef[]): Promise<number> {
    const done = await inParallel(refs, async (ref) => {
      const out = await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(ref), ReturnValues: 'ALL_OLD' }));
      return out.Attributes !== undefined;
    });
    return done.filter(Boolean).length;
  }

  async findRegistration(registrationId: string): Promise<Registration | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: registrationKeys.registration(registrationId), ConsistentRead: true }));
    return out.Item ? RegistrationSchema.parse(out.Item['registration']) : undefined;
  }
}

function agentAt(item: Item, kind: AgentRecord['kind']): Agent {
  const [attribute, field] = AGENT_PATHS[kind];
  const holder = z.record(z.string(), z.unknown()).parse(item[attribute]);
  return z.object({ email: z.string(), first_name: z.string().optional(), last_name: z.string().optional() }).parse(holder[field]);
}

/** An index entry as the domain sees it (unknown types are ignored: nothing personal is stored under them). */
function personItem(item: Item): PersonItem | undefined {
  const ref = refOf(item);
  switch (item['type']) {
    case 'registration':
      return { type: 'registration', registration: RegistrationSchema.parse(item['registration']) };
    case 'email':
      return { type: 'registration-email', ref, meeting_id: '', registration_id: String(item['registration_id']) };
    case 'session-subscription':
      return { type: 'subscription', subscription: SubscriptionSchema.parse(item['subscription']) };
    case 'session-subscriber':
      return { type: 'subscription-link', ref, link: 'pointer', series_id: afterPrefix(item['pk'], sessionKeys.subscriptionsPartition('')) };
    case 'session-token':
      return { type: 'subscription-link', ref, link: 'token', series_id: String(item['series_id']) };
    case 'session-form':
      return { type: 'subscription-link', ref, link: 'form', series_id: z.object({ series_id: z.string() }).parse(item['marker']).series_id };
    case 'proposal': {
      const proposal = ProposalSchema.parse(item['proposal']);
      return { type: 'proposal', proposal, record: { kind: 'proposal', ref, campaign_id: proposal.campaign_id, agent: proposal.proposer } };
    }
    case 'support': {
      const support = SupportSchema.parse(item['support']);
      const campaignId = afterPrefix(item['pk'], voteKeys.campaignPartition(''));
      return { type: 'support', support, record: { kind: 'support', ref, campaign_id: campaignId, agent: support.agent } };
    }
    case 'ballot': {
      const ballot = BallotSchema.parse(item['ballot']);
      return { type: 'ballot', ballot, record: { kind: 'ballot', ref, campaign_id: ballot.campaign_id, agent: ballot.agent } };
    }
    case 'delivery':
      return { type: 'delivery', ref, line: DispatchRowSchema.parse(item) };
    default:
      return undefined;
  }
}
