// The badges PDF (GET /admin/meetings/{meetingId}/badges.pdf), a function of its own: the PDF
// engine is a chunk beside the bundle (shared/lambda/badge-engine.ts), never loaded by http-admin.
import * as z from 'zod';
import { createBadgesContext } from '#shared/contexts/badges.ts';
import { MeetingIdSchema } from '#shared/domain/meetings/schema.ts';
import { RegistrationIdSchema } from '#shared/domain/registrations/schema.ts';
import { loadBadgeEngine } from '#shared/lambda/badge-engine.ts';
import { binary, httpApi, route } from '#shared/lambda/http.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { zBool, zDate, zEnum, zOptional } from '#shared/publik/coerce.ts';

const ctx = createServiceContext();
const { badges } = createBadgesContext(ctx);

// Started at init, in the background: the function serves nothing else, and Lambda runs init
// at full CPU. A failure is retried by the first request (loadBadgeEngine forgets it).
loadBadgeEngine().catch(() => undefined);

const BadgesQuery = z
  .object({
    day: zOptional(zDate()),
    registration: zOptional(RegistrationIdSchema.shape.registrationId),
    reissue: zOptional(zBool()),
    sort: zOptional(zEnum(['name', 'organisation'], 'le tri')),
    layout: zOptional(zEnum(['a4', 'a6'], 'la mise en page')),
  })
  .superRefine((q, issue) => {
    // A new token for everyone at once would void every badge printed so far: one person only.
    if (q.reissue === true && q.registration === undefined) {
      issue.addIssue({ code: 'custom', path: ['reissue'], message: 'reissue=true réimprime le badge d’une personne : précisez registration.' });
    }
  });

export const routes = [
  route({
    method: 'GET',
    path: '/admin/meetings/{meetingId}/badges.pdf',
    auth: 'admin',
    params: MeetingIdSchema,
    query: BadgesQuery,
    // A reissue voids the old badge (a write): recorded under the registration's id.
    audit: { action: 'badge.reissue', when: ({ query }) => query.reissue === true, target: ({ query }) => query.registration },
    handle: async ({ params, query }) => {
      // The data first: an unknown meeting or a bad day is answered whatever the engine's state.
      const print = await badges.prepare(params.meetingId, {
        day: query.day,
        registrationId: query.registration,
        reissue: query.reissue === true,
        sort: query.sort,
        layout: query.layout,
      });
      const engine = await loadBadgeEngine();
      const pdf = await engine.render(print, engine.fonts);
      return binary(Buffer.from(pdf), 'application/pdf', print.filename);
    },
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
