// What the stored items of a campaign need after the organisation key changed (issue 13): the
// keys in DynamoDB sort keys (supports, ballots, first spellings) were folded by the rule in
// force when they were written. Pure: the script scripts/check-organisation-keys.ts reads the
// items and prints this report; docs/operations.md says what to do with it.
import { voteStatus } from './campaign.ts';
import { organisationKey } from './organisation.ts';
import type { Ballot, Campaign, Support } from './schema.ts';

export interface OrganisationKeyReport {
  campaign_id: string;
  /** `closed`: sealed, nothing can be added under either key. */
  status: 'closed' | 'active';
  /** Supports and ballots whose stored key is not today's key of their organisation. */
  stale_supports: number;
  stale_ballots: number;
  /** Spellings that today's key makes one organisation, where the store holds several. */
  merged_supports: Array<{ proposal_id: string; organisations: string[] }>;
  merged_ballots: Array<{ organisations: string[] }>;
  /** Whether anything above needs a decision (an active campaign with stale or merged items). */
  action_needed: boolean;
}

function merged<T extends { organisation: string }>(items: readonly T[], group: (item: T) => string): T[][] {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const key = `${group(item)}\u0000${organisationKey(item.organisation)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), item]);
  }
  return [...byKey.values()].filter((list) => list.length > 1);
}

export function auditOrganisationKeys(campaign: Campaign, supports: readonly Support[], ballots: readonly Ballot[], now: Date): OrganisationKeyReport {
  const stale = (items: ReadonlyArray<{ organisation: string; organisation_key: string }>) =>
    items.filter((i) => i.organisation_key !== organisationKey(i.organisation)).length;
  const status = voteStatus(campaign, now) === 'closed' ? 'closed' : 'active';
  const report = {
    campaign_id: campaign.id,
    status,
    stale_supports: stale(supports),
    stale_ballots: stale(ballots),
    merged_supports: merged(supports, (s) => s.proposal_id).map((list) => ({
      proposal_id: list[0]!.proposal_id,
      organisations: list.map((s) => s.organisation),
    })),
    merged_ballots: merged(ballots, () => '').map((list) => ({ organisations: list.map((b) => b.organisation) })),
  } as const;
  const anything = report.stale_supports + report.stale_ballots + report.merged_supports.length + report.merged_ballots.length > 0;
  return { ...report, action_needed: status === 'active' && anything };
}
