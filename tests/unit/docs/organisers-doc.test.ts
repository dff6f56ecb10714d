// docs/organisers.md is the organisers' guide: its route table must name every /admin route the
// service serves, and its example bodies must still be accepted by the schemas the handlers
// parse with (a renamed or newly required field fails here, not in an organiser's terminal).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { httpFunctions } from '#functions/manifest.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';
import { SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { CampaignInputSchema } from '#shared/domain/votes/schema.ts';

const doc = readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'docs', 'organisers.md'), 'utf8');

const BODY_SCHEMAS: Record<string, z.ZodType> = {
  'PUT /admin/meetings/{meetingId}': MeetingInputSchema,
  'PUT /admin/campaigns/{campaignId}': CampaignInputSchema,
  'PUT /admin/surveys/{surveyId}': SurveyInputSchema,
  'PUT /admin/session-series/{seriesId}': SeriesInputSchema,
};

/** `<!-- request-body: PUT /admin/… -->` followed by a ```json block → route key → parsed JSON. */
function exampleBodies(text: string): Map<string, unknown> {
  const bodies = new Map<string, unknown>();
  for (const m of text.matchAll(/<!-- request-body: ([A-Z]+ \S+) -->\n```json\n([\s\S]*?)\n```/g)) {
    bodies.set(m[1] as string, JSON.parse(m[2] as string));
  }
  return bodies;
}

/** Route keys of the annex table (`| GET | \`/admin/…\` | …`). */
function annexRoutes(text: string): string[] {
  const annex = text.slice(text.indexOf('## Annexe'));
  return [...annex.matchAll(/^\| (GET|PUT|POST|DELETE|PATCH) \| `(\/admin\/[^`]+)` \|/gm)].map((m) => `${m[1]} ${m[2]}`);
}

describe('docs/organisers.md', () => {
  it('lists every /admin route of the manifest, and no other', () => {
    const adminRoutes = httpFunctions.flatMap((f) => f.routes).filter((r) => r.split(' ')[1]?.startsWith('/admin/'));
    expect(adminRoutes.length).toBeGreaterThan(0);
    expect([...annexRoutes(doc)].sort()).toEqual([...adminRoutes].sort());
  });

  it('has an example body for each definition an organiser writes', () => {
    expect([...exampleBodies(doc).keys()].sort()).toEqual(Object.keys(BODY_SCHEMAS).sort());
  });

  it.each(Object.entries(BODY_SCHEMAS))('its example body for %s is accepted as it is', (route, schema) => {
    const body = exampleBodies(doc).get(route);
    const result = schema.safeParse(body);
    expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
  });

  it('would notice a body the schema refuses', () => {
    const broken = doc.replace('"onsite_capacity": 3', '"onsite_capacity": -3');
    const result = MeetingInputSchema.safeParse(exampleBodies(broken).get('PUT /admin/meetings/{meetingId}'));
    expect(result.success).toBe(false);
  });

  it('would notice a route missing from its table', () => {
    const without = doc.replace(/^\| POST \| `\/admin\/campaigns\/\{campaignId\}\/recount` \|.*\n/m, '');
    expect(annexRoutes(without)).not.toContain('POST /admin/campaigns/{campaignId}/recount');
    expect(annexRoutes(doc)).toContain('POST /admin/campaigns/{campaignId}/recount');
  });
});
