// `npm start`: the whole backend on this machine (see scripts/local/runtime.ts), with the demo
// meeting created through the real admin route, and a banner of ready-to-paste commands.
//   npm start                    persistent data in .local/data/dynamodb
//   npm start -- --in-memory     fresh data every time (or LOCAL_IN_MEMORY=1)
//   PORT=3001 npm start          another port (default 3000)
//   npm start -- --no-seed       do not (re)create the demo meeting
//   npm start -- --quiet         no access log
import { parseArgs } from 'node:util';
import { signUrl } from '#shared/publik/signature.ts';
import { demoMeeting } from './local/demo-meeting.ts';
import { DEMO_SERIES_ID, demoFirstReminderAt, demoSubscription } from './local/demo-sessions.ts';
import { DEMO_SURVEY_ID, demoSurveyResponse } from './local/demo-surveys.ts';
import { startLocalRuntime, type LocalRuntime } from './local/runtime.ts';

// The SDK warns on every start that it will drop Node 20 in 2027; known, see the handbook.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const { values } = parseArgs({
  options: {
    'in-memory': { type: 'boolean', default: false },
    port: { type: 'string' },
    'no-seed': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: false,
});

if (values.help) {
  console.log('Usage: npm start [-- --in-memory] [--port N] [--no-seed] [--quiet]   (env: PORT, LOCAL_IN_MEMORY=1)');
  process.exit(0);
}

