// The console's page table (functions/http-console/pages.ts): each entry has its source file and
// each source file its entry; paths open the right page with their parameters; preloads only
// ever carry plain ids.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_PAGES, pageFor, preloadsOf } from '#functions/http-console/pages.ts';

describe('the console pages', () => {
  it('match the entries of console/src/pages one to one', () => {
    const files = readdirSync(new URL('../../../console/src/pages/', import.meta.url)).filter((f) => f.endsWith('.tsx')).map((f) => f.slice(0, -4));
    expect(CONSOLE_PAGES.map((p) => p.page).sort()).toEqual(files.sort());
  });

  it('open the dashboard at /console and /console/, nothing for an unknown path', () => {
    expect(pageFor('/console')?.page).toBe('dashboard');
    expect(pageFor('/console/')?.page).toBe('dashboard');
    expect(pageFor('/console/nowhere/at/all')).toBeUndefined();
  });

  it('fill a preload with the path\'s parameters, and preload nothing for an odd one', () => {
    const page = { preload: ['/admin/meetings/{meetingId}/fill'], params: { meetingId: 'club-12' } };
    expect(preloadsOf(page)).toEqual(['/admin/meetings/club-12/fill']);
    expect(preloadsOf({ ...page, params: { meetingId: '..%2Fadmin' } })).toEqual([]);
    expect(preloadsOf({ ...page, params: { meetingId: 'a"><script>' } })).toEqual([]);
    expect(preloadsOf({ ...page, params: { meetingId: '..' } })).toEqual([]);
  });
});
