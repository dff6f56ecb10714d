// A campaign open for voting with eligible proposals, set up through the real routes (PUT as an
// organiser, proposals and one co-signature each as w.c.s. would, then open): shared by the
// vote and projector benchmarks, which each bring their own HTTP caller.

/** One call: `signed` as w.c.s. (Publik signature), else with the admin bearer token. */
export type BenchCall = (method: string, path: string, body: unknown, signed: boolean) => Promise<{
  status: number;
  body: { err: number; err_class?: string; data?: any };
}>;

export interface BenchCampaign {
  title: string;
  proposals: number;
  maxChoices: number;
  /** `live` for a projector; absent: the campaign's default (after the close). */
  resultsVisibility?: 'live';
  /** Organisation names, or a meeting whose registrations vote. */
  electorate: { names: string[] } | { meetingId: string };
}

/** The proposals' ids, in the order they were made (proposal i from `Commune i`). */
export async function setUpCampaign(call: BenchCall, campaignId: string, c: BenchCampaign): Promise<string[]> {
  const now = Date.now();
  const put = await call('PUT', `/admin/campaigns/${campaignId}`, {
    title: c.title,
    proposals_open_at: new Date(now - 86_400_000).toISOString(),
    proposals_close_at: new Date(now + 86_400_000).toISOString(),
    method: 'approval',
    max_choices: c.maxChoices,
    retain: 5,
    ...(c.resultsVisibility ? { results_visibility: c.resultsVisibility } : {}),
    ...('names' in c.electorate ? { electorate: c.electorate.names } : { electorate: 'meeting', meeting_id: c.electorate.meetingId }),
  }, false);
  if (put.status !== 201) throw new Error(`PUT campaign answered ${put.status}: ${JSON.stringify(put.body).slice(0, 300)}`);
  const ids: string[] = [];
  for (let i = 0; i < c.proposals; i++) {
    const p = await call('POST', '/proposals', {
      form_uuid: crypto.randomUUID(), campaign_id: campaignId, title: `Proposition ${i}`, description: 'Description',
      use_case: 'Cas d’usage', organisation: `Commune ${i}`, email: `p${i}@example.org`,
    }, true);
    if (p.body.err !== 0) throw new Error(`POST /proposals answered ${p.status} ${p.body.err_class ?? ''}`);
    const id = p.body.data.proposal_id as string;
    await call('POST', `/proposals/${id}/cosignatures`, { form_uuid: crypto.randomUUID(), email: `c${i}@example.org`, organisation: `Commune ${i + 1}` }, true);
    ids.push(id);
  }
  const open = await call('POST', `/admin/campaigns/${campaignId}/open`, undefined, false);
  if ((open.body.data?.ballot ?? []).length !== c.proposals) throw new Error('the ballot was not frozen with every proposal');
  return ids;
}
