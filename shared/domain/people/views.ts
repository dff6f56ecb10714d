// What an access request answers (POST /admin/people/export) and an erasure counts. Pure.
import type { PersonItem, SurveyMarker } from './ports.ts';

export interface ErasureCounts {
  registrations_cancelled: number;
  registrations_anonymised: number;
  subscriptions_deleted: number;
  proposals_erased: number;
  supports_erased: number;
  ballots_erased: number;
  deliveries_erased: number;
  survey_markers_deleted: number;
  /** Markers of surveys still open: kept until the close, so that the person cannot answer twice. */
  survey_markers_kept: number;
}

export const SURVEY_ANSWERS_NOTE =
  'Les réponses aux enquêtes sont enregistrées sans identité : elles ne peuvent être ni retrouvées ni rattachées à cette adresse. Seul le fait d’avoir répondu est connu (marqueur de participation).';

const agentOf = (a: { email: string; first_name?: string | undefined; last_name?: string | undefined }) => ({
  email: a.email,
  first_name: a.first_name ?? null,
  last_name: a.last_name ?? null,
});

export function personExport(email: string, items: PersonItem[], markers: SurveyMarker[], now: Date) {
  const out = {
    email,
    exported_at: now.toISOString(),
    registrations: [] as Array<Record<string, unknown>>,
    subscriptions: [] as Array<Record<string, unknown>>,
    deliveries: [] as Array<Record<string, unknown>>,
    proposals: [] as Array<Record<string, unknown>>,
    cosignatures: [] as Array<Record<string, unknown>>,
    ballots: [] as Array<Record<string, unknown>>,
    survey_participations: markers.filter((m) => m.kind === 'participation').map((m) => ({ survey_id: m.survey_id, closes_at: m.closes_at })),
    survey_invitations: surveyInvitations(markers),
    survey_answers: SURVEY_ANSWERS_NOTE,
  };
  for (const item of items) {
    switch (item.type) {
      case 'registration': {
        // The stored record, without the secrets that authorise its links (never shown to anyone).
        const { access_token: _a, checkin_token: _c, request_hash: _h, version: _v, choices_counted: _cc, ...shown } = item.registration;
        if (shown.anonymised_at === undefined) out.registrations.push({ registration_id: shown.id, ...shown });
        break;
      }
      case 'subscription': {
        const s = item.subscription;
        out.subscriptions.push({
          series_id: s.series_id,
          subscriber_id: s.subscriber_id,
          status: s.status,
          email: s.email,
          first_name: s.first_name ?? null,
          last_name: s.last_name ?? null,
          organisation: s.organisation ?? null,
          subscribed_at: s.subscribed_at,
          unsubscribed_at: s.unsubscribed_at ?? null,
        });
        break;
      }
      case 'delivery':
        out.deliveries.push({
          subject: item.line.subject,
          kind: item.line.kind,
          sequence: item.line.sequence,
          state: item.line.state,
          to: item.line.to ?? null,
          at: item.line.at,
        });
        break;
      case 'proposal':
        out.proposals.push({
          proposal_id: item.proposal.id,
          campaign_id: item.proposal.campaign_id,
          title: item.proposal.title,
          organisation: item.proposal.organisation,
          submitted_at: item.proposal.submitted_at,
          agent: agentOf(item.proposal.proposer),
        });
        break;
      case 'support':
        // The proposer's own support is listed with the proposal.
        if (item.support.role === 'cosigner') {
          out.cosignatures.push({
            proposal_id: item.support.proposal_id,
            campaign_id: item.record.campaign_id,
            organisation: item.support.organisation,
            at: item.support.at,
            comment: item.support.comment ?? null,
            agent: agentOf(item.support.agent),
          });
        }
        break;
      case 'ballot':
        out.ballots.push({
          campaign_id: item.ballot.campaign_id,
          organisation: item.ballot.organisation,
          cast_at: item.ballot.cast_at,
          agent: agentOf(item.ballot.agent),
        });
        break;
      default:
        break; // markers and links hold nothing the records above do not show
    }
  }
  return out;
}
export type PersonExport = ReturnType<typeof personExport>;

/** Per survey: whether the person asked for no more invitations, and how many one-click links were sent (keyed hashes only). */
function surveyInvitations(markers: SurveyMarker[]) {
  const bySurvey = new Map<string, { survey_id: string; closes_at: string; opted_out: boolean; links: number }>();
  for (const m of markers) {
    if (m.kind === 'participation') continue;
    const entry = bySurvey.get(m.survey_id) ?? { survey_id: m.survey_id, closes_at: m.closes_at, opted_out: false, links: 0 };
    if (m.kind === 'opt-out') entry.opted_out = true;
    else entry.links += 1;
    bySurvey.set(m.survey_id, entry);
  }
  return [...bySurvey.values()];
}
