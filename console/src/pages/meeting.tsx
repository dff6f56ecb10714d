// Meeting page (`/console/meetings/{meetingId}`): fill levels as bars with their figures (one
// call, GET /admin/meetings/{id}/fill), attendance per day, every CSV export and the badges of
// each day, and the registrations table with its search, filters and a "Présent" toggle per
// person and day (POST / DELETE with `X-Requested-With: console`, through lib/api.ts); for a
// person waiting for a day on site, their rank and « Promouvoir » (confirmed in a dialog that
// says when the place goes past the capacity), « Monter » and « Descendre ».
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api.ts';
import { ErrorMessage, Loading, Show } from '../lib/components.tsx';
import { ConfirmButton } from '../lib/confirm.tsx';
import {
  FillBar,
  formatClock,
  getFill,
  moveInWaitingList,
  personName,
  promoteByHand,
  searchRegistrations,
  setPresent,
  STATUS_LABELS,
  type MeetingFill,
  type SearchFilter,
  type SearchRow,
} from '../lib/desk.tsx';
import { formatNumber } from '../lib/format.ts';
import { pathSegments, useLoad } from '../lib/hooks.ts';
import { Layout } from '../lib/layout.tsx';
import { mount } from '../lib/mount.tsx';
import './desk.css';

const meetingId = pathSegments()[1] ?? '';
const base = `/admin/meetings/${encodeURIComponent(meetingId)}`;

interface Attendance {
  date: string;
  label: string;
  checked_in: number;
  confirmed_onsite: number;
}

function FillLevels(props: { fill: MeetingFill }) {
  const f = props.fill;
  return (
    <section aria-labelledby="remplissage">
      <h2 id="remplissage">Remplissage</h2>
      {f.days.map((d) => (
        <div key={d.date} class="fill-group">
          <h3>{d.label}</h3>
          <FillBar label="Sur place" count={d.onsite} />
          <FillBar label="À distance" count={d.remote} />
        </div>
      ))}
      {f.workshops.length > 0 ? (
        <div class="fill-group">
          <h3>Ateliers</h3>
          {f.workshops.map((w) => (
            <FillBar key={w.id} label={w.title} count={w} />
          ))}
        </div>
      ) : null}
      {f.evening_event ? (
        <div class="fill-group">
          <h3>Soirée</h3>
          <FillBar label={f.evening_event.title} count={f.evening_event} />
        </div>
      ) : null}
    </section>
  );
}

