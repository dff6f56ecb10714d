// Campaign (`/console/campaigns/{campaignId}`): state and windows, every proposal with its
// organisation, use case, supporters and eligibility; once voting, the ballots cast and the live
// ranking (refreshed every 5 s while the vote is open); open, close and recount, each confirmed.
import { useState } from 'preact/hooks';
import { api, loginUrl } from '../lib/api.ts';
import { rankingChart } from '../lib/chart-model.ts';
import { BarChart } from '../lib/charts.tsx';
import { ErrorMessage, Loading } from '../lib/components.tsx';
import { ConfirmButton } from '../lib/confirm.tsx';
import { formatInstant, formatNumber, formatPercent } from '../lib/format.ts';
import { pathSegments } from '../lib/hooks.ts';
import { Layout } from '../lib/layout.tsx';
import { mount } from '../lib/mount.tsx';
import { usePoll } from '../lib/poll.ts';
import { recountDifferences, VOTE_STATUS_LABELS, type AdminProposal, type CampaignDefinition, type CampaignMeta, type Recount, type Results } from '../lib/vote-types.ts';
import '../lib/room.css';

const campaignId = pathSegments()[1] ?? '';
const base = `/admin/campaigns/${encodeURIComponent(campaignId)}`;

async function loadCampaign() {
  const [def, proposals] = await Promise.all([
    // The definition's `meta` (state, opening, closing) sits beside `data`: read in full.
    fetch(base, { headers: { accept: 'application/json' }, credentials: 'same-origin' }).then(async (r) => {
      if (r.status === 401) location.assign(loginUrl());
      const body = (await r.json()) as { err: number; err_desc?: string; data: CampaignDefinition; meta: CampaignMeta };
      if (!r.ok || body.err !== 0) throw new Error(body.err_desc ?? `Erreur ${r.status} du service.`);
      return body;
    }),
    api.get<AdminProposal[]>(`${base}/proposals`),
  ]);
  const results = def.meta.vote_status === 'not-open' ? undefined : await api.get<Results>(`${base}/results`);
  return { definition: def.data, meta: def.meta, proposals, results };
}

function Window(props: { label: string; from?: string | null; to?: string | null }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>
        {!props.from && !props.to ? 'pas de dates : ouverture et clôture à la main' : `${props.from ? formatInstant(props.from) : '—'} → ${props.to ? formatInstant(props.to) : '—'}`}
      </dd>
    </>
  );
}

