// `npm run backfill-person -- [--apply] [--page-size 200] [--cursor <c>] [--max-pages n]
// [--table <data table>] [--endpoint <DynamoDB URL>]`: one-off (issue 19). Brings the items
// written before the personal-data work to what the retention purge, the export and the erasure
// expect (docs/operations.md, « Backfilling the personal-data attributes »):
// - `person`: items holding an email without the per-person index attribute (registrations not
//   anonymised, their email markers, subscriptions and their pointer, link and form items,
//   proposals, co-signatures and ballots whose agent is not erased, delivery lines);
// - `delivery-line`: the reminder engine's delivery lines lose their TTL (their counts stay) and,
//   while they hold an address, join the listing the purge erases it from after 90 days;
// - `survey-listing`: surveys stored before the `SURVEYS` listing (the purge and the export walk it);
// - `survey-marker`: participation, replay and opt-out markers and invitation links join their
//   survey's marker listing and lose their TTL (the purge deletes them at the close + 30 days);
// - `series-end`: series stored before `last_date` (the rule's last instance) get it.
// One Scan, page by page. Dry run unless `--apply` (counts only). Idempotent (each write is
// conditional on the attribute still missing and on what was read: an item a live write or an
// erasure changed meanwhile is left and counted `moved`; running again decides it afresh) and
// resumable (each page prints its cursor; `--cursor` starts there). Without --table it works on
// the running `npm start`.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, type DynamoDBDocumentClient, UpdateCommand } from '#shared/adapters/aws/sdk.ts';
import { personKeys, reminderKeys, surveyKeys } from '#shared/adapters/dynamodb/keys.ts';
import { PERSON_ATTRIBUTE, TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/tables.ts';
import { lastRuleDate } from '#shared/domain/sessions/recurrence.ts';
import { SeriesSchema } from '#shared/domain/sessions/schema.ts';
import { operatorTables, pagingOf, RESUMABLE_RUN_OPTIONS } from './local/operator-table.ts';

type Item = Record<string, unknown>;

export const FIX_KINDS = ['person', 'delivery-line', 'survey-listing', 'survey-marker', 'series-end'] as const;
export type FixKind = (typeof FIX_KINDS)[number];

/** One conditional UpdateItem bringing an item up to date. */
export interface Fix {
  kind: FixKind;
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

export const DEFAULT_PAGE_SIZE = 200;
export const MAX_PAGE_SIZE = 1000;

/** Where each kind of item holds the person's email (attribute path). */
const EMAIL_PATHS: Record<string, string[]> = {
  registration: ['registration', 'email'],
  'session-subscription': ['subscription', 'email'],
  'session-subscriber': ['email'],
  'session-token': ['email'],
  'session-form': ['marker', 'email'],
  proposal: ['proposal', 'proposer', 'email'],
  support: ['support', 'agent', 'email'],
  ballot: ['ballot', 'agent', 'email'],
};

function at(item: Item, path: string[]): unknown {
  let value: unknown = item;
  for (const part of path) value = value !== null && typeof value === 'object' ? (value as Item)[part] : undefined;
  return value;
}

const pathNames = (path: string[]) => Object.fromEntries(path.map((p, i) => [`#p${i}`, p]));
const pathExpression = (path: string[]) => path.map((_, i) => `#p${i}`).join('.');

/** The person fix: `person` written while the email read is still the one there (an erasure empties it). */
function personFix(item: Item, email: string, path: string[] | undefined): Fix {
  return {
    kind: 'person',
    UpdateExpression: 'SET #person = :person',
    ConditionExpression: `attribute_not_exists(#person)${path ? ` AND ${pathExpression(path)} = :email` : ' AND attribute_exists(pk)'}`,
    ExpressionAttributeNames: { '#person': PERSON_ATTRIBUTE, ...(path ? pathNames(path) : {}) },
    ExpressionAttributeValues: { ':person': personKeys.value(email), ...(path ? { ':email': email } : {}) },
  };
}

/** A survey marker's place in its survey's marker listing (keys.ts surveyKeys.markerListing). */
function markerListing(item: Item): { gsi1pk: string; gsi1sk: string } | undefined {
  const pk = String(item['pk']);
  if (item['type'] === 'survey-optout-link') {
    const tokenHash = pk.slice('SURVEY_UNSUB#'.length);
    return surveyKeys.markerListing(String(item['survey_id']), surveyKeys.markerSort.link(String(item['participation']), tokenHash));
  }
  const m = /^SURVEY#(.+)#(PART|FORM|OPTOUT)#([^#]+)$/.exec(pk);
  if (!m) return undefined;
  const [, surveyId, what, hash] = m as unknown as [string, string, 'PART' | 'FORM' | 'OPTOUT', string];
  const sort = what === 'PART' ? surveyKeys.markerSort.participation(hash) : what === 'FORM' ? surveyKeys.markerSort.replay(hash) : surveyKeys.markerSort.optOut(hash);
  return surveyKeys.markerListing(surveyId, sort);
}

const MARKER_TYPES = new Set(['survey-participation', 'survey-form', 'survey-optout', 'survey-optout-link']);

/** What an item lacks, as one conditional update; undefined when it is up to date. Pure. */
export function fixOf(item: Item): Fix | undefined {
  const type = String(item['type']);
  const pk = String(item['pk']);

  if (type === 'delivery' && pk.startsWith('DLV#')) {
    const to = typeof item['to'] === 'string' && item['to'] !== '' ? item['to'] : undefined;
    const sets: string[] = [];
    const values: Record<string, unknown> = {};
    if (to && item[PERSON_ATTRIBUTE] === undefined) {
      sets.push('#person = :person');
      values[':person'] = personKeys.value(to);
    }
    if (to && item['gsi1pk'] === undefined) {
      const listing = reminderKeys.addressListing(String(item['at'] ?? item['claimed_at']));
      sets.push('#gsi1pk = :gpk', '#gsi1sk = :gsk');
      values[':gpk'] = listing.gsi1pk;
      values[':gsk'] = listing.gsi1sk;
    }
    const removeTtl = item[TTL_ATTRIBUTE] !== undefined;
    if (sets.length === 0 && !removeTtl) return undefined;
    if (to) values[':to'] = to;
    return {
      kind: 'delivery-line',
      UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removeTtl ? 'REMOVE #ttl' : ''].filter(Boolean).join(' '),
      // An erasure removed the address meanwhile: not written back.
      ConditionExpression: to ? '#to = :to' : 'attribute_exists(pk)',
      ExpressionAttributeNames: {
        ...(to ? { '#to': 'to' } : {}),
        ...(values[':person'] ? { '#person': PERSON_ATTRIBUTE } : {}),
        ...(values[':gpk'] ? { '#gsi1pk': 'gsi1pk', '#gsi1sk': 'gsi1sk' } : {}),
        ...(removeTtl ? { '#ttl': TTL_ATTRIBUTE } : {}),
      },
      ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
    };
  }

  if (MARKER_TYPES.has(type)) {
    if (item['gsi1pk'] !== undefined && item[TTL_ATTRIBUTE] === undefined) return undefined;
    const listing = markerListing(item);
    if (!listing) return undefined;
    return {
      kind: 'survey-marker',
      UpdateExpression: `SET #gsi1pk = :gpk, #gsi1sk = :gsk${item[TTL_ATTRIBUTE] !== undefined ? ' REMOVE #ttl' : ''}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#gsi1pk': 'gsi1pk', '#gsi1sk': 'gsi1sk', ...(item[TTL_ATTRIBUTE] !== undefined ? { '#ttl': TTL_ATTRIBUTE } : {}) },
      ExpressionAttributeValues: { ':gpk': listing.gsi1pk, ':gsk': listing.gsi1sk },
    };
  }

  if (type === 'survey' && item['sk'] === 'META' && item['gsi1pk'] === undefined) {
    const listing = surveyKeys.surveyListing(pk.slice('SURVEY#'.length));
    return {
      kind: 'survey-listing',
      UpdateExpression: 'SET #gsi1pk = :gpk, #gsi1sk = :gsk',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#gsi1pk)',
      ExpressionAttributeNames: { '#gsi1pk': 'gsi1pk', '#gsi1sk': 'gsi1sk' },
      ExpressionAttributeValues: { ':gpk': listing.gsi1pk, ':gsk': listing.gsi1sk },
    };
  }

  if (type === 'session-series' && item['last_date'] === undefined) {
    const raw = item['series'] as Item | undefined;
    const parsed = SeriesSchema.safeParse({ ...raw, created_at: item['created_at'] ?? raw?.['created_at'] });
    if (!parsed.success) return undefined;
    return {
      kind: 'series-end',
      UpdateExpression: 'SET #last = :last',
      // Only on the definition read: a replacement meanwhile wrote its own.
      ConditionExpression: 'attribute_not_exists(#last) AND #series.#updated = :updated',
      ExpressionAttributeNames: { '#last': 'last_date', '#series': 'series', '#updated': 'updated_at' },
      ExpressionAttributeValues: { ':last': lastRuleDate(parsed.data), ':updated': parsed.data.updated_at },
    };
  }

  if (item[PERSON_ATTRIBUTE] !== undefined) return undefined;
  if (type === 'registration' && at(item, ['registration', 'anonymised_at']) !== undefined) return undefined;
  if (type === 'email' && pk.startsWith('EMAIL#')) {
    // The registration's (meeting, email) marker: the email is its key.
    const email = pk.split('#').slice(2).join('#');
    return email ? personFix(item, email, undefined) : undefined;
  }
  const path = EMAIL_PATHS[type];
  const email = path ? at(item, path) : undefined;
  return typeof email === 'string' && email !== '' ? personFix(item, email, path) : undefined;
}

export interface PersonBackfillOptions {
  apply: boolean;
  pageSize?: number;
  cursor?: string | null;
  maxPages?: number;
  log?: (line: Record<string, unknown>) => void;
}

export interface PersonBackfillReport {
  apply: boolean;
  scanned: number;
  /** Per kind: written now (or, in a dry run, that would be). */
  fixed: Record<FixKind, number>;
  /** Changed meanwhile by a live write or an erasure: left (a new run decides them again). */
  moved: number;
  /** Where to resume; null when the table was read to its end. */
  cursor: string | null;
}

const encode = (key: Record<string, unknown> | undefined) => (key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null);
const decode = (cursor: string | null | undefined) => (cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined);

export async function backfillPerson(client: DynamoDBDocumentClient, table: string, opts: PersonBackfillOptions): Promise<PersonBackfillReport> {
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, opts.pageSize ?? DEFAULT_PAGE_SIZE));
  const report: PersonBackfillReport = {
    apply: opts.apply,
    scanned: 0,
    fixed: Object.fromEntries(FIX_KINDS.map((k) => [k, 0])) as Record<FixKind, number>,
    moved: 0,
    cursor: opts.cursor ?? null,
  };
  for (let pages = 0; opts.maxPages === undefined || pages < opts.maxPages; pages++) {
    const page = await client.send(new ScanCommand({ TableName: table, Limit: pageSize, ExclusiveStartKey: decode(report.cursor) }));
    const items = (page.Items ?? []) as Item[];
    report.scanned += items.length;
    for (const item of items) {
      const fix = fixOf(item);
      if (!fix) continue;
      if (!opts.apply) {
        report.fixed[fix.kind] += 1;
        continue;
      }
      const { kind, ...update } = fix;
      try {
        await client.send(new UpdateCommand({ TableName: table, Key: { pk: item['pk'], sk: item['sk'] }, ...update }));
        report.fixed[kind] += 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        report.moved += 1;
      }
    }
    report.cursor = encode(page.LastEvaluatedKey);
    opts.log?.({ apply: opts.apply, scanned: report.scanned, ...report.fixed, moved: report.moved, cursor: report.cursor });
    if (report.cursor === null) break;
  }
  return report;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: RESUMABLE_RUN_OPTIONS,
    allowPositionals: false,
  });
  const target = operatorTables(values);
  if (target === undefined) return 2;
  const report = await backfillPerson(target.client, target.table, {
    apply: values.apply,
    ...pagingOf(values),
    log: (line) => console.error(JSON.stringify(line)),
  });
  console.log(JSON.stringify(report));
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
