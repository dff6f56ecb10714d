// Personal data under /admin (organisers only): what a retention purge at an instant would
// change and running it now, and a person's access and erasure requests by email (in the body,
// never in a URL). A function of its own, light, apart from http-admin.
import { createPeopleContext } from '#shared/contexts/people.ts';
import { ErasureRequestSchema, PersonRequestSchema, RetentionQuerySchema } from '#shared/domain/people/schema.ts';
import { httpApi, publikOk, route } from '#shared/lambda/http.ts';
import { countsOf, listCounts } from '#shared/lambda/audit-fields.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';

const ctx = createServiceContext();
const { retention, people } = createPeopleContext(ctx);

/** A run started by hand stops before the HTTP API's 30 s limit; the rest is left for the next. */
const RUN_BUDGET_MS = 20_000;

export const routes = [
  route({
    method: 'GET',
    path: '/admin/retention',
    auth: 'admin',
    query: RetentionQuerySchema,
    handle: async ({ query, now }) => publikOk(await retention.report(query.at === undefined ? now : new Date(query.at))),
  }),
  route({
    method: 'POST',
    path: '/admin/retention/run',
    auth: 'admin',
    audit: { action: 'retention.run', counts: (data) => countsOf(data, undefined, 'counts') },
    handle: async ({ now }) => publikOk(await retention.run(now, { deadline: Date.now() + RUN_BUDGET_MS })),
  }),
  route({
    method: 'POST',
    path: '/admin/people/export',
    auth: 'admin',
    body: PersonRequestSchema,
    // Counts of what was found only: never the email, nor any item.
    audit: { action: 'people.export', counts: (data) => listCounts(data) },
    handle: async ({ body, now }) => publikOk(await people.export(body.email, now)),
  }),
  route({
    method: 'POST',
    path: '/admin/people/erase',
    auth: 'admin',
    body: ErasureRequestSchema,
    // A dry run is recorded too (it tells what is held about someone), as `dry_run: 1`.
    audit: {
      action: 'people.erase',
      counts: (data) => ({ ...countsOf(data, undefined, 'counts'), dry_run: (data as { dry_run?: boolean }).dry_run ? 1 : 0 }),
    },
    handle: async ({ body, now }) => publikOk({ dry_run: !body.confirm, counts: await people.erase(body.email, body.confirm, now) }),
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
