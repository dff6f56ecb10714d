// The two kinds of calls the registration benchmark times, and the job that runs a batch of
// them. Runs in the load-generator child process (bench/lib/load-child.ts), never in the
// process that hosts the gateway and the handlers.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { exprNames } from '#shared/adapters/dynamodb/expressions.ts';
import { meetingKeys, registrationKeys } from '#shared/adapters/dynamodb/keys.ts';
import { dayKey } from '#shared/domain/meetings/items.ts';
import { signUrl } from '#shared/publik/signature.ts';
import { runPool } from './pool.ts';

/** w.c.s. gives up on a webservice after 30 s by default; so do we, per request. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface LoadTarget {
  baseUrl: string;
  /** Signature key of `orig`, as configured for the handlers. */
  key: string;
  orig: string;
  dynamodbEndpoint: string;
  tableName: string;
  /** Where the handlers consume signed calls' nonces (inside their transaction). */
  nonceTableName: string;
}

export interface LoadJob {
  /** ours: signed POST through the gateway; raw: the bare TransactWriteItems. */
  side: 'ours' | 'raw';
  meetingId: string;
  day: string;
  runTag: string;
  /** Sequence number of the first call (distinct form numbers and emails across jobs). */
  firstSeq: number;
  count: number;
  concurrency: number;
  /** Epoch ms past which no new call starts. */
  deadline: number;
}

export interface LoadResult {
  wallMs: number;
  started: number;
  deadlineReached: boolean;
  /** Latency of the successful calls, ms, in completion order. */
  samples: number[];
  /** ours: `data.status` of the answers; raw: `written`. */
  statuses: Record<string, number>;
  /** Failed calls by cause (HTTP status and err_class, cancellation reasons...). */
  errors: Record<string, number>;
  /** raw: transactions cancelled by a TransactionConflict. */
  conflicts: number;
}

export interface RegistrationBody {
  form_uuid: string;
  form_number: string;
  form_url: string;
  callback_url: string;
  email: string;
  first_name: string;
  last_name: string;
  organisation: string;
  organisation_kind: string;
  job_title: string;
  onsite_days: string[];
  remote_days: string[];
  workshops: string[];
  evening_event: boolean;
  image_rights: 'accepted';
}

/** A distinct person and form per call, shaped like the key/value fixture w.c.s. sends. */
export function registrationBody(runTag: string, side: string, i: number, day: string): RegistrationBody {
  return {
    form_uuid: randomUUID(),
    form_number: `${side}-${i}`,
    form_url: `https://demarches.example.org/backoffice/management/inscription-club/${i}/`,
    callback_url: `https://demarches.example.org/inscription-club/${i}/jump/trigger/promu`,
    email: `Bench.${runTag}.${side}.${i}@Example.org`,
    first_name: 'Camille',
    last_name: `Banc ${i}`,
    organisation: 'Ville de Banc-sur-Essai',
    organisation_kind: 'commune',
    job_title: 'Administratrice fonctionnelle Publik',
    onsite_days: [day],
    remote_days: [],
    workshops: [],
    evening_event: false,
    image_rights: 'accepted',
  };
}

