// The vote use cases over a fake store: what is decided from a read, what is written, and how a
// write that finds the state moved is decided again (then "busy", with nothing written).
import { describe, expect, it } from 'vitest';
import { RefusalError, ServiceBusyError } from '#shared/errors.ts';
import { StaleReadError } from '#shared/domain/conflicts.ts';
import { staleBallot, type BallotContext, type VoteRepository } from '#shared/domain/votes/ports.ts';
import { BallotRequestSchema, type Ballot } from '#shared/domain/votes/schema.ts';
import { VoteService } from '#shared/domain/votes/service.ts';
import { campaign } from './fakes.ts';

const VOTING = new Date('2027-06-07T10:00:00Z');
const open = campaign({ electorate: ['Ville de Test', 'Autre Ville'], meeting_id: undefined, min_choices: 0 });
const frozen = { ...open, opened_at: VOTING.toISOString(), ballot: ['evol-2027-p1', 'evol-2027-p2'] };
const request = (extra: Record<string, unknown> = {}) =>
  BallotRequestSchema.parse({ form_uuid: 'f1', email: 'a@example.org', organisation: 'ville de test', choices: ['evol-2027-p1'], ...extra });

function fakeStore(contexts: BallotContext[], failures = 0) {
  const writes: Array<{ ballot: Ballot; previousVersion: number; markerVersion: number; delta: Record<string, number> }> = [];
  let reads = 0;
  const store = {
    // No campaign remembered (the instance's cache reads nothing here): every attempt reads its context.
    loadCampaign: async () => undefined,
    loadBallotContext: async () => contexts[Math.min(reads++, contexts.length - 1)] as BallotContext,
    castBallot: async (write: (typeof writes)[number]) => {
      if (failures-- > 0) throw new StaleReadError();
      writes.push(write);
    },
  } as unknown as VoteRepository;
  return { store, writes, reads: () => reads };
}
const record = { campaign: frozen, changeSeq: 3, proposalCount: 2 };
const service = (store: VoteRepository, maxAttempts = 3) =>
  new VoteService({ store, retry: { maxAttempts, baseDelayMs: 0, maxDelayMs: 0 }, sleep: async () => undefined });