function CampaignPage() {
  const [recount, setRecount] = useState<Recount | undefined>(undefined);
  const [open, setOpen] = useState(false);
  // Refreshed every 5 s while the vote is open (the live ranking), else read once.
  const state = usePoll(loadCampaign, open ? 5_000 : 0, [open]);
  const data = state.data;
  if (data && (data.meta.vote_status === 'open') !== open) setOpen(data.meta.vote_status === 'open');
  const title = data?.definition.title ?? 'Campagne';
  const act = async (action: 'open' | 'close') => {
    await api.post(`${base}/${action}`);
    setRecount(undefined);
    state.reload();
  };
  const doRecount = async () => {
    setRecount(await api.post<Recount>(`${base}/recount`));
    state.reload();
  };
  return (
    <Layout title={title} current="/console/">
      {!data && state.error ? <ErrorMessage error={state.error} /> : null}
      {!data && !state.error ? <Loading /> : null}
      {data ? (
        <>
          <section aria-labelledby="etat">
            <h2 id="etat">État et calendrier</h2>
            <p class="status-line">
              <strong>{VOTE_STATUS_LABELS[data.meta.vote_status]}</strong>
              {data.meta.proposals_open ? ' · propositions ouvertes' : ' · propositions closes'}
              {' · '}
              {data.definition.method === 'points' ? 'vote par points' : 'vote par approbation'}, {formatNumber(data.definition.retain)} retenue{data.definition.retain > 1 ? 's' : ''}
            </p>
            <dl class="facts">
              <Window label="Propositions" from={data.definition.proposals_open_at} to={data.definition.proposals_close_at} />
              <Window label="Vote" from={data.definition.vote_opens_at} to={data.definition.vote_closes_at} />
              {data.meta.opened_at ? (
                <>
                  <dt>Ouvert le</dt>
                  <dd>{formatInstant(data.meta.opened_at)}</dd>
                </>
              ) : null}
              {data.meta.closed_at ? (
                <>
                  <dt>Clos le</dt>
                  <dd>{formatInstant(data.meta.closed_at)}</dd>
                </>
              ) : null}
              <dt>Résultats publics</dt>
              <dd>{data.definition.results_visibility === 'live' ? 'en direct, pendant le vote' : 'à la clôture'}</dd>
            </dl>
            <div class="actions" role="group" aria-label="Actions sur le vote">
              <ConfirmButton
                id="ouvrir"
                label="Ouvrir le vote"
                title="Ouvrir le vote maintenant ?"
                question={<p>Le bulletin sera figé avec les propositions éligibles, et les propositions seront closes.</p>}
                confirmLabel="Ouvrir le vote"
                disabled={data.meta.vote_status !== 'not-open'}
                onConfirm={() => act('open')}
              />
              <ConfirmButton
                id="clore"
                label="Clore le vote"
                title="Clore le vote maintenant ?"
                question={<p>Plus aucun bulletin ne sera accepté après la clôture.</p>}
                confirmLabel="Clore le vote"
                danger
                disabled={data.meta.vote_status !== 'open'}
                onConfirm={() => act('close')}
              />
              <ConfirmButton
                id="recompter"
                label="Recompter"
                title="Recompter tous les bulletins ?"
                question={<p>Chaque score est recalculé à partir des bulletins enregistrés et comparé au décompte en direct.</p>}
                confirmLabel="Recompter"
                disabled={data.meta.vote_status === 'not-open'}
                onConfirm={doRecount}
              />
              {data.meta.vote_status !== 'not-open' ? (
                <a class="button secondary" href={`/console/campaigns/${encodeURIComponent(campaignId)}/projector`}>
                  Mode projection
                </a>
              ) : null}
            </div>
            {recount ? <RecountResult recount={recount} /> : null}
          </section>

          {data.results ? (
            <section aria-labelledby="classement">
              <h2 id="classement">Classement</h2>
              <p class="big-figure">
                {formatNumber(data.results.ballots)} bulletin{data.results.ballots > 1 ? 's' : ''} déposé{data.results.ballots > 1 ? 's' : ''} sur{' '}
                {formatNumber(data.results.electorate)} organisations ({formatPercent(data.results.turnout)})
              </p>
              {data.results.tie_at_cutoff ? (
                <p class="tie-flag" role="note">
                  Égalité au seuil : des propositions ont le même score de part et d’autre de la ligne des retenues ; le départage publié les a séparées.
                </p>
              ) : null}
              <BarChart model={rankingChart(data.results, { points: data.results.method === 'points' })} />
            </section>
          ) : null}

          <section aria-labelledby="propositions">
            <h2 id="propositions">Propositions ({formatNumber(data.proposals.length)})</h2>
            {data.proposals.length === 0 ? (
              <p>Aucune proposition pour l’instant.</p>
            ) : (
              <div class="table-scroll">
                <table class="stack-table">
                  <caption class="visually-hidden">Propositions de la campagne</caption>
                  <thead>
                    <tr>
                      <th scope="col">Proposition</th>
                      <th scope="col">Organisation</th>
                      <th scope="col">Cas d’usage</th>
                      <th scope="col" class="num">Soutiens</th>
                      <th scope="col">Éligibilité</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.proposals.map((p) => (
                      <tr key={p.proposal_id}>
                        <th scope="row">{p.title}</th>
                        <td data-label="Organisation">{p.organisation}</td>
                        <td data-label="Cas d’usage">{p.use_case}</td>
                        <td class="num" data-label="Soutiens">
                          {formatNumber(p.supporters)} / {formatNumber(p.supporters_needed)}
                        </td>
                        <td data-label="Éligibilité">
                          {p.status === 'eligible' ? 'Éligible' : 'En attente de soutiens'}
                          {p.on_ballot === true ? ' · au bulletin' : p.on_ballot === false ? ' · hors bulletin' : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      ) : null}
    </Layout>
  );
}

function RecountResult(props: { recount: Recount }) {
  const diffs = recountDifferences(props.recount);
  return (
    <div class="recount" role="status">
      {props.recount.equal && diffs.length === 0 ? (
        <p>
          Recomptage : <strong>identique</strong> au décompte en direct ({formatNumber(props.recount.recount.ballots)} bulletins).
        </p>
      ) : (
        <>
          <p>
            Recomptage : <strong>différences</strong> avec le décompte en direct.
          </p>
          <table>
            <caption>Différences entre le décompte en direct et le recomptage</caption>
            <thead>
              <tr>
                <th scope="col">Ligne</th>
                <th scope="col" class="num">En direct</th>
                <th scope="col" class="num">Recomptage</th>
              </tr>
            </thead>
            <tbody>
              {diffs.map((d) => (
                <tr key={d.title}>
                  <th scope="row">{d.title}</th>
                  <td class="num">{formatNumber(d.live)}</td>
                  <td class="num">{formatNumber(d.recount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

mount(<CampaignPage />);