function Downloads(props: { fill: MeetingFill }) {
  const f = props.fill;
  const links: Array<[string, string]> = [
    ['Inscriptions (CSV)', `${base}/registrations?format=csv`],
    ['Comptages (CSV)', `${base}?format=csv`],
    ...f.workshops.map((w): [string, string] => [`Atelier « ${w.title} » (CSV)`, `${base}/workshops/${encodeURIComponent(w.id)}/roster?format=csv`]),
    ...(f.evening_event ? [[`${f.evening_event.title} (CSV)`, `${base}/evening?format=csv`] as [string, string]] : []),
    ['Ne pas photographier (CSV)', `${base}/image-rights-refusals?format=csv`],
    ['Rappels envoyés (CSV)', `${base}/deliveries?format=csv`],
  ];
  const badges: Array<[string, string]> = [
    ['Tous les badges (PDF)', `${base}/badges.pdf`],
    ...f.days.map((d): [string, string] => [`Badges du ${d.label} (PDF)`, `${base}/badges.pdf?day=${d.date}`]),
  ];
  return (
    <section aria-labelledby="exports">
      <h2 id="exports">Listes et badges</h2>
      <ul class="downloads" data-testid="downloads">
        {[...links, ...badges].map(([label, href]) => (
          <li key={href}>
            <a href={href} download>
              {label}
            </a>
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href={`/console/meetings/${encodeURIComponent(meetingId)}/check-in`}>
          Accueil : scanner les badges
        </a>
      </p>
    </section>
  );
}

function AttendanceLine(props: { attendance: Attendance[] | undefined }) {
  if (!props.attendance) return null;
  return (
    <ul class="attendance" aria-live="polite" data-testid="attendance">
      {props.attendance.map((a) => (
        <li key={a.date}>
          {a.label} : <strong>{formatNumber(a.checked_in)}</strong> présent·es sur {formatNumber(a.confirmed_onsite)} attendu·es sur place
        </li>
      ))}
    </ul>
  );
}

function PresentToggle(props: { row: SearchRow; day: MeetingFill['days'][number]; timezone: string; onChange: (row: SearchRow, date: string, at: string | null) => void }) {
  const { row, day } = props;
  const state = row.days.find((d) => d.date === day.date);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  if (!state || (!state.expected_onsite && !state.checked_in_at)) {
    const text = !state ? '—' : state.mode === 'remote' ? 'À distance' : state.place === 'waiting' ? 'Liste d’attente' : '—';
    return <span class="muted">{text}</span>;
  }
  const present = state.checked_in_at !== null;
  const toggle = async () => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      props.onChange(row, day.date, await setPresent(row.registration_id, day.date, !present));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Le service n’a pas répondu.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        class={`toggle${present ? ' on' : ''}`}
        aria-pressed={present}
        aria-label={`Présent : ${personName(row)}, ${day.label}`}
        // Not `disabled`: a disabled button loses the keyboard focus.
        aria-disabled={busy}
        onClick={toggle}
      >
        <span aria-hidden="true">{present ? '✓ ' : ''}</span>Présent
        {present && state.checked_in_at ? <span class="toggle-time"> {formatClock(state.checked_in_at, props.timezone)}</span> : null}
      </button>
      {error ? (
        <span class="error" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}

/**
 * A person waiting for a day on site: their rank, « Promouvoir » (the dialog says whether the
 * place goes past the capacity, from the fill the page shows) and « Monter » / « Descendre ».
 * The API decides; the page then reads the table and the fill again.
 */
function WaitingActions(props: { row: SearchRow; day: MeetingFill['days'][number]; position: number | null; onDone: (message: string) => void }) {
  const { row, day, position } = props;
  const name = personName(row);
  const item = `day:${day.date}`;
  const c = day.onsite;
  const full = c.capacity !== null && c.confirmed >= c.capacity;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const moveTo = async (to: number) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await moveInWaitingList(row.registration_id, item, to);
      props.onDone(`${name} est maintenant au rang ${answer.position} sur ${answer.waiting} de la liste d’attente (${day.label}).`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Le service n’a pas répondu.');
    } finally {
      setBusy(false);
    }
  };
  const first = position === 1;
  const last = position !== null && position >= c.waiting;
  return (
    <div class="waiting-actions">
      <span class="muted">Liste d’attente{position !== null ? `, rang ${position}` : ''}</span>
      <span class="waiting-buttons">
        <ConfirmButton
          id={`promouvoir-${row.registration_id}-${day.date}`}
          label="Promouvoir"
          ariaLabel={`Promouvoir : ${name}, ${day.label}`}
          title={`Promouvoir ${name}`}
          question={
            full ? (
              <p>
                {day.label} est complet ({c.confirmed} / {c.capacity}) : la place sera accordée <strong>au-delà de la capacité</strong> ({c.confirmed + 1} / {c.capacity}).
                {' '}{name} sera prévenu·e par courriel comme pour une place libérée.
              </p>
            ) : (
              <p>
                Une place est libre {`(${c.confirmed} / ${c.capacity ?? '∞'})`} : {name} la reçoit avant son tour et sera prévenu·e par courriel.
              </p>
            )
          }
          confirmLabel={full ? 'Promouvoir au-delà de la capacité' : 'Promouvoir'}
          onConfirm={async () => props.onDone(`${name} : ${(await promoteByHand(row.registration_id, item)).message}`)}
        />
        <button type="button" class="secondary" aria-label={`Monter : ${name}, ${day.label}`} aria-disabled={busy || first} onClick={() => position !== null && !first && moveTo(position - 1)}>
          <span aria-hidden="true">↑ </span>Monter
        </button>
        <button type="button" class="secondary" aria-label={`Descendre : ${name}, ${day.label}`} aria-disabled={busy || last} onClick={() => position !== null && !last && moveTo(position + 1)}>
          <span aria-hidden="true">↓ </span>Descendre
        </button>
      </span>
      {error ? (
        <span class="error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

function Registrations(props: { fill: MeetingFill; onPresence: (date: string, delta: number) => void; onWaitingChange: () => void }) {
  const { fill } = props;
  const [notice, setNotice] = useState('');
  const [reload, setReload] = useState(0);
  const [filter, setFilter] = useState<SearchFilter>({});
  const [rows, setRows] = useState<SearchRow[] | undefined>(undefined);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loadingMore, setLoadingMore] = useState(false);
  const round = useRef(0);

  useEffect(() => {
    const mine = ++round.current;
    const timer = setTimeout(() => {
      setError(undefined);
      searchRegistrations(meetingId, filter, null).then(
        (page) => {
          if (mine !== round.current) return;
          setRows(page.rows);
          setCursor(page.next_cursor);
        },
        (e: Error) => mine === round.current && setError(e),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [filter, reload]);

  const onWaitingDone = (message: string) => {
    setNotice(message);
    setReload((n) => n + 1);
    props.onWaitingChange();
  };

  const more = async () => {
    setLoadingMore(true);
    try {
      const page = await searchRegistrations(meetingId, filter, cursor);
      setRows((r) => [...(r ?? []), ...page.rows]);
      setCursor(page.next_cursor);
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoadingMore(false);
    }
  };

  const onChange = (row: SearchRow, date: string, at: string | null) => {
    const before = row.days.find((d) => d.date === date)?.checked_in_at ?? null;
    setRows((list) =>
      (list ?? []).map((r) => (r.registration_id === row.registration_id ? { ...r, days: r.days.map((d) => (d.date === date ? { ...d, checked_in_at: at } : d)) } : r)),
    );
    if ((before === null) !== (at === null)) props.onPresence(date, at === null ? -1 : 1);
  };

  const set = (key: keyof SearchFilter) => (e: Event) => setFilter((f) => ({ ...f, [key]: (e.currentTarget as HTMLInputElement).value }));

  return (
    <section aria-labelledby="inscrits">
      <h2 id="inscrits">Inscrit·es</h2>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field field-wide">
          <label for="q">Rechercher (nom, organisme, courriel)</label>
          <input id="q" type="search" value={filter.q ?? ''} onInput={set('q')} autocomplete="off" />
        </div>
        <div class="field">
          <label for="f-day">Jour</label>
          <select id="f-day" value={filter.day ?? ''} onChange={set('day')}>
            <option value="">Tous les jours</option>
            {fill.days.map((d) => (
              <option key={d.date} value={d.date}>
                {d.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-mode">Mode</label>
          <select id="f-mode" value={filter.mode ?? ''} onChange={set('mode')}>
            <option value="">Tous</option>
            <option value="onsite">Sur place</option>
            <option value="remote">À distance</option>
          </select>
        </div>
        <div class="field">
          <label for="f-status">Statut</label>
          <select id="f-status" value={filter.status ?? ''} onChange={set('status')}>
            <option value="">Inscriptions actives</option>
            <option value="confirmed">Confirmées</option>
            <option value="partial">Partielles</option>
            <option value="waiting">Liste d’attente</option>
            <option value="cancelled">Annulées</option>
          </select>
        </div>
        <div class="field">
          <label for="f-present">Présence</label>
          <select id="f-present" value={filter.checked_in ?? ''} onChange={set('checked_in')}>
            <option value="">Tout le monde</option>
            <option value="true">Présent·es</option>
            <option value="false">Pas encore arrivé·es</option>
          </select>
        </div>
      </form>
      {error ? <ErrorMessage error={error} /> : null}
      <p class="notice" aria-live="polite" data-testid="waiting-notice">
        {notice}
      </p>
      {rows === undefined ? (
        <Loading />
      ) : (
        <>
          <p role="status" class="result-count">
            {rows.length === 0 ? 'Aucune inscription trouvée.' : `${formatNumber(rows.length)} inscription${rows.length > 1 ? 's' : ''} affichée${rows.length > 1 ? 's' : ''}${cursor ? ' (il y en a d’autres)' : ''}.`}
          </p>
          {rows.length > 0 ? (
            <div class="table-scroll">
              <table class="registrations">
                <caption class="visually-hidden">Inscriptions de la réunion, avec la présence par jour</caption>
                <thead>
                  <tr>
                    <th scope="col">Nom et courriel</th>
                    <th scope="col">Organisme</th>
                    <th scope="col">Statut</th>
                    {fill.days.map((d) => (
                      <th key={d.date} scope="col">
                        {d.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.registration_id} data-registration={r.registration_id}>
                      <th scope="row">
                        <span class="row-name">{personName(r)}</span>
                        <span class="email">{r.email}</span>
                      </th>
                      <td>{r.organisation}</td>
                      <td>{STATUS_LABELS[r.status]}</td>
                      {fill.days.map((d) => {
                        const state = r.days.find((x) => x.date === d.date);
                        const waiting = state?.mode === 'onsite' && state.place === 'waiting' && state.checked_in_at === null;
                        return (
                          <td key={d.date}>
                            {waiting ? (
                              <WaitingActions row={r} day={d} position={state.waiting_position} onDone={onWaitingDone} />
                            ) : (
                              <PresentToggle row={r} day={d} timezone={fill.timezone} onChange={onChange} />
                            )}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {cursor ? (
            <button type="button" onClick={more} disabled={loadingMore}>
              {loadingMore ? 'Chargement…' : 'Afficher plus d’inscriptions'}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}

function MeetingPage() {
  const fill = useLoad(() => getFill(meetingId));
  const [attendance, setAttendance] = useState<Attendance[] | undefined>(undefined);
  useEffect(() => {
    // Who came per day (counted from the registrations by GET /admin/meetings/{id}): after the bars.
    api.get<{ counts: { attendance: Attendance[] } }>(base).then(
      (m) => setAttendance(m.counts.attendance),
      () => setAttendance(undefined),
    );
  }, []);
  const onPresence = (date: string, delta: number) =>
    setAttendance((list) => list?.map((a) => (a.date === date ? { ...a, checked_in: Math.max(0, a.checked_in + delta) } : a)));
  const title = fill.state === 'ok' ? fill.data.title : 'Réunion';
  return (
    <Layout title={title} current="/console/" wide>
      <Show value={fill}>
        {(f) => (
          <>
            <AttendanceLine attendance={attendance} />
            <div class="meeting-top">
              <FillLevels fill={f} />
              <Downloads fill={f} />
            </div>
            <Registrations fill={f} onPresence={onPresence} onWaitingChange={fill.reload} />
          </>
        )}
      </Show>
    </Layout>
  );
}

mount(<MeetingPage />);
