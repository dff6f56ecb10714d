// Dashboard (`/console/`): what is coming, at a glance. Meetings with their places per day,
// campaigns with their state and ballots, surveys with their responses, the next online
// sessions with their subscribers; each links to its page. Four admin reads, all at once.
import { api } from '../lib/api.ts';
import { Bar, ErrorMessage, Loading } from '../lib/components.tsx';
import { formatDay, formatInstant, formatNumber, formatPercent } from '../lib/format.ts';
import { useLoad, type Loaded } from '../lib/hooks.ts';
import { Layout } from '../lib/layout.tsx';
import { mount } from '../lib/mount.tsx';

interface Places {
  total: number | null;
  reserved: number;
  has_waiting_list: boolean;
  waiting_list_reserved: number;
}

export interface MeetingSummary {
  id: string;
  title: string;
  timezone: string;
  days: Array<{ date: string; label: string; places: Places; remote_capacity: number | null; remote_places: Places }>;
  evening_event: { date: string; title: string; places: Places } | null;
}

export interface CampaignSummary {
  campaign_id: string;
  title: string;
  vote_status: 'not-open' | 'open' | 'closed';
  proposals_open: boolean;
  ballots: number;
  vote_opens_at: string | null;
  vote_closes_at: string | null;
}

export interface SurveySummary {
  survey_id: string;
  title: string;
  open: boolean;
  responses: number;
  eligible: number;
  response_rate: number | null;
  closes_at: string;
}

export interface SeriesSummary {
  id: string;
  title: string;
  timezone: string;
  subscribers: number;
  next_occurrences: Array<{ id: string; starts_at: string; topic: string; cancelled: boolean; moved: boolean }>;
}

const VOTE_STATE: Record<CampaignSummary['vote_status'], string> = {
  'not-open': 'vote pas encore ouvert',
  open: 'vote ouvert',
  closed: 'vote clos',
};

const plural = (n: number, one: string, many: string) => `${formatNumber(n)} ${n > 1 ? many : one}`;

function waitingText(p: Places): string | undefined {
  return p.has_waiting_list ? `${formatNumber(p.waiting_list_reserved)} en attente` : undefined;
}

function PlacesBar(props: { label: string; places: Places }) {
  const p = props.places;
  if (p.total === null) {
    return (
      <div class="bar-row">
        <span class="bar-label">{props.label}</span>
        <span class="bar-figures">{plural(p.reserved, 'confirmé', 'confirmés')}, sans limite</span>
      </div>
    );
  }
  return <Bar label={props.label} value={p.reserved} max={p.total} extra={waitingText(p)} />;
}

function Meetings(props: { value: Loaded<MeetingSummary[]> }) {
  const v = props.value;
  if (v.state === 'loading') return <Loading />;
  if (v.state === 'error') return <ErrorMessage error={v.error} />;
  if (v.data.length === 0) return <p>Aucune rencontre.</p>;
  return (
    <ul class="cards">
      {v.data.map((m) => (
        <li key={m.id} class="card" data-meeting={m.id}>
          <h3>
            <a href={`/console/meetings/${encodeURIComponent(m.id)}`}>{m.title}</a>
          </h3>
          <p class="meta">{m.days.map((d) => formatDay(d.date)).join(' · ')}</p>
          <p class="caption">Sur place, confirmés / places :</p>
          {m.days.map((d) => (
            <PlacesBar key={d.date} label={d.label} places={d.places} />
          ))}
          {m.evening_event ? <PlacesBar label={m.evening_event.title} places={m.evening_event.places} /> : null}
        </li>
      ))}
    </ul>
  );
}

function Campaigns(props: { value: Loaded<CampaignSummary[]> }) {
  const v = props.value;
  if (v.state === 'loading') return <Loading />;
  if (v.state === 'error') return <ErrorMessage error={v.error} />;
  if (v.data.length === 0) return <p>Aucune campagne.</p>;
  return (
    <ul class="cards">
      {v.data.map((c) => (
        <li key={c.campaign_id} class="card" data-campaign={c.campaign_id}>
          <h3>
            <a href={`/console/campaigns/${encodeURIComponent(c.campaign_id)}`}>{c.title}</a>
          </h3>
          <p>
            <span class="state">{c.proposals_open && c.vote_status === 'not-open' ? 'propositions ouvertes' : VOTE_STATE[c.vote_status]}</span>
            {' · '}
            <span class="figure">{plural(c.ballots, 'bulletin', 'bulletins')}</span>
          </p>
          {c.vote_status === 'open' && c.vote_closes_at ? <p class="meta">Clôture le {formatInstant(c.vote_closes_at)}</p> : null}
        </li>
      ))}
    </ul>
  );
}