describe('casting a ballot', () => {
  it('a first ballot adds itself to the tally, for the organisation as first spelled in the campaign', async () => {
    const fake = fakeStore([{ record, organisationName: 'Ville de TEST' }]);
    const answer = await service(fake.store).castBallot('evol-2027', request(), undefined, VOTING);
    expect(answer).toMatchObject({ organisation: 'Ville de TEST', choices: ['evol-2027-p1'], replaced: false, replayed: false });
    expect(fake.writes[0]).toMatchObject({ previousVersion: 0, markerVersion: 0, delta: { ballots: 1, 'score:evol-2027-p1': 1 } });
  });

  it('another form of the organisation replaces its ballot: −old +new, conditioned on the version read', async () => {
    const previous = {
      campaign_id: 'evol-2027', organisation: 'Ville de Test', organisation_key: 'ville de test', choices: ['evol-2027-p1'],
      agent: { email: 'b@example.org' }, form_uuid: 'f0', request_hash: 'h', cast_at: 'x', first_cast_at: 'x', replaced_count: 0, version: 4,
    };
    const fake = fakeStore([{ record, ballot: previous }]);
    const answer = await service(fake.store).castBallot('evol-2027', request({ choices: 'evol-2027-p2' }), undefined, VOTING);
    expect(answer).toMatchObject({ organisation: 'Ville de Test', replaced: true });
    expect(fake.writes[0]).toMatchObject({ previousVersion: 4, delta: { 'score:evol-2027-p1': -1, 'score:evol-2027-p2': 1 } });
    expect(fake.writes[0]?.ballot).toMatchObject({ version: 5, replaced_count: 1, first_cast_at: 'x' });
  });

  it('a stale write is decided again from a fresh read; past the attempts it is busy, nothing written', async () => {
    const retried = fakeStore([{ record }], 2);
    await service(retried.store).castBallot('evol-2027', request(), undefined, VOTING);
    expect([retried.reads(), retried.writes.length]).toEqual([3, 1]);
    const busy = fakeStore([{ record }], 10);
    await expect(service(busy.store).castBallot('evol-2027', request(), undefined, VOTING)).rejects.toBeInstanceOf(ServiceBusyError);
    expect(busy.writes).toEqual([]);
  });

  it('a refusal carrying the ballot re-plans on it without reading; an overtaken replacement writes its marker only', async () => {
    const stored = (version: number, choices: string[]) => ({
      campaign_id: 'evol-2027', organisation: 'Ville de Test', organisation_key: 'ville de test', choices,
      agent: { email: 'b@example.org' }, form_uuid: `f${version}`, request_hash: 'h', cast_at: 'x', first_cast_at: 'x', replaced_count: version - 1, version,
    });
    const refusals = [staleBallot({ ballot: stored(1, ['evol-2027-p2']) }), staleBallot({ ballot: stored(2, ['evol-2027-p1', 'evol-2027-p2']) })];
    const casts: unknown[] = [];
    const overtaken: unknown[] = [];
    let reads = 0;
    const store = {
      loadCampaign: async () => undefined,
      loadBallotContext: async () => (reads++, { record }),
      castBallot: async (write: { previousVersion: number }) => {
        casts.push(write);
        throw refusals.shift();
      },
      recordOvertakenBallot: async (write: unknown) => {
        overtaken.push(write);
      },
    } as unknown as VoteRepository;
    const answer = await service(store).castBallot('evol-2027', request(), undefined, VOTING);
    // First cast planned on no ballot: refused with version 1, re-planned on it (−p2 +p1), no read.
    expect(reads).toBe(1);
    expect(casts).toMatchObject([{ previousVersion: 0 }, { previousVersion: 1, delta: { 'score:evol-2027-p2': -1, 'score:evol-2027-p1': 1 } }]);
    // Then overtaken by version 2: answered as cast and replaced at once; only the marker is written.
    expect(overtaken).toMatchObject([{ formUuid: 'f1', markerVersion: 0, plannedVersion: 1, marker: { organisation_key: 'ville de test', replaced: true, version: 1 } }]);
    expect(answer).toMatchObject({ choices: ['evol-2027-p1'], replaced: true, replayed: false });
  });

  it('the same form with the same ballot is a replay, even once the vote closed; refusals write nothing', async () => {
    const marker = { campaign_id: 'evol-2027', organisation_key: 'ville de test', request_hash: '', cast_at: 'then', replaced: false, version: 1 };
    const first = fakeStore([{ record }]);
    await service(first.store).castBallot('evol-2027', request(), undefined, VOTING);
    marker.request_hash = first.writes[0]?.ballot.request_hash ?? '';
    const closed = { ...record, campaign: { ...frozen, closed_at: VOTING.toISOString() } };
    const replay = fakeStore([{ record: closed, marker }]);
    expect(await service(replay.store).castBallot('evol-2027', request(), undefined, VOTING)).toMatchObject({ replayed: true, cast_at: 'then' });
    const refused = fakeStore([{ record: closed }]);
    await expect(service(refused.store).castBallot('evol-2027', request(), undefined, VOTING)).rejects.toMatchObject({ code: 'campaign-closed' });
    const outsider = fakeStore([{ record }]);
    await expect(
      service(outsider.store).castBallot('evol-2027', request({ organisation: 'Paris' }), undefined, VOTING),
    ).rejects.toBeInstanceOf(RefusalError);
    expect([replay.writes, refused.writes, outsider.writes]).toEqual([[], [], []]);
  });
});

describe('co-signing: a replay read an instant before its own write was visible', () => {
  it('never answers fewer supporters than the co-signature itself made', async () => {
    const proposal = { id: 'evol-2027-p1', campaign_id: 'evol-2027', supporters: 1 };
    const store = {
      // The marker of this form is visible, the proposal's counter not yet (a BatchGetItem is not a snapshot).
      loadCosignContext: async () => ({
        record: { campaign: campaign(), changeSeq: 1, proposalCount: 1 },
        proposal,
        marker: { proposal_id: 'evol-2027-p1', organisation_key: 'departement x', supporters_after: 2 },
      }),
    } as unknown as VoteRepository;
    const request = { form_uuid: 'copy', email: 'a@example.org', organisation: 'Département X' };
    const answer = await service(store).cosign('evol-2027-p1', request as never, undefined, new Date('2027-03-10T10:00:00Z'));
    expect(answer).toMatchObject({ supporters: 2, replayed: true, status: 'eligible' });
  });
});
