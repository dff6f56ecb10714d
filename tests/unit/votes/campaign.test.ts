import { describe, expect, it } from 'vitest';
import { ConflictError } from '#shared/errors.ts';
import {
  ballotProposals,
  ballotToFreeze,
  campaignView,
  closeCampaign,
  defineCampaign,
  needsFreeze,
  needsSeal,
  openCampaign,
  proposalsOpen,
  sealCampaign,
  voteStatus,
} from '#shared/domain/votes/campaign.ts';
import { CampaignInputSchema } from '#shared/domain/votes/schema.ts';
import { CONTRACT_CAMPAIGN, NOW, campaign, proposal } from './fakes.ts';

const t = (iso: string) => new Date(iso);

describe('campaign phases from the windows', () => {
  const c = campaign();
  it('proposal phase, then nothing, then the vote, then closed', () => {
    expect([proposalsOpen(c, t('2027-02-28T22:00:00Z')), voteStatus(c, t('2027-02-28T22:00:00Z'))]).toEqual([false, 'not-open']);
    expect([proposalsOpen(c, NOW), voteStatus(c, NOW)]).toEqual([true, 'not-open']);
    expect([proposalsOpen(c, t('2027-06-01T10:00:00Z')), voteStatus(c, t('2027-06-01T10:00:00Z'))]).toEqual([false, 'not-open']);
    expect(voteStatus(c, t('2027-06-07T07:00:00Z'))).toBe('open');
    expect(needsFreeze(c, t('2027-06-07T07:00:00Z'))).toBe(true);
    expect(voteStatus(c, t('2027-06-08T15:00:00Z'))).toBe('closed');
  });

  it('a manual open starts the vote now, ends the proposal phase and freezes the eligible proposals', () => {
    const eligible = proposal({ supporters: 2 });
    const tooFew = proposal({ supporters: 1 });
    const opened = openCampaign(c, [tooFew, eligible], NOW);
    expect(opened?.ballot).toEqual([eligible.id]);
    expect(opened && [voteStatus(opened, NOW), proposalsOpen(opened, NOW), needsFreeze(opened, NOW)]).toEqual(['open', false, false]);
    expect(opened && openCampaign(opened, [], NOW)).toBeUndefined(); // idempotent
  });

  it('a vote closed by its window is sealed at the first read after, at the instant of the window', () => {
    const after = t('2027-06-08T15:30:00Z');
    expect([needsSeal(c, t('2027-06-08T14:59:59Z')), needsSeal(c, after)]).toEqual([false, true]);
    const eligible = proposal({ supporters: 2 });
    const sealed = sealCampaign(c, [eligible], after);
    expect(sealed).toMatchObject({ closed_at: '2027-06-08T15:00:00.000Z', opened_at: '2027-06-07T07:00:00.000Z', ballot: [eligible.id] });
    expect(needsSeal(sealed, after)).toBe(false);
  });

  it('a manual close is final and idempotent', () => {
    const closed = closeCampaign(c, [], NOW);
    expect(closed && voteStatus(closed, NOW)).toBe('closed');
    expect(closed && closeCampaign(closed, [], NOW)).toBeUndefined();
    expect(() => closed && openCampaign(closed, [], NOW)).toThrow(ConflictError);
  });
});

describe('the frozen ballot', () => {
  it('holds the eligible proposals in submission order, whatever happens to supporters later', () => {
    const late = proposal({ submitted_at: '2027-04-03T00:00:00.000Z', supporters: 3 });
    const early = proposal({ submitted_at: '2027-04-02T00:00:00.000Z', supporters: 2 });
    const c = campaign();
    expect(ballotToFreeze(c, [late, early])).toEqual([early.id, late.id]);
    const opened = openCampaign(c, [late, early], NOW);
    if (!opened) throw new Error('not opened');
    const becameEligible = proposal({ supporters: 5 });
    expect(ballotProposals(opened, [late, early, becameEligible]).map((p) => p.id)).toEqual([early.id, late.id]);
  });

  it('once frozen, the fields defining a ballot cannot change, the title and visibility can', () => {
    const opened = openCampaign(campaign(), [], NOW);
    if (!opened) throw new Error('not opened');
    const input = (o: Record<string, unknown>) => CampaignInputSchema.parse({ ...CONTRACT_CAMPAIGN, ...o });
    expect(() => defineCampaign('evol-2027', input({ max_choices: 3 }), opened, NOW)).toThrow(/max_choices/);
    const renamed = defineCampaign('evol-2027', input({ title: 'Nouveau titre', results_visibility: 'live' }), opened, NOW);
    expect(renamed).toMatchObject({ title: 'Nouveau titre', ballot: [], version: opened.version + 1, opened_at: opened.opened_at });
  });

  it('the view says what a form needs', () => {
    expect(campaignView(campaign(), NOW)).toMatchObject({
      campaign_id: 'evol-2027',
      proposals_open: true,
      vote_status: 'not-open',
      method: 'approval',
      min_choices: 1,
      max_choices: 5,
      points_total: null,
      supporters_needed: 2,
    });
  });
});