interface CallResult {
  ms: number;
  ok: boolean;
  status?: string;
  error?: string;
  conflict?: boolean;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// The caller stands for w.c.s., which runs on another machine: on this 2-core machine its CPU
// competes with the server's, so it is the lightest HTTP client Node has (node:http with
// keep-alive sockets, ~1 ms less CPU per call than fetch/undici, measured), as the raw side's
// client is the bare SDK.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** POST `payload` to `url`: the status and the whole answer. */
function post(url: string, payload: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          accept: 'application/json',
          'user-agent': 'w.c.s./0 (publik-club bench)',
        },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** One signed call, timed from the request to the last byte of the answer (signing excluded). */
async function postRegistration(target: LoadTarget, meetingId: string, body: RegistrationBody): Promise<CallResult> {
  // Fresh timestamp and nonce per call, as w.c.s. signs each webservice call.
  const url = signUrl(`${target.baseUrl}/meetings/${meetingId}/registrations`, target.key, { orig: target.orig });
  const payload = JSON.stringify(body);
  const started = performance.now();
  try {
    const res = await post(url, payload);
    const ms = performance.now() - started;
    let answer: { err?: unknown; err_class?: unknown; data?: { status?: unknown } };
    try {
      answer = JSON.parse(res.text) as typeof answer;
    } catch {
      return { ms, ok: false, error: `${res.status} non-JSON answer` };
    }
    if (res.status === 200 && answer.err === 0) return { ms, ok: true, status: String(answer.data?.status) };
    return { ms, ok: false, error: `${res.status} ${String(answer.err_class ?? 'no err_class')}` };
  } catch (error) {
    return { ms: performance.now() - started, ok: false, error: describe(error) };
  }
}

/**
 * The transaction `DynamoRegistrationRepository.create()` writes for a one-day on-site registration
 * with a free place: Put FORM marker, Put EMAIL marker, Put REG item (with its listing keys),
 * Update of the day counter with the "take" condition (meeting version included), and the Put
 * of the call's nonce. Built here with lib-dynamodb directly.
 */
export function rawTransaction(
  tableName: string,
  nonceTableName: string,
  meetingId: string,
  day: string,
  body: RegistrationBody,
  now: Date,
): TransactWriteCommandInput {
  const id = 'r' + randomBytes(16).toString('hex').slice(0, 26);
  const at = now.toISOString();
  const itemKey = dayKey(day);
  const email = body.email.trim().toLowerCase();
  const registration = {
    id,
    meeting_id: meetingId,
    access_token: randomBytes(20).toString('base64url'),
    form_uuid: body.form_uuid,
    form_number: body.form_number,
    form_url: body.form_url,
    callback_url: body.callback_url,
    email,
    first_name: body.first_name,
    last_name: body.last_name,
    organisation: body.organisation,
    organisation_kind: body.organisation_kind,
    job_title: body.job_title,
    image_rights: { answer: body.image_rights, notice_version: 1, answered_at: at },
    days: [{ date: day, mode: 'onsite' }],
    workshops: [],
    evening_event: false,
    items: [{ key: itemKey, status: 'confirmed' }],
    state: 'active',
    request_hash: createHash('sha256').update(JSON.stringify(body)).digest('base64url'),
    checked_in: {},
    version: 1,
    created_at: at,
    updated_at: at,
  };
  const update = 'ADD #confirmed :one';
  const condition =
    '(attribute_type(#capacity, :nullType) OR #confirmed < #capacity) AND #waiting = :zero AND attribute_exists(#meeting_version)';
  return {
    TransactItems: [
      {
        Put: {
          TableName: tableName,
          Item: { ...registrationKeys.form(body.form_uuid), type: 'form', registration_id: id, meeting_id: meetingId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: { ...registrationKeys.email(meetingId, email), type: 'email', registration_id: id, form_uuid: body.form_uuid },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: { ...registrationKeys.registration(id), ...registrationKeys.meetingListing(meetingId, at, id), type: 'registration', version: 1, registration },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: tableName,
          Key: meetingKeys.item(meetingId, itemKey),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: exprNames(update, condition),
          ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':nullType': 'NULL' },
        },
      },
      {
        Put: {
          TableName: nonceTableName,
          Item: { pk: `NONCE#bench#${randomBytes(16).toString('hex')}`, expiresAt: Math.floor(now.getTime() / 1000) + 300 },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
  };
}

/** One TransactWriteItems round trip, timed around `send` (building the input excluded). */
async function rawRoundTrip(ddb: DynamoDBDocumentClient, input: TransactWriteCommandInput): Promise<CallResult> {
  const command = new TransactWriteCommand(input);
  const started = performance.now();
  try {
    await ddb.send(command, { abortSignal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return { ms: performance.now() - started, ok: true, status: 'written' };
  } catch (error) {
    const ms = performance.now() - started;
    if (error instanceof TransactionCanceledException) {
      const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      return { ms, ok: false, conflict: codes.includes('TransactionConflict'), error: `cancelled [${codes.join(',')}]` };
    }
    return { ms, ok: false, error: describe(error) };
  }
}

export async function runJob(target: LoadTarget, ddb: DynamoDBDocumentClient, job: LoadJob): Promise<LoadResult> {
  const samples: number[] = [];
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let conflicts = 0;
  const bump = (into: Record<string, number>, key: string) => {
    into[key] = (into[key] ?? 0) + 1;
  };
  const pool = await runPool(
    job.count,
    job.concurrency,
    async (i) => {
      const seq = job.firstSeq + i;
      const body = registrationBody(job.runTag, job.side, seq, job.day);
      const result =
        job.side === 'ours'
          ? await postRegistration(target, job.meetingId, body)
          : await rawRoundTrip(ddb, rawTransaction(target.tableName, target.nonceTableName, job.meetingId, job.day, body, new Date()));
      if (result.ok) {
        samples.push(result.ms);
        bump(statuses, result.status ?? 'undefined');
      } else {
        if (result.conflict) conflicts++;
        bump(errors, result.error ?? 'unknown');
      }
    },
    job.deadline,
  );
  return { wallMs: pool.wallMs, started: pool.started, deadlineReached: pool.deadlineReached, samples, statuses, errors, conflicts };
}