const inMemory = values['in-memory'] || ['1', 'true', 'yes'].includes((process.env['LOCAL_IN_MEMORY'] ?? '').toLowerCase());
const portText = values.port ?? process.env['PORT'] ?? '3000';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid port "${portText}"`);
  process.exit(2);
}

/** A registration body for the demo meeting, as a w.c.s. form would send it. */
function demoRegistration(n: number) {
  const days = demoMeeting(new Date()).body.days;
  return {
    form_uuid: `demo-form-${n}`,
    email: `personne${n}@example.org`,
    first_name: 'Camille',
    last_name: `Exemple ${n}`,
    organisation: 'Ville de Villejuif',
    onsite_days: [days[0]?.date],
    evening_event: true,
    image_rights: 'accepted',
  };
}

/** The demo campaign: open the vote, cast the ballot of the person registered above, read the results. */
function votesBanner(rt: LocalRuntime): string[] {
  const v = rt.votesSeed;
  if (!v) return [];
  if (!v.ok) return [`  # !! seeding the demo campaign failed: ${v.error ?? 'unknown error'}`];
  const base = `${rt.baseUrl}/campaigns/${v.campaignId}`;
  return [
    `  # the demo campaign "${v.campaignId}" (3 proposals, ${v.proposals[0]} eligible): open the vote, then vote`,
    '  # with the email registered above, replace the ballot by voting again, and read the live results:',
    `  curl -s -X POST -H ${q(`Authorization: Bearer ${rt.adminToken}`)} ${rt.baseUrl}/admin/campaigns/${v.campaignId}/open`,
    `  curl -s -X POST -H 'Content-Type: application/json' "$(npm run -s sign -- ${q(`${base}/ballots`)})" \\`,
    `    -d ${q(JSON.stringify({ form_uuid: 'demo-ballot-1', email: demoRegistration(1).email, choices: v.proposals.slice(0, 1) }))}`,
    `  curl -s "$(npm run -s sign -- ${q(`${base}/results`)})"`,
  ];
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function banner(rt: LocalRuntime, seconds: number): string {
  const workshops = `${rt.baseUrl}/meetings/club-12/workshops`;
  const signed = signUrl(workshops, rt.keys.key, { orig: rt.keys.orig });
  const lines = [
    '',
    `publik-club is running locally (ready in ${seconds.toFixed(1)} s${inMemory ? ', in-memory data' : ', data kept in .local/data/dynamodb'})`,
    '',
    `  Base URL            ${rt.baseUrl}`,
    `  API reference       ${rt.baseUrl}/docs   (OpenAPI 3.1: ${rt.baseUrl}/openapi.json)`,
    `  Organisers' console ${rt.baseUrl}/console/`,
    '  Signature keys (development only; PUBLIK_SIGNATURE_KEYS / PUBLIK_DEFAULT_SIGNATURE_KEY override them)',
    ...Object.entries(rt.keys.signatureKeys).map(([orig, key]) => `    orig=${orig.padEnd(24)} ${key}`),
    `    without orig (default)       ${rt.keys.defaultKey}`,
    `  Admin token         ${rt.adminToken}   (ADMIN_TOKENS overrides it)`,
    `  Tables              ${rt.tables.DataTable}, ${rt.tables.NonceTable}`,
    `  DynamoDB Local      ${rt.endpoints.dynamodb}`,
    `  SQS (fauxqs)        ${rt.endpoints.sqs}`,
    `  SES (emulator)      ${rt.endpoints.ses}   (web page listing the emails)`,
    `  Emails as JSON      ${rt.baseUrl}/__local/emails`,
    '',
    rt.seed
      ? rt.seed.ok
        ? `Demo meeting "${rt.seed.meetingId}" created/updated through PUT /admin/meetings/${rt.seed.meetingId} (HTTP ${rt.seed.status}).`
        : `!! Seeding the demo meeting failed (HTTP ${rt.seed.status}): ${rt.seed.body.slice(0, 2000)}`
      : 'Demo meeting not seeded (--no-seed).',
    ...(rt.sessionsSeed
      ? [rt.sessionsSeed.ok
          ? `Demo session series "${DEMO_SERIES_ID}" (2nd Tuesday of each quarter, 14:00 Paris) with 3 subscribers.`
          : `!! Seeding the demo session series failed: ${rt.sessionsSeed.detail}`]
      : []),
    ...(rt.surveySeed
      ? [
          rt.surveySeed.ok
            ? `Demo survey "${rt.surveySeed.surveyId}" created/updated through PUT /admin/surveys/${rt.surveySeed.surveyId} (HTTP ${rt.surveySeed.status}).`
            : `!! Seeding the demo survey failed (HTTP ${rt.surveySeed.status}): ${rt.surveySeed.body.slice(0, 2000)}`,
        ]
      : []),
    ...(rt.loadErrors.length > 0 ? [`!! Could not load: ${rt.loadErrors.map((e) => e.name).join(', ')} (see the errors above).`] : []),
    '',
    'Try it (a signature is valid 30 s, as in w.c.s.):',
    `  curl -s ${q(signed)}`,
    '  # a fresh signature every time:',
    `  curl -s "$(npm run -s sign -- ${q(workshops)})"`,
    '  # register someone (change form_uuid and email to add people: day 1 has 4 places and the',
    '  # evening 3, both with a waiting list; a cancellation promotes the first person waiting):',
    `  curl -s -X POST -H 'Content-Type: application/json' "$(npm run -s sign -- ${q(`${rt.baseUrl}/meetings/club-12/registrations`)})" \\`,
    `    -d ${q(JSON.stringify(demoRegistration(1)))}`,
    '  # cancel it (registration_id from the answer):',
    `  curl -s -X POST "$(npm run -s sign -- ${rt.baseUrl}/registrations/<registration_id>/cancel)"`,
    '  # online sessions: the data source, then subscribe someone (the answer has the unsubscribe_url):',
    `  curl -s "$(npm run -s sign -- ${q(`${rt.baseUrl}/sessions?series=${DEMO_SERIES_ID}`)})"`,
    `  curl -s -X POST -H 'Content-Type: application/json' "$(npm run -s sign -- ${q(`${rt.baseUrl}/sessions/subscriptions`)})" \\`,
    `    -d ${q(JSON.stringify(demoSubscription(1)))}`,
    `  curl -s -H ${q(`Authorization: Bearer ${rt.adminToken}`)} ${rt.baseUrl}/admin/session-series`,
    '  # the first session reminder (7 days before, 09:00 Paris) to the subscribers, then read the emails:',
    `  npm run tick -- --at ${demoFirstReminderAt(new Date())}`,
    `  curl -s ${rt.baseUrl}/__local/emails`,
    ...votesBanner(rt),
    '  # answer the demo survey as the person registered above (anonymous; a second form is refused):',
    `  curl -s -X POST -H 'Content-Type: application/json' "$(npm run -s sign -- ${q(`${rt.baseUrl}/surveys/${DEMO_SURVEY_ID}/responses`)})" \\`,
    `    -d ${q(JSON.stringify(demoSurveyResponse(1)))}`,
    '  # its results (statistics, breakdowns; ?format=csv for one line per response):',
    `  curl -s -H ${q(`Authorization: Bearer ${rt.adminToken}`)} ${rt.baseUrl}/admin/surveys/${DEMO_SURVEY_ID}/results`,
    '  # admin API:',
    `  curl -s -H ${q(`Authorization: Bearer ${rt.adminToken}`)} ${rt.baseUrl}/admin/meetings`,
    '  # the badges of the people registered on site (A4, 8 per sheet; ?layout=a6, ?day=, ?sort=organisation),',
    '  # then check someone in with the token their QR code carries (…/console/check-in/<token>):',
    `  curl -s -o badges-club-12.pdf -H ${q(`Authorization: Bearer ${rt.adminToken}`)} ${rt.baseUrl}/admin/meetings/club-12/badges.pdf`,
    `  curl -s -X POST -H ${q(`Authorization: Bearer ${rt.adminToken}`)} -H 'Content-Type: application/json' ${rt.baseUrl}/admin/check-in/<token> -d '{"day": "<YYYY-MM-DD>"}'`,
    '  # emails sent so far, scheduled functions at a chosen instant:',
    `  curl -s ${rt.baseUrl}/__local/emails`,
    `  npm run tick -- --at ${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  return lines.join('\n');
}

let runtime: LocalRuntime | undefined;
let shuttingDown = false;

async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) {
    console.error(`\n${signal} again: exiting now.`);
    process.exit(1); // the exit hook still kills DynamoDB Local
  }
  shuttingDown = true;
  console.log(`\n${signal}: stopping...`);
  try {
    await runtime?.stop();
  } finally {
    process.exit(0);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  runtime = await startLocalRuntime({ port, inMemory, seed: !values['no-seed'], quiet: values.quiet });
  if (shuttingDown) {
    await runtime.stop();
  } else {
    console.log(banner(runtime, process.uptime()));
  }
} catch (error) {
  console.error(`\nCould not start the local runtime:\n${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
