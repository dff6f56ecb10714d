// Sessions (`/console/sessions`): each series with its subscribers and next occurrences, per
// occurrence the deliveries by status (sent, failed, skipped); move or cancel an occurrence
// after a confirmation (PUT /admin/sessions/{occurrenceId}: the reminder engine then sends the
// update or cancellation emails to every subscriber at its next run, as for a script).
import { useState } from 'preact/hooks';
import { api } from '../lib/api.ts';
import { formatCount } from '../lib/chart-model.ts';
import { Show } from '../lib/components.tsx';
import { ConfirmButton } from '../lib/confirm.tsx';
import { useLoad } from '../lib/hooks.ts';
import { Layout } from '../lib/layout.tsx';
import { instantOf, wallClock } from '../lib/zoned-time.ts';
import { mount } from '../lib/mount.tsx';
import '../lib/room.css';

interface Occurrence {
  id: string;
  text: string;
  starts_at: string;
  ends_at: string;
  topic: string;
  cancelled: boolean;
  moved: boolean;
}

interface Series {
  id: string;
  title: string;
  timezone: string;
  subscribers: number;
  next_occurrences: Occurrence[];
}

type Counts = { sent: number; failed: number; skipped: number; sending: number };

async function load() {
  const series = await api.get<Series[]>('/admin/session-series');
  const ids = series.flatMap((s) => s.next_occurrences.map((o) => o.id));
  const reports = await Promise.all(ids.map((id) => api.get<{ counts: Counts }>(`/admin/sessions/${encodeURIComponent(id)}/deliveries`)));
  return { series, counts: new Map(ids.map((id, i) => [id, reports[i]?.counts])) };
}

function OccurrenceRow(props: { o: Occurrence; series: Series; counts: Counts | undefined; reload: () => void }) {
  const { o, series } = props;
  const [when, setWhen] = useState(wallClock(o.starts_at, series.timezone));
  const c = props.counts;
  return (
    <tr data-occurrence={o.id}>
      <th scope="row">{o.text}</th>
      <td>{o.cancelled ? 'Annulée' : o.moved ? 'Déplacée' : 'Prévue'}</td>
      <td class="num">{c ? formatCount(c.sent) : '—'}</td>
      <td class="num">{c ? formatCount(c.failed) : '—'}</td>
      <td class="num">{c ? formatCount(c.skipped) : '—'}</td>
      <td>
        <div class="row-actions">
        <ConfirmButton
          id={`deplacer-${o.id}`}
          label="Déplacer"
          ariaLabel={`Déplacer la séance : ${o.text}`}
          title={`Déplacer la séance du ${o.text.split(',')[0] ?? o.text}`}
          question={<p>Les {formatCount(series.subscribers)} abonnés recevront un courriel de mise à jour avec la nouvelle date.</p>}
          confirmLabel="Déplacer la séance"
          disabled={o.cancelled}
          onConfirm={async () => {
            await api.put(`/admin/sessions/${encodeURIComponent(o.id)}`, { starts_at: instantOf(when, series.timezone) });
            props.reload();
          }}
        >
          <p>
            <label for={`date-${o.id}`}>Nouveau début (heure de {series.timezone})</label>
            <input id={`date-${o.id}`} type="datetime-local" value={when} required onInput={(e) => setWhen((e.target as HTMLInputElement).value)} />
          </p>
        </ConfirmButton>
        <ConfirmButton
          id={`annuler-${o.id}`}
          label="Annuler la séance"
          ariaLabel={`Annuler la séance : ${o.text}`}
          title="Annuler cette séance ?"
          question={<p>Les {formatCount(series.subscribers)} abonnés recevront un courriel d’annulation ; plus aucun rappel ne partira pour cette séance.</p>}
          confirmLabel="Annuler la séance"
          danger
          disabled={o.cancelled}
          onConfirm={async () => {
            await api.put(`/admin/sessions/${encodeURIComponent(o.id)}`, { cancelled: true });
            props.reload();
          }}
        />
        </div>
      </td>
    </tr>
  );
}

function SessionsPage() {
  const state = useLoad(load);
  return (
    <Layout title="Séances en ligne" current="/console/sessions">
      <Show value={state}>
        {({ series, counts }) =>
          series.length === 0 ? (
            <p>Aucune série de séances.</p>
          ) : (
            <>
              {series.map((s) => (
                <section key={s.id} aria-labelledby={`serie-${s.id}`}>
                  <h2 id={`serie-${s.id}`}>{s.title}</h2>
                  <p class="big-figure">
                    {formatCount(s.subscribers)} abonné{s.subscribers > 1 ? 's' : ''}
                  </p>
                  {s.next_occurrences.length === 0 ? (
                    <p>Aucune séance à venir.</p>
                  ) : (
                    <div class="table-scroll">
                      <table>
                        <caption>Prochaines séances et courriels envoyés</caption>
                        <thead>
                          <tr>
                            <th scope="col">Séance</th>
                            <th scope="col">État</th>
                            <th scope="col" class="num">Envoyés</th>
                            <th scope="col" class="num">En échec</th>
                            <th scope="col" class="num">Non envoyés</th>
                            <th scope="col">Actions</th>
                          </tr>
                        </thead>
                        <tbody>
                          {s.next_occurrences.map((o) => (
                            <OccurrenceRow key={o.id} o={o} series={s} counts={counts.get(o.id)} reload={state.reload} />
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </section>
              ))}
            </>
          )
        }
      </Show>
    </Layout>
  );
}

mount(<SessionsPage />);
