// The console's room pages in headless Chromium (issue 18): the campaign page shows the API's
// figures and drives open / close / recount through its confirmation dialogs with the keyboard;
// a ballot cast as w.c.s. casts it (signed) reaches the projector within 6 s without a reload;
// the survey page shows its figures, a suppressed group as "moins de N réponses" and the
// comparison; the sessions page moves an occurrence, and the update emails go out. Charts'
// text alternatives equal their bars; axe-core finds nothing serious on any page.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolePageAs, expectNoSeriousA11yViolations, shoot, SCREENSHOT_DIR, startConsoleStack, UPDATE_SCREENSHOTS, type ConsoleStack } from './support/console.ts';

let stack: ConsoleStack;
const MEETING = 'club-salle';
const CAMPAIGN = 'evol-salle';
const ORGS = ['Ville de Villejuif', 'Métropole de Lyon', 'Ville de Nancy', 'Département du Nord', 'Ville de Metz'];
const past = new Date(Date.now() - 86_400_000).toISOString();
const future = new Date(Date.now() + 30 * 86_400_000).toISOString();

async function admin<T = any>(path: string, method = 'GET', json?: unknown): Promise<T> {
  const res = await stack.fetchAdmin(path, { method, json });
  const body = (await res.json()) as { err: number; data: T; err_class?: string };
  if (!res.ok || body.err !== 0) throw new Error(`${method} ${path}: ${res.status} ${body.err_class ?? ''}`);
  return body.data;
}
async function signed(path: string, json: unknown): Promise<any> {
  const res = await stack.fetchSigned(path, { method: 'POST', json });
  const body = (await res.json()) as { err: number; data: any; err_class?: string };
  if (body.err !== 0) throw new Error(`POST ${path}: ${res.status} ${body.err_class ?? ''}`);
  return body.data;
}

/** Presses Tab until the focused element is the control named `name` (keyboard only). */
async function tabTo(page: Page, name: string | RegExp, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate<string>(`(() => {
      const el = document.activeElement;
      if (!el) return '';
      const id = el.getAttribute('id');
      const forLabel = id ? document.querySelector('label[for="' + id + '"]')?.textContent : null;
      const wrapping = el.closest('label')?.textContent;
      return (el.getAttribute('aria-label') ?? forLabel ?? wrapping ?? el.textContent ?? '').trim();
    })()`);
    if (typeof name === 'string' ? label === name : name.test(label)) return;
  }
  throw new Error(`no focusable control named ${String(name)} within ${max} Tab presses`);
}

/** The figures a chart's bars are drawn from, and those its table states, in order. */
async function chartFigures(page: Page, chart: string) {
  return page.locator(chart).first().evaluate((fig) => ({
    bars: [...fig.querySelectorAll('.chart-row')].map((r) => Number((r as any).dataset['value'])),
    widths: [...fig.querySelectorAll('.chart-fill')].map((f) => (f as any).style.width),
    table: [...fig.querySelectorAll('tbody tr td:first-of-type')].map((td) => Number((td.textContent ?? '').replace(/[\s\u202f\u00a0]/g, '').match(/^\d+/)?.[0])),
  }));
}

let proposals: string[] = [];

