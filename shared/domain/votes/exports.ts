// What organisers export about a campaign (CSV for Excel/LibreOffice, written by shared/domain/csv.ts).
import type { Sheet } from '#shared/domain/csv.ts';
import type { Results } from './ranking.ts';
import type { Ballot, Campaign } from './schema.ts';

const yesNo = (b: boolean) => (b ? 'oui' : 'non');

export function resultsSheet(r: Results): Sheet {
  return {
    headers: ['Rang', 'Proposition', 'Titre', 'Organisation', 'Score', 'Soutiens', 'Retenue', 'Ex æquo au seuil'],
    rows: r.proposals.map((p) => [p.rank, p.proposal_id, p.title, p.organisation, p.score, p.supporters, yesNo(p.retained), yesNo(p.tied_at_cutoff)]),
  };
}

/** One row per organisation: its ballot, who cast it, when, and how many times it was replaced. */
export function ballotsSheet(c: Campaign, ballots: Ballot[]): Sheet {
  const content = (b: Ballot) =>
    c.method === 'points'
      ? Object.entries(b.points ?? {}).map(([id, n]) => `${id}:${n}`).join(', ')
      : (b.choices ?? []).join(', ');
  const agent = (b: Ballot) => [b.agent.first_name, b.agent.last_name].filter(Boolean).join(' ');
  return {
    headers: ['Organisation', c.method === 'points' ? 'Points' : 'Choix', 'Agent', 'Adresse électronique', 'Déposé le', 'Premier dépôt le', 'Remplacé (fois)'],
    rows: ballots.map((b) => [b.organisation, content(b), agent(b), b.agent.email, b.cast_at, b.first_cast_at, b.replaced_count]),
  };
}
