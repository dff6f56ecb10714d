// Dashboard (`/console/`): what is coming, at a glance; each item links to its page.
import { api } from '../lib/api.ts';
import { Show } from '../lib/components.tsx';
import { formatDay } from '../lib/format.ts';
import { useLoad } from '../lib/hooks.ts';
import { Layout } from '../lib/layout.tsx';
import { mount } from '../lib/mount.tsx';

interface MeetingSummary {
  id: string;
  title: string;
  days?: Array<{ date: string }>;
}

function Dashboard() {
  const meetings = useLoad(() => api.get<MeetingSummary[]>('/admin/meetings'));
  return (
    <Layout title="Tableau de bord" current="/console/">
      <section aria-labelledby="rencontres">
        <h2 id="rencontres">Rencontres</h2>
        <Show value={meetings}>
          {(list) =>
            list.length === 0 ? (
              <p>Aucune rencontre.</p>
            ) : (
              <ul class="cards">
                {list.map((m) => (
                  <li key={m.id} class="card">
                    <h3>
                      <a href={`/console/meetings/${encodeURIComponent(m.id)}`}>{m.title}</a>
                    </h3>
                    {m.days && m.days.length > 0 ? <p>{m.days.map((d) => formatDay(d.date)).join(', ')}</p> : null}
                  </li>
                ))}
              </ul>
            )
          }
        </Show>
      </section>
    </Layout>
  );
}

mount(<Dashboard />);