beforeAll(async () => {
  stack = await startConsoleStack();
  await admin(`/admin/meetings/${MEETING}`, 'PUT', {
    title: 'Club en salle',
    venue: 'Villejuif',
    registration_opens_at: past,
    registration_closes_at: future,
    days: [{ date: '2030-06-07', onsite_capacity: 50, waiting_list: false }],
  });
  // Five people on site, two remote: with groups of at least 3, the remote group is suppressed.
  for (let i = 0; i < 7; i++) {
    await signed(`/meetings/${MEETING}/registrations`, {
      form_uuid: `salle-reg-${i}`, email: `agent${i}@example.org`, last_name: `Agent${i}`, organisation: ORGS[i % ORGS.length],
      ...(i < 5 ? { onsite_days: '2030-06-07' } : { remote_days: '2030-06-07' }), profile: i % 2 === 0 ? 'expert' : 'newcomer',
    });
  }
  await admin(`/admin/campaigns/${CAMPAIGN}`, 'PUT', {
    title: 'Évolutions en salle', proposals_open_at: past, proposals_close_at: future, supporters_needed: 2, method: 'approval',
    max_choices: 2, min_choices: 1, retain: 1, results_visibility: 'live', electorate: ORGS,
  });
  proposals = [];
  for (const [i, title] of ['Agenda partagé', 'Export tableur', 'Cartes des équipements'].entries()) {
    const p = await signed('/proposals', {
      form_uuid: `salle-prop-${i}`, campaign_id: CAMPAIGN, title, description: 'Pouvoir le faire.', use_case: `Cas d’usage ${i}`,
      organisation: ORGS[i], email: `prop${i}@example.org`,
    });
    proposals.push(p.proposal_id);
    if (i < 2) await signed(`/proposals/${p.proposal_id}/cosignatures`, { form_uuid: `salle-co-${i}`, email: `co${i}@example.org`, organisation: ORGS[i + 1] });
  }
  // Two surveys on the meeting: the previous one and this one, for the comparison.
  const survey = (title: string) => ({
    meeting_id: MEETING, title, opens_at: past, closes_at: future, eligibility: 'registered', min_group_size: 3,
    questions: [
      { id: 'global', type: 'rating', label: 'Note globale du club', required: true },
      { id: 'recommande', type: 'nps', label: 'Recommanderiez-vous le club ?', required: true },
      { id: 'format', type: 'single', label: 'Le format qui vous convient', options: [{ id: 'sur-place', text: 'Sur place' }, { id: 'distance', text: 'À distance' }] },
      { id: 'remarques', type: 'text', label: 'Vos remarques' },
    ],
  });
  await admin('/admin/surveys/salle-avis-avant', 'PUT', survey('Avis du club précédent'));
  await admin('/admin/surveys/salle-avis', 'PUT', { ...survey('Votre avis sur le club en salle'), previous_survey_id: 'salle-avis-avant' });
  for (let i = 0; i < 3; i++) {
    await signed('/surveys/salle-avis-avant/responses', { form_uuid: `avant-${i}`, email: `agent${i}@example.org`, answers: { global: 3, recommande: 6 } });
  }
  for (let i = 0; i < 7; i++) {
    await signed('/surveys/salle-avis/responses', {
      form_uuid: `avis-${i}`, email: `agent${i}@example.org`,
      answers: { global: 3 + (i % 3), recommande: [5, 6, 7, 8, 9, 10, 3][i], format: i < 5 ? 'sur-place' : 'distance', remarques: `Remarque numéro ${i}` },
    });
  }
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('campaign page', () => {
  it('shows the proposals as the API has them, then opens, ranks, recounts and closes through its dialogs, keyboard only', async () => {
    const { context, page, errors } = await consolePageAs(stack, 'organiser');
    await page.goto(`${stack.baseUrl}/console/campaigns/${CAMPAIGN}`);
    await page.getByRole('heading', { level: 1, name: 'Évolutions en salle' }).waitFor();
    const api = await admin<any[]>(`/admin/campaigns/${CAMPAIGN}/proposals`);
    const rows = page.getByRole('table', { name: 'Propositions de la campagne' }).locator('tbody tr');
    expect(await rows.count()).toBe(api.length);
    for (const [i, p] of api.entries()) {
      const text = await rows.nth(i).textContent();
      expect(text).toContain(p.title);
      expect(text).toContain(p.organisation);
      expect(text).toContain(p.use_case);
      expect(text).toContain(`${p.supporters} / ${p.supporters_needed}`);
      expect(text).toContain(p.status === 'eligible' ? 'Éligible' : 'En attente de soutiens');
    }
    expect(await page.getByRole('button', { name: 'Clore le vote' }).isDisabled()).toBe(true);
    await expectNoSeriousA11yViolations(page, 'campaign before the vote');

    // Open, keyboard only: Tab to the button, Enter, the dialog takes the focus, Enter confirms.
    await tabTo(page, 'Ouvrir le vote');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Ouvrir le vote maintenant ?' });
    await dialog.waitFor();
    await expectNoSeriousA11yViolations(page, 'open dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await admin(`/admin/campaigns/${CAMPAIGN}/results`)).vote_status).toBe('not-open');
    await page.keyboard.press('Enter'); // the focus came back to the button
    await dialog.waitFor();
    await tabTo(page, 'Ouvrir le vote'); // the dialog's confirm button, focus trapped in the dialog
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Vote ouvert', { exact: true }).waitFor();
    expect((await admin(`/admin/campaigns/${CAMPAIGN}/results`)).vote_status).toBe('open');

    // Two ballots, as w.c.s. casts them; the page refreshes itself every 5 s.
    await signed(`/campaigns/${CAMPAIGN}/ballots`, { form_uuid: 'salle-b0', email: 'v0@example.org', organisation: ORGS[0], choices: [proposals[1]] });
    await signed(`/campaigns/${CAMPAIGN}/ballots`, { form_uuid: 'salle-b1', email: 'v1@example.org', organisation: ORGS[1], choices: [proposals[0], proposals[1]] });
    await page.getByText(/^2 bulletins déposés sur 5 organisations/).waitFor({ timeout: 8_000 });
    const results = await admin(`/admin/campaigns/${CAMPAIGN}/results`);
    const figures = await chartFigures(page, 'figure.chart-ranking');
    expect(figures.bars).toEqual(results.proposals.map((p: any) => p.score));
    expect(figures.table).toEqual(figures.bars);
    expect(parseFloat(figures.widths[0] ?? '')).toBe(100);
    expect(await page.locator('.chart-cutoff').count()).toBe(1);
    await expectNoSeriousA11yViolations(page, 'campaign while voting');
    await shoot(page, 'campaign', [390]);
    await page.setViewportSize({ width: 1280, height: 900 });

    await tabTo(page, 'Recompter');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Recompter tous les bulletins ?' }).waitFor();
    await tabTo(page, 'Recompter');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Recomptage' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Recomptage' }).textContent()).toContain('identique');

    await tabTo(page, 'Clore le vote');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Clore le vote maintenant ?' }).waitFor();
    await tabTo(page, 'Clore le vote');
    await page.keyboard.press('Enter');
    await page.getByText('Vote clos', { exact: true }).waitFor();
    expect((await admin(`/admin/campaigns/${CAMPAIGN}/results`)).vote_status).toBe('closed');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('projector', () => {
  it('shows a signed ballot within 6 s, in place, without a reload, and no personal data', async () => {
    await admin(`/admin/campaigns/${CAMPAIGN}-proj`, 'PUT', {
      title: 'Projection en salle', proposals_open_at: past, proposals_close_at: future, supporters_needed: 1, method: 'approval',
      max_choices: 2, retain: 1, results_visibility: 'live', electorate: ORGS,
    });
    const ids: string[] = [];
    for (const i of [0, 1]) {
      ids.push((await signed('/proposals', { form_uuid: `proj-prop-${i}`, campaign_id: `${CAMPAIGN}-proj`, title: `Idée ${i}`, description: 'd', use_case: 'u', organisation: ORGS[i], email: `pp${i}@example.org`, first_name: 'Secret', last_name: 'Personne' })).proposal_id);
    }
    await admin(`/admin/campaigns/${CAMPAIGN}-proj/open`, 'POST');
    await signed(`/campaigns/${CAMPAIGN}-proj/ballots`, { form_uuid: 'proj-b0', email: 'votante@example.org', first_name: 'Alice', last_name: 'Votante', organisation: ORGS[2], choices: [ids[0]] });

    const { context, page, errors } = await consolePageAs(stack, 'organiser');
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations++;
    });
    await page.goto(`${stack.baseUrl}/console/campaigns/${CAMPAIGN}-proj/projector`);
    await page.getByRole('heading', { level: 1, name: 'Projection en salle' }).waitFor();
    await page.getByText(/1 organisation a voté/).waitFor();
    const navigationsBefore = navigations;
    const row = await page.locator('.chart-row[data-key="' + ids[1] + '"]').elementHandle();
    expect(row).not.toBeNull();
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));

    const castAt = Date.now();
    await signed(`/campaigns/${CAMPAIGN}-proj/ballots`, { form_uuid: 'proj-b1', email: 'autre@example.org', organisation: ORGS[3], choices: [ids[1]] });
    await signed(`/campaigns/${CAMPAIGN}-proj/ballots`, { form_uuid: 'proj-b2', email: 'encore@example.org', organisation: ORGS[4], choices: [ids[1]] });
    await page.getByText(/3 organisations ont voté/).waitFor({ timeout: 6_000 });
    await page.locator(`.chart-row[data-key="${ids[1]}"][data-value="2"]`).waitFor({ timeout: 6_000 });
    expect(Date.now() - castAt).toBeLessThan(6_000);
    // Same document (no reload), same row element (updated in place), now ranked first.
    expect(navigations).toBe(navigationsBefore);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    expect(await row!.evaluate((el) => el.isConnected)).toBe(true);
    expect(await page.locator('.chart-row').first().getAttribute('data-key')).toBe(ids[1]);
    // No personal data: no agent's name or email, no organiser's name.
    const text = (await page.locator('body').textContent()) ?? '';
    for (const secret of ['Alice', 'Votante', 'votante@', 'Secret', 'Personne', 'Organisatrice', '@example.org']) expect(text).not.toContain(secret);
    expect(await page.locator('h1').count()).toBe(1);
    await expectNoSeriousA11yViolations(page, 'projector');
    await page.setViewportSize({ width: 1920, height: 1080 });
    if (UPDATE_SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'projector-1920.png') });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('survey page', () => {
  it('shows the results’ figures, a suppressed group as such, the comparison, and pages the free texts', async () => {
    const results = await admin('/admin/surveys/salle-avis/results');
    const { context, page, errors } = await consolePageAs(stack, 'organiser');
    await page.goto(`${stack.baseUrl}/console/surveys/salle-avis`);
    await page.getByRole('heading', { level: 1, name: 'Votre avis sur le club en salle' }).waitFor();
    const participation = await page.locator('.big-figure').first().textContent();
    expect(participation).toContain(`${results.responses} réponses sur ${results.eligible} personnes`);

    const global = results.questions.find((q: any) => q.id === 'global');
    const hist = await chartFigures(page, 'section[aria-labelledby="q-global"] figure.chart-histogram');
    expect(hist.bars).toEqual(Object.entries(global.distribution).sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v));
    expect(hist.table).toEqual(hist.bars);
    const nps = results.questions.find((q: any) => q.id === 'recommande');
    const npsFigures = await chartFigures(page, 'section[aria-labelledby="q-recommande"] figure.chart-nps');
    expect(npsFigures.bars).toEqual([nps.promoters, nps.passives, nps.detractors]);
    expect(npsFigures.table).toEqual(npsFigures.bars);
    expect(await page.locator('section[aria-labelledby="q-recommande"] figure.chart-nps figcaption').textContent()).toContain(`NPS ${nps.nps > 0 ? '+' : ''}${nps.nps}`);
    const format = results.questions.find((q: any) => q.id === 'format');
    expect((await chartFigures(page, 'section[aria-labelledby="q-format"] figure.chart-options')).bars).toEqual(format.options.map((o: any) => o.count));

    // The comparison: arrows with the difference, as the API computed it.
    const delta = results.comparison.questions.find((c: any) => c.id === 'global');
    expect(delta.delta).toBeGreaterThan(0);
    const comparison = page.getByRole('table', { name: /Évolution depuis/ });
    expect(await comparison.textContent()).toContain(`↑ +${String(delta.delta).replace('.', ',')}`);

    // Breakdowns, keyboard only: the remote group (2 people) is suppressed.
    // A radio group takes one Tab stop (the checked one); the arrows choose within it.
    await tabTo(page, 'Aucune');
    await page.keyboard.press('ArrowRight');
    const remote = page.locator('table.breakdown tr[data-group="remote"]');
    await remote.waitFor();
    expect(results.breakdowns.mode.find((g: any) => g.group === 'remote').suppressed).toBe(true);
    expect(await remote.textContent()).toContain('moins de 3 réponses');
    // Every group as the API has it (a group that would give the suppressed one away by
    // difference is suppressed too).
    for (const g of results.breakdowns.mode) {
      const first = await page.locator(`table.breakdown tr[data-group="${g.group}"] td`).first().textContent();
      expect(first).toBe(g.suppressed ? 'moins de 3 réponses' : String(g.responses));
    }
    // The other dimension: newcomer / expert, from the same toggles.
    await page.keyboard.press('ArrowRight');
    await page.getByRole('table', { name: 'Nouveaux utilisateurs ou experts' }).waitFor();
    for (const g of results.breakdowns.profile) {
      const first = await page.locator(`table.breakdown tr[data-group="${g.group}"] td`).first().textContent();
      expect(first).toBe(g.suppressed ? 'moins de 3 réponses' : String(g.responses));
    }
    await expectNoSeriousA11yViolations(page, 'survey with a breakdown');

    // Free texts, page by page (the first page's size is the API's).
    const texts = results.questions.find((q: any) => q.id === 'remarques');
    const list = page.locator('section[aria-labelledby="q-remarques"] .free-texts li');
    expect(await list.count()).toBe(texts.texts.length);
    if (texts.next_texts) {
      await page.getByRole('button', { name: 'Afficher les réponses suivantes' }).click();
      await page.waitForFunction(`document.querySelectorAll('section[aria-labelledby="q-remarques"] .free-texts li').length > ${texts.texts.length}`);
    }
    await shoot(page, 'survey', [1280]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('sessions page', () => {
  it('shows series, subscribers and delivery counts; moving an occurrence (keyboard, confirmed) sends the update emails', async () => {
    const series = await admin<any[]>('/admin/session-series');
    const s = series[0];
    const occurrence = s.next_occurrences[0];
    const report = await admin(`/admin/sessions/${occurrence.id}/deliveries`);
    const { context, page, errors } = await consolePageAs(stack, 'organiser');
    await page.goto(`${stack.baseUrl}/console/sessions`);
    await page.getByRole('heading', { level: 1, name: 'Séances en ligne' }).waitFor();
    await page.getByRole('heading', { level: 2, name: s.title }).waitFor();
    expect(await page.locator('.big-figure').first().textContent()).toBe(`${s.subscribers} abonnés`);
    const row = page.locator(`tr[data-occurrence="${occurrence.id}"]`);
    const cells = await row.locator('td.num').allTextContents();
    expect(cells).toEqual([report.counts.sent, report.counts.failed, report.counts.skipped].map(String));
    await expectNoSeriousA11yViolations(page, 'sessions');
    await shoot(page, 'sessions', [1280]);

    const since = new Date();
    await row.getByRole('button', { name: 'Déplacer' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /^Déplacer la séance/ });
    await dialog.waitFor();
    const moved = new Date(Date.parse(occurrence.starts_at) + 2 * 86_400_000);
    const field = dialog.getByLabel(/Nouveau début/);
    const local = await field.inputValue();
    const [date, time] = local.split('T');
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 2);
    await field.fill(`${d.toISOString().slice(0, 10)}T${time}`);
    await tabTo(page, 'Déplacer la séance');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('Déplacée').waitFor();
    const after = (await admin<any[]>('/admin/session-series'))[0].next_occurrences.find((o: any) => o.id === occurrence.id);
    expect(Date.parse(after.starts_at)).toBe(moved.getTime());

    // The reminder engine announces the move at its next run: one update email per subscriber.
    await stack.tick(new Date());
    await stack.consumers['queue-reminders']?.poller.idle(60_000);
    const updates = (await stack.emails({ since })).filter((m) => m.subject.startsWith('Changement'));
    expect(updates.length).toBe(s.subscribers);
    expect(errors).toEqual([]);
    await context.close();
  });
});
