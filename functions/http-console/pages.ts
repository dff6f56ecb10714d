// The console's pages: which path opens which page (console/src/pages/<page>.tsx) and the title
// of its shell (the page sets the real one once its data is there). The server picks the shell
// here; the page reads its parameters from location.pathname. Add a page: a line here, its file
// in console/src/pages/ (a test checks both sides match).

export interface ConsolePageRoute {
  page: string;
  /** Under /console, `{name}` = one path segment: `/console/meetings/{meetingId}`. */
  path: string;
  title: string;
}

export const CONSOLE_PAGES: ConsolePageRoute[] = [
  { page: 'dashboard', path: '/console/', title: 'Tableau de bord' },
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
        .map((s) => (/^\{[A-Za-z0-9_]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/') +
      '/?$',
  ),
}));

/** The page a console path opens, or undefined (404). `/console` and `/console/` are the dashboard. */
export function pageFor(rawPath: string): ConsolePageRoute | undefined {
  const found = compiled.find((p) => p.regex.test(rawPath));
  return found ? { page: found.page, path: found.path, title: found.title } : undefined;
}
