// Ballots: checking one against the campaign's method and frozen ballot, and turning ballots
// into tally deltas. The live tally is the sum of every delta ever written (one per cast,
// minus the replaced ballot's contribution), so it always equals a recount of stored ballots.
import { createHash } from 'node:crypto';
import { InvalidRequestError, RefusalError, type FieldIssue } from '#shared/errors.ts';
import type { Ballot, BallotContent, BallotRequest, Campaign } from './schema.ts';

export const BALLOTS_COUNTER = 'ballots';
export const scoreCounter = (proposalId: string) => `score:${proposalId}`;

/**
 * The fields a ballot needs on this campaign (the organisation when the electorate is a list,
 * `choices` or `points` by method), on whatever fields are known: every missing one at once.
 */
export function ballotFieldIssues(c: Campaign, request: Partial<BallotRequest>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (c.electorate !== 'meeting' && request.organisation === undefined) {
    issues.push({ path: 'organisation', message: 'Ce champ est obligatoire.' });
  }
  if (c.method === 'approval' && request.choices === undefined) {
    issues.push({ path: 'choices', message: 'Ce champ est obligatoire (vote par approbation).' });
  }
  if (c.method !== 'approval' && request.points === undefined) {
    issues.push({ path: 'points', message: 'Ce champ est obligatoire (vote par points).' });
  }
  return issues;
}

/** Checks the body against the method and the ballot's proposals; answers what is stored. */
export function validateBallot(c: Campaign, ballotIds: readonly string[], request: BallotRequest): BallotContent {
  const onBallot = new Set(ballotIds);
  const unknown = (ids: string[]) => {
    const outside = ids.filter((id) => !onBallot.has(id));
    if (outside.length > 0) {
      throw new RefusalError(
        'unknown-proposal',
        `Proposition absente du bulletin : ${outside.map((id) => `« ${id} »`).join(', ')}.`,
        { unknown: outside },
      );
    }
  };
  if (c.method === 'approval') {
    if (request.choices === undefined) {
      throw new InvalidRequestError('Données invalides : choices : Ce champ est obligatoire (vote par approbation).', [
        { path: 'choices', message: 'Ce champ est obligatoire (vote par approbation).' },
      ]);
    }
    const choices = request.choices;
    unknown(choices);
    const max = c.max_choices ?? ballotIds.length;
    if (choices.length > max) {
      throw new RefusalError('too-many-choices', `Trop de choix : ${max} au plus (${choices.length} reçus).`, {
        max_choices: max,
        received: choices.length,
      });
    }
    if (choices.length < c.min_choices) {
      throw new RefusalError('too-few-choices', `Pas assez de choix : ${c.min_choices} au moins (${choices.length} reçus).`, {
        min_choices: c.min_choices,
        received: choices.length,
      });
    }
    return { choices: [...choices] };
  }
  if (request.points === undefined) {
    throw new InvalidRequestError('Données invalides : points : Ce champ est obligatoire (vote par points).', [
      { path: 'points', message: 'Ce champ est obligatoire (vote par points).' },
    ]);
  }
  unknown(Object.keys(request.points));
  const given = Object.entries(request.points).filter(([, n]) => n > 0);
  const perProposal = c.max_points_per_proposal ?? c.points_total ?? 0;
  const over = given.filter(([, n]) => n > perProposal).map(([id]) => id);
  if (over.length > 0) {
    throw new RefusalError('points-exceeded', `Au plus ${perProposal} points par proposition (${over.join(', ')}).`, {
      max_points_per_proposal: perProposal,
      proposals: over,
    });
  }
  const total = given.reduce((sum, [, n]) => sum + n, 0);
  const allowed = c.points_total ?? 0;
  if (total > allowed) {
    throw new RefusalError('points-exceeded', `Trop de points : ${allowed} au plus à répartir (${total} reçus).`, {
      points_total: allowed,
      received: total,
    });
  }
  // Ballot order: stable for display and for the fingerprint.
  const order = new Map(ballotIds.map((id, i) => [id, i]));
  given.sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { points: Object.fromEntries(given) };
}

/** What one ballot adds to the tally: one per chosen proposal, or its points. */
export function contribution(content: BallotContent | Pick<Ballot, 'choices' | 'points'>): Record<string, number> {
  const out: Record<string, number> = {};
  if ('choices' in content && content.choices) for (const id of content.choices) out[scoreCounter(id)] = 1;
  if ('points' in content && content.points) for (const [id, n] of Object.entries(content.points)) out[scoreCounter(id)] = n;
  return out;
}

/** Counter deltas of casting `next` over `previous` (undefined: a first ballot). Zeros dropped. */
export function tallyDelta(previous: Pick<Ballot, 'choices' | 'points'> | undefined, next: BallotContent): Record<string, number> {
  const delta: Record<string, number> = {};
  const add = (key: string, n: number) => {
    delta[key] = (delta[key] ?? 0) + n;
  };
  if (previous) for (const [key, n] of Object.entries(contribution(previous))) add(key, -n);
  else add(BALLOTS_COUNTER, 1);
  for (const [key, n] of Object.entries(contribution(next))) add(key, n);
  return Object.fromEntries(Object.entries(delta).filter(([, n]) => n !== 0));
}

