// Builders shared by the vote unit tests.
import { defineCampaign } from '#shared/domain/votes/campaign.ts';
import { CampaignInputSchema, type Campaign, type Proposal } from '#shared/domain/votes/schema.ts';

export const NOW = new Date('2027-04-15T10:00:00Z');

export const CONTRACT_CAMPAIGN = {
  title: 'Évolutions 2027 : le vote des collectivités',
  meeting_id: 'club-12',
  proposals_open_at: '2027-03-01T00:00:00+01:00',
  proposals_close_at: '2027-05-31T23:59:59+02:00',
  supporters_needed: 2,
  vote_opens_at: '2027-06-07T09:00:00+02:00',
  vote_closes_at: '2027-06-08T17:00:00+02:00',
  method: 'approval',
  max_choices: 5,
  min_choices: 1,
  retain: 10,
  results_visibility: 'after-close',
  electorate: 'meeting',
};

export function campaign(overrides: Record<string, unknown> = {}, id = 'evol-2027'): Campaign {
  return defineCampaign(id, CampaignInputSchema.parse({ ...CONTRACT_CAMPAIGN, ...overrides }), undefined, NOW);
}

let seq = 0;
export function proposal(overrides: Partial<Proposal> = {}): Proposal {
  seq++;
  const id = overrides.id ?? `evol-2027-p${seq}`;
  return {
    id,
    campaign_id: 'evol-2027',
    title: `Proposition ${id}`,
    description: 'Description',
    use_case: 'Cas d’usage',
    organisation: 'Ville de Test',
    organisation_key: 'ville de test',
    proposer: { email: 'agent@example.org' },
    form_uuid: `form-${id}`,
    request_hash: 'h',
    submitted_at: `2027-04-01T10:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    updated_at: '2027-04-01T10:00:00.000Z',
    supporters: 2,
    version: 1,
    ...overrides,
  };
}
