// The dashboard with the demo data plus registrations: the figures it shows are the admin API's,
// every link is reachable with Tab alone, in order, with a visible focus, and Enter follows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolePageAs, expectNoSeriousA11yViolations, startConsoleStack, type ConsoleStack } from './support/console.ts';

let stack: ConsoleStack;

interface Places {
  total: number | null;
  reserved: number;
  has_waiting_list: boolean;
  waiting_list_reserved: number;
}
interface Meeting {
  id: string;
  days: Array<{ date: string; label: string; places: Places }>;
  evening_event: { title: string; places: Places } | null;
}

const figures = (p: Places) => `${p.reserved} / ${p.total}${p.has_waiting_list ? ` · ${p.waiting_list_reserved} en attente` : ''}`;

beforeAll(async () => {
  stack = await startConsoleStack();
  const meeting = ((await (await stack.fetchAdmin(`/admin/meetings/${stack.seeded.meetingId}`)).json()) as { data: Meeting }).data;
  // Five people on day 1 (4 places, waiting list): four confirmed, one waiting; three at the evening.
  for (let n = 1; n <= 5; n++) {
    const answer = await stack.fetchSigned(`/meetings/${meeting.id}/registrations`, {
      method: 'POST',
      json: {
        form_uuid: `dashboard-${n}`,
        email: `dashboard-${n}@example.org`,
        first_name: 'Camille',
        last_name: `Exemple ${n}`,
        organisation: 'Ville de Villejuif',
        onsite_days: [meeting.days[0]!.date],
        evening_event: n <= 3,
        image_rights: 'accepted',
      },
    });
    expect(answer.status).toBe(200);
  }
});

afterAll(async () => {
  await stack?.stop();
});

async function openDashboard() {
  const signedIn = await consolePageAs(stack, 'organiser');
  await signedIn.page.goto(`${stack.baseUrl}/console/`);
  await signedIn.page.locator('main[aria-busy="false"]').waitFor();
  return signedIn;
}

describe('the dashboard', () => {
  it('shows the admin API\'s figures: places per day and evening, waiting counts, sessions and their subscribers', async () => {
    const { context, page, errors } = await openDashboard();
    const meetings = ((await (await stack.fetchAdmin('/admin/meetings')).json()) as { data: Meeting[] }).data;
    expect(meetings.length).toBeGreaterThan(0);
    for (const m of meetings) {
      const card = page.locator(`[data-meeting="${m.id}"]`);
      const rows = card.locator('.bar-row');
      const shown: Array<{ label: string; figures: string }> = [];
      for (const row of await rows.all()) {
        shown.push({ label: (await row.locator('.bar-label').textContent()) ?? '', figures: (await row.locator('.bar-figures').textContent()) ?? '' });
      }
      const expected = [
        ...m.days.map((d) => ({ label: d.label, figures: figures(d.places) })),
        ...(m.evening_event ? [{ label: m.evening_event.title, figures: figures(m.evening_event.places) }] : []),
      ];
      expect(shown).toEqual(expected);
    }
    // The registrations above moved the figures: the page is not showing a constant.
    const club = meetings.find((m) => m.id === stack.seeded.meetingId)!;
    expect(club.days[0]!.places.reserved).toBe(4);
    expect(club.days[0]!.places.waiting_list_reserved).toBe(1);

    const series = ((await (await stack.fetchAdmin('/admin/session-series')).json()) as {
      data: Array<{ subscribers: number; next_occurrences: Array<{ id: string; cancelled: boolean }> }>;
    }).data;
    for (const s of series) {
      for (const o of s.next_occurrences.filter((x) => !x.cancelled).slice(0, 2)) {
        expect(await page.locator(`tr[data-occurrence="${o.id}"] td.num`).textContent()).toBe(String(s.subscribers));
      }
    }
    expect(series[0]!.subscribers).toBe(3);

    // Campaigns and surveys: every item of the API's lists, with its figure.
    for (const [path, attribute, figure] of [
      ['/admin/campaigns', 'data-campaign', (c: Record<string, unknown>) => `${c['ballots']} bulletin`],
      ['/admin/surveys', 'data-survey', (s: Record<string, unknown>) => `${s['responses']} réponse`],
    ] as const) {
      const answer = await stack.fetchAdmin(path);
      expect(answer.status).toBe(200);
      const list = ((await answer.json()) as { data: Array<Record<string, unknown>> }).data;
      expect(list.length).toBeGreaterThan(0);
      for (const item of list) {
        const id = String(item['campaign_id'] ?? item['survey_id']);
        expect(await page.locator(`[${attribute}="${id}"] .figure`).textContent()).toContain(figure(item));
      }
    }
    expect(errors).toEqual([]);
    await expectNoSeriousA11yViolations(page, 'on the dashboard with data');
    await context.close();
  });

  it('reaches every link and button with Tab, in order, each with a visible focus; Enter follows a link', async () => {
    const { context, page } = await openDashboard();
    // Evaluated in the page (as text: the test files are type-checked without the DOM library).
    const expected = (await page.evaluate(
      `[...document.querySelectorAll('a[href], button')].map((el) => el.getAttribute('href') ?? 'button:' + el.textContent.trim())`,
    )) as string[];
    expect(expected.length).toBeGreaterThan(6);
    const reached: string[] = [];
    for (let i = 0; i < expected.length; i++) {
      await page.keyboard.press('Tab');
      const focus = (await page.evaluate(`(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return undefined;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {
          id: el.getAttribute('href') ?? 'button:' + el.textContent.trim(),
          visible: box.width > 0 && box.height > 0,
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        };
      })()`)) as { id: string; visible: boolean; outline: boolean } | undefined;
      expect(focus, `Tab #${i + 1}`).toBeDefined();
      expect(focus!.visible && focus!.outline, `focus of ${focus!.id} is visible`).toBe(true);
      reached.push(focus!.id);
    }
    expect(reached).toEqual(expected);
    // Back to the meeting's link, and Enter opens its page.
    const meetingHref = `/console/meetings/${stack.seeded.meetingId}`;
    const index = reached.indexOf(meetingHref);
    expect(index).toBeGreaterThan(0);
    await page.locator(`main a[href="${meetingHref}"]`).focus();
    await Promise.all([page.waitForURL(`${stack.baseUrl}${meetingHref}`), page.keyboard.press('Enter')]);
    await context.close();
  });
});