/** The tally recomputed from the stored ballots, in the counters' own keys. */
export function recount(ballots: Iterable<Pick<Ballot, 'choices' | 'points'>>): Record<string, number> {
  const tally: Record<string, number> = {};
  let n = 0;
  for (const ballot of ballots) {
    n++;
    for (const [key, v] of Object.entries(contribution(ballot))) tally[key] = (tally[key] ?? 0) + v;
  }
  if (n > 0) tally[BALLOTS_COUNTER] = n;
  return withoutZeros(tally);
}

export function withoutZeros(tally: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(tally)
      .filter(([, n]) => n !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/**
 * The tally shard an organisation's ballot adds to: always the same one (FNV-1a of the
 * organisation key), so that each shard holds exactly the ballots of its organisations and a
 * recount can compare shard by shard (`tallyCut`). Organisations spread over the shards as
 * random picks did.
 */
export function tallyShardOf(organisationKey: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < organisationKey.length; i++) {
    h ^= organisationKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/** One tally shard as read: its counters and how many ballots wrote to it (`writes`). */
export interface TallyShard {
  shard: number;
  writes: number;
  totals: Record<string, number>;
}

/** A recount's cut: the shards whose ballots it compared, with each shard's write count then. */
export interface TallyCut {
  /** Every shard was counted (else the shards still moving are left out of `equal`). */
  complete: boolean;
  shards: number;
  shards_counted: number;
  /** Stored ballots in the counted shards: the ballots this recount counted. */
  ballots_counted: number;
  /** Writes of each counted shard at the cut (shard number → count): what "up to" means. */
  sequences: Record<string, number>;
}

/**
 * Settles the shards that did not move while the ballots were listed (same write count before
 * and after): for those, the listing holds exactly the ballots their counters were made of,
 * so counters and ballots are compared shard by shard. `settled` accumulates over attempts.
 */
export function settleShards(
  before: TallyShard[],
  after: TallyShard[],
  ballots: Array<Pick<Ballot, 'organisation_key' | 'choices' | 'points'>>,
  shards: number,
  settled: Map<number, { writes: number; live: Record<string, number>; counted: Record<string, number>; ballots: number }>,
): void {
  const writesOf = (list: TallyShard[]) => new Map(list.map((s) => [s.shard, s]));
  const b = writesOf(before);
  const a = writesOf(after);
  const byShard = new Map<number, Array<Pick<Ballot, 'choices' | 'points'>>>();
  for (const ballot of ballots) {
    const s = tallyShardOf(ballot.organisation_key, shards);
    byShard.set(s, [...(byShard.get(s) ?? []), ballot]);
  }
  for (let shard = 0; shard < shards; shard++) {
    if (settled.has(shard)) continue;
    const x = b.get(shard);
    const y = a.get(shard);
    if ((x?.writes ?? 0) !== (y?.writes ?? 0) || !sameTally(x?.totals ?? {}, y?.totals ?? {})) continue;
    const mine = byShard.get(shard) ?? [];
    settled.set(shard, { writes: y?.writes ?? 0, live: withoutZeros(y?.totals ?? {}), counted: recount(mine), ballots: mine.length });
  }
}

/** Sums of the settled shards, and the cut they make. */
export function cutOf(
  settled: Map<number, { writes: number; live: Record<string, number>; counted: Record<string, number>; ballots: number }>,
  shards: number,
): { cut: TallyCut; live: Record<string, number>; counted: Record<string, number>; equal: boolean } {
  const live: Record<string, number> = {};
  const counted: Record<string, number> = {};
  let equal = true;
  let ballots = 0;
  const sequences: Record<string, number> = {};
  for (const [shard, s] of [...settled].sort((x, y) => x[0] - y[0])) {
    if (!sameTally(s.live, s.counted)) equal = false;
    for (const [k, v] of Object.entries(s.live)) live[k] = (live[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.counted)) counted[k] = (counted[k] ?? 0) + v;
    ballots += s.ballots;
    sequences[String(shard)] = s.writes;
  }
  return {
    cut: { complete: settled.size === shards, shards, shards_counted: settled.size, ballots_counted: ballots, sequences },
    live: withoutZeros(live),
    counted: withoutZeros(counted),
    equal,
  };
}

export function sameTally(a: Record<string, number>, b: Record<string, number>): boolean {
  return JSON.stringify(withoutZeros(a)) === JSON.stringify(withoutZeros(b));
}

/** Fingerprint of a ballot request: the same form sent again with it is a replay. */
export function ballotHash(organisationKey: string, content: BallotContent): string {
  return createHash('sha256').update(JSON.stringify([organisationKey, content])).digest('base64url');
}

/** Stable id of an organisation's ballot in a campaign (kept when the ballot is replaced). */
export function ballotId(campaignId: string, organisationKey: string): string {
  return 'b' + createHash('sha256').update(`${campaignId}\u0000${organisationKey}`).digest('hex').slice(0, 20);
}

/** The answer `data` of POST /campaigns/{id}/ballots. */
export function ballotAnswer(ballot: Ballot, replaced: boolean, replayed: boolean) {
  return {
    ballot_id: ballotId(ballot.campaign_id, ballot.organisation_key),
    campaign_id: ballot.campaign_id,
    organisation: ballot.organisation,
    ...(ballot.points !== undefined ? { points: ballot.points } : { choices: ballot.choices ?? [] }),
    replaced,
    replayed,
    cast_at: ballot.cast_at,
  };
}
export type BallotAnswer = ReturnType<typeof ballotAnswer>;
