// The demo campaign `npm start` creates on the demo meeting `club-12`, through the real routes
// (PUT /admin/campaigns, signed POST /proposals and co-signatures): three proposals, one of
// them eligible. The vote is not open: open it with POST /admin/campaigns/{id}/open (banner),
// then vote with the email of someone registered to club-12. Deterministic form uuids make a
// second `npm start` on kept data a replay, not a duplicate.
import { signUrl } from '#shared/publik/signature.ts';
import type { SigningKeys } from './dev-defaults.ts';

export const DEMO_CAMPAIGN_ID = 'club-12-evolutions';

export interface DemoVotesResult {
  campaignId: string;
  ok: boolean;
  /** Proposal ids, in submission order; the first one is eligible. */
  proposals: string[];
  error?: string;
}

const DAY = 86_400_000;

const PROPOSALS = [
  {
    title: 'Pouvoir joindre plusieurs fichiers à une même demande',
    use_case: 'Nos usagers envoient les pièces d’un dossier de subvention en plusieurs fois.',
    component: 'w.c.s.',
    organisation: 'Ville de Villejuif',
    cosigner: 'Métropole de Lyon',
  },
  {
    title: 'Relances automatiques des demandes incomplètes',
    use_case: 'Les dossiers d’inscription scolaire restent incomplets des semaines.',
    component: 'w.c.s.',
    organisation: 'Ville de Saint-Étienne',
  },
  {
    title: 'Un agenda partagé des équipements dans le portail',
    use_case: 'Les associations réservent les salles municipales par téléphone.',
    component: 'Combo',
    organisation: 'Département du Nord',
  },
];

export async function seedDemoVotes(baseUrl: string, keys: SigningKeys, adminToken: string, now: Date): Promise<DemoVotesResult> {
  const signed = (path: string) => signUrl(`${baseUrl}${path}`, keys.key, { orig: keys.orig });
  const send = async (url: string, method: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const json = (await res.json()) as { err: number; err_class?: string; data?: Record<string, unknown> };
    if (!res.ok || json.err !== 0) throw new Error(`${method} ${new URL(url).pathname}: HTTP ${res.status} ${json.err_class ?? ''}`);
    return json.data ?? {};
  };
  try {
    await send(
      `${baseUrl}/admin/campaigns/${DEMO_CAMPAIGN_ID}`,
      'PUT',
      {
        title: 'Évolutions 2027 : le vote des collectivités (démo)',
        meeting_id: 'club-12',
        proposals_open_at: new Date(now.getTime() - DAY).toISOString(),
        proposals_close_at: new Date(now.getTime() + 60 * DAY).toISOString(),
        supporters_needed: 2,
        method: 'approval',
        min_choices: 1,
        max_choices: 2,
        retain: 1,
        results_visibility: 'live',
        electorate: 'meeting',
      },
      { authorization: `Bearer ${adminToken}` },
    );
    const proposals: string[] = [];
    for (const [i, p] of PROPOSALS.entries()) {
      const answer = await send(signed('/proposals'), 'POST', {
        form_uuid: `demo-proposal-${i + 1}`,
        campaign_id: DEMO_CAMPAIGN_ID,
        title: p.title,
        description: p.title,
        use_case: p.use_case,
        component: p.component,
        organisation: p.organisation,
        email: `proposeur${i + 1}@example.org`,
        first_name: 'Dominique',
        last_name: `Exemple ${i + 1}`,
      });
      const id = String(answer['proposal_id']);
      proposals.push(id);
      if (p.cosigner) {
        await send(signed(`/proposals/${id}/cosignatures`), 'POST', {
          form_uuid: `demo-cosign-${i + 1}`,
          email: 'cosignataire@example.org',
          organisation: p.cosigner,
        });
      }
    }
    return { campaignId: DEMO_CAMPAIGN_ID, ok: true, proposals };
  } catch (error) {
    return { campaignId: DEMO_CAMPAIGN_ID, ok: false, proposals: [], error: error instanceof Error ? error.message : String(error) };
  }
}
