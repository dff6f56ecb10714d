// The console's pages: which path opens which page (console/src/pages/<page>.tsx) and the title
// of its shell (the page sets the real one once its data is there). The server picks the shell
// here; the page reads its parameters from location.pathname. Add a page: a line here, its file
// in console/src/pages/ (a test checks both sides match).

export interface ConsolePageRoute {
  page: string;
  /** Under /console, `{name}` = one path segment: `/console/meetings/{meetingId}`. */
  path: string;
  title: string;
  /**
   * The page compiles WebAssembly (the door's QR reader ponyfill): its shell's CSP adds
   * `'wasm-unsafe-eval'` to script-src (WebAssembly only; JavaScript eval stays refused).
   */
  wasm?: true;
  /**
   * Admin reads the page makes at once (`/admin/meetings/{meetingId}/fill`, with the path's
   * parameters): the shell asks the browser to fetch them while the script loads
   * (`<link rel="preload" as="fetch">`); the page's own `api.get` of the same URL then takes the
   * preloaded answer.
   */
  preload?: string[];
}

export const CONSOLE_PAGES: ConsolePageRoute[] = [
  { page: 'dashboard', path: '/console/', title: 'Tableau de bord', preload: ['/admin/meetings', '/admin/campaigns', '/admin/surveys', '/admin/session-series'] },
  { page: 'meeting', path: '/console/meetings/{meetingId}', title: 'Réunion', preload: ['/admin/meetings/{meetingId}/fill'] },
  { page: 'door', path: '/console/meetings/{meetingId}/check-in', title: 'Accueil', wasm: true, preload: ['/admin/meetings/{meetingId}/fill'] },
  { page: 'check-in', path: '/console/check-in/{token}', title: 'Accueil' },
  { page: 'campaign', path: '/console/campaigns/{campaignId}', title: 'Campagne' },
  { page: 'projector', path: '/console/campaigns/{campaignId}/projector', title: 'Projection du vote' },
  { page: 'survey', path: '/console/surveys/{surveyId}', title: 'Enquête' },
  { page: 'sessions', path: '/console/sessions', title: 'Séances en ligne' },
];

const compiled = CONSOLE_PAGES.map((p) => ({
  ...p,
  regex: new RegExp(
    '^' +
      p.path
        .replace(/\/$/, '')
        .split('/')
        .map((s) => {
          const param = /^\{([A-Za-z0-9_]+)\}$/.exec(s);
          return param ? `(?<${param[1]}>[^/]+)` : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/') +
      '/?$',
  ),
}));

/**
 * The page a console path opens with its parameters (as sent, still percent-encoded), or
 * undefined (404). `/console` and `/console/` are the dashboard.
 */
export function pageFor(rawPath: string): (ConsolePageRoute & { params: Record<string, string> }) | undefined {
  for (const { regex, ...page } of compiled) {
    // Every field of the entry (flags other branches add included), and the path's parameters.
    const match = regex.exec(rawPath);
    if (match) return { ...page, params: { ...match.groups } };
  }
  return undefined;
}

/** The page's preloaded reads with its parameters filled in; a parameter that is not a plain id preloads nothing. */
export function preloadsOf(page: { preload?: string[]; params: Record<string, string> }): string[] {
  return (page.preload ?? []).flatMap((template) => {
    let ok = true;
    const url = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
      const value = page.params[name] ?? '';
      if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(value)) ok = false;
      return value;
    });
    return ok ? [url] : [];
  });
}
