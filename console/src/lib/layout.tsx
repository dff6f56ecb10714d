// The frame of every page: skip link, header (club, who is signed in, logout), nav, main with
// the page's one h1. Landmarks and French labels as the contract asks.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getSession, type SessionInfo } from './api.ts';

export interface NavItem {
  href: string;
  label: string;
}

/** The main navigation; pages added later append here. */
export const NAV: NavItem[] = [
  { href: '/console/', label: 'Tableau de bord' },
  { href: '/console/sessions', label: 'Séances en ligne' },
];

export function Layout(props: { title: string; children: ComponentChildren; current?: string; wide?: boolean }) {
  const [who, setWho] = useState<SessionInfo | undefined>(undefined);
  useEffect(() => {
    document.title = `${props.title} — Console du club`;
  }, [props.title]);
  useEffect(() => {
    getSession().then(setWho, () => setWho(undefined));
  }, []);
  const current = props.current ?? location.pathname;
  return (
    <>
      <a class="skip-link" href="#contenu">
        Aller au contenu
      </a>
      <header class="site-header">
        <a class="brand" href="/console/">
          Club utilisateurs Publik
        </a>
        <nav aria-label="Navigation principale">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={current === item.href ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          {who ? <span class="who-name">{who.name || 'Organisateur'}</span> : null}
          <form method="post" action="/console/logout">
            <button type="submit" class="link-button">
              Se déconnecter
            </button>
          </form>
        </div>
      </header>
      <main id="contenu" tabIndex={-1} class={props.wide ? 'wide' : undefined}>
        <h1>{props.title}</h1>
        {props.children}
      </main>
    </>
  );
}