function Surveys(props: { value: Loaded<SurveySummary[]> }) {
  const v = props.value;
  if (v.state === 'loading') return <Loading />;
  if (v.state === 'error') return <ErrorMessage error={v.error} />;
  if (v.data.length === 0) return <p>Aucun questionnaire.</p>;
  return (
    <ul class="cards">
      {v.data.map((s) => (
        <li key={s.survey_id} class="card" data-survey={s.survey_id}>
          <h3>
            <a href={`/console/surveys/${encodeURIComponent(s.survey_id)}`}>{s.title}</a>
          </h3>
          <p>
            <span class="figure">{plural(s.responses, 'réponse', 'réponses')}</span>
            {' · '}
            <span class="rate">{s.response_rate === null ? 'taux non calculable' : `taux de réponse ${formatPercent(s.response_rate)}`}</span>
          </p>
          <p class="meta">{s.open ? `Ouvert jusqu’au ${formatInstant(s.closes_at)}` : 'Fermé'}</p>
        </li>
      ))}
    </ul>
  );
}

function Sessions(props: { value: Loaded<SeriesSummary[]> }) {
  const v = props.value;
  if (v.state === 'loading') return <Loading />;
  if (v.state === 'error') return <ErrorMessage error={v.error} />;
  const upcoming = v.data.flatMap((series) =>
    series.next_occurrences.filter((o) => !o.cancelled).slice(0, 2).map((o) => ({ series, occurrence: o })),
  );
  if (upcoming.length === 0) return <p>Aucune séance à venir.</p>;
  upcoming.sort((a, b) => a.occurrence.starts_at.localeCompare(b.occurrence.starts_at));
  return (
    <div class="table-scroll">
      <table>
        <caption class="visually-hidden">Prochaines séances en ligne</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Série</th>
            <th scope="col" class="num">
              Inscrits
            </th>
          </tr>
        </thead>
        <tbody>
          {upcoming.map(({ series, occurrence }) => (
            <tr key={occurrence.id} data-occurrence={occurrence.id}>
              <td>{formatInstant(occurrence.starts_at, series.timezone)}</td>
              <td>
                <a href="/console/sessions">{series.title}</a>
                {occurrence.topic && occurrence.topic !== series.title ? <span class="meta"> — {occurrence.topic}</span> : null}
              </td>
              <td class="num">{formatNumber(series.subscribers)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// Asked for as soon as the script runs, not after the first render (effects wait for a paint).
const reads = {
  meetings: api.get<MeetingSummary[]>('/admin/meetings'),
  campaigns: api.get<CampaignSummary[]>('/admin/campaigns'),
  surveys: api.get<SurveySummary[]>('/admin/surveys'),
  series: api.get<SeriesSummary[]>('/admin/session-series'),
};
for (const pending of Object.values(reads)) pending.catch(() => undefined); // shown by each section

function Dashboard() {
  const meetings = useLoad(() => reads.meetings);
  const campaigns = useLoad(() => reads.campaigns);
  const surveys = useLoad(() => reads.surveys);
  const series = useLoad(() => reads.series);
  const busy = [meetings, campaigns, surveys, series].some((v) => v.state === 'loading');
  return (
    <Layout title="Tableau de bord" current="/console/" busy={busy}>
      <section aria-labelledby="rencontres">
        <h2 id="rencontres">Rencontres</h2>
        <Meetings value={meetings} />
      </section>
      <section aria-labelledby="campagnes">
        <h2 id="campagnes">Campagnes de vote</h2>
        <Campaigns value={campaigns} />
      </section>
      <section aria-labelledby="questionnaires">
        <h2 id="questionnaires">Questionnaires</h2>
        <Surveys value={surveys} />
      </section>
      <section aria-labelledby="seances">
        <h2 id="seances">Prochaines séances en ligne</h2>
        <Sessions value={series} />
      </section>
    </Layout>
  );
}

mount(<Dashboard />);
