// The OpenAPI description of the console's routes (shared/openapi/route-doc.ts): pages for a
// person, the sign-in redirects, and the one JSON route (who is signed in).
import * as z from 'zod';
import type { RouteDocs } from '#shared/openapi/route-doc.ts';

const TAG = 'Console';
// Operators declare the client and deploy the console there; docs/console.md describes it for developers.
const GUIDE = 'docs/operations.md#the-organisers-console';
const page = { type: 'text/html', description: 'a page of the console', jsonToo: false } as const;
const HTML = ['text/html'] as const;
const REDIRECT = ['text/plain'] as const;
const toSignIn = { '302': { description: 'No valid session: to /console/login?return=<path>', media: REDIRECT } };
const pageErrors = {
  '404': { description: 'No such page or asset', media: ['text/html', 'text/plain'] },
  '500': { description: 'The console is not built or not configured', media: ['application/json'] },
};

export const ConsoleSessionSchema = z.object({
  sub: z.string().meta({ description: 'The provider\'s subject of the organiser (never their email).' }),
  name: z.string(),
  organiser: z.boolean(),
});

export const docs: RouteDocs = {
  'GET /console': {
    operationId: 'getConsole',
    tag: TAG,
    summary: 'The console\'s dashboard page (redirects to sign in without a session)',
    otherMedia: page,
    otherResponses: { ...toSignIn, ...pageErrors },
    guide: GUIDE,
  },
  'GET /console/{proxy+}': {
    operationId: 'getConsolePage',
    tag: TAG,
    summary: 'A page of the console, or one of its fingerprinted assets (immutable)',
    otherMedia: { type: 'text/html', description: 'a page of the console; its assets are text/javascript or text/css', jsonToo: false },
    otherResponses: { ...toSignIn, ...pageErrors },
    guide: GUIDE,
  },
  'GET /console/login': {
    operationId: 'consoleLogin',
    tag: TAG,
    summary: 'Starts signing in with the Publik account (OpenID Connect code flow with PKCE): a redirect to the provider',
    successStatuses: [302],
    otherResponses: { '302': { description: 'To the provider\'s authorisation endpoint', media: REDIRECT }, '503': { description: 'Signing in is not configured', media: HTML } },
    guide: GUIDE,
  },
  'GET /console/callback': {
    operationId: 'consoleCallback',
    tag: TAG,
    summary: 'The provider\'s redirect back: sets the session cookie for an organiser, answers the 403 page to anyone else',
    successStatuses: [302],
    otherResponses: {
      '302': { description: 'Signed in: to the page asked for', media: REDIRECT },
      '400': { description: 'The sign-in failed (expired, altered, refused by the provider): a page to start again', media: HTML },
      '403': { description: '« Accès réservé aux organisateurs du club »: signed in, not an organiser; no session', media: HTML },
      '503': { description: 'Signing in is not configured', media: HTML },
    },
    guide: GUIDE,
  },
  'POST /console/logout': {
    operationId: 'consoleLogout',
    tag: TAG,
    summary: 'Ends the console session, then the provider\'s when it has an end-session endpoint',
    successStatuses: [303],
    otherResponses: { '303': { description: 'To the provider\'s end-session endpoint, or to /console/', media: REDIRECT } },
    guide: GUIDE,
  },
  'GET /console/session': {
    operationId: 'getConsoleSession',
    tag: TAG,
    summary: 'Who is signed in to the console (the session cookie); 401 without a session',
    data: ConsoleSessionSchema,
    otherResponses: { '401': { description: 'No valid session', media: ['application/json'] } },
    guide: GUIDE,
  },
};
