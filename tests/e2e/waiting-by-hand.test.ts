// Waiting lists by hand: an organiser gives a waiting person the place, whatever their rank and
// even past the capacity (the answer says so); the person is notified as for an automatic
// promotion, once. A hand promotion racing an automatic one grants the place once. An organiser
// moves a person in the list: positions stay dense and unique everywhere, and the next
// automatic promotion follows the new order, even while people join and moves cross.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const demo = demoMeeting(new Date());
const day1 = demo.body.days[0]!.date; // 4 places on site, with a waiting list
const DAY = `day:${day1}`;
const WORKSHOP = 'prise-en-main-wcs'; // day 1, 2 places
const mail = (meetingId: string, who: string) => `${meetingId}-${who}@attente.example.fr`;

interface Reg {
  registration_id: string;
  days: Array<{ status: string; waiting_position: number | null }>;
  workshops: Array<{ id: string; status: string }>;
}
interface Answer {
  status: number;
  body: { err: number; err_class?: string; err_desc?: string; data: Record<string, unknown> };
}

async function register(meetingId: string, who: string, workshops: string[] = []): Promise<Reg> {
  const res = await stack.fetchSigned(`/meetings/${meetingId}/registrations`, {
    method: 'POST',
    json: {
      form_uuid: `attente-${meetingId}-${who}`,
      email: mail(meetingId, who),
      first_name: who,
      last_name: 'Test',
      organisation: 'Ville',
      onsite_days: [day1],
      workshops,
      image_rights: 'accepted',
    },
  });
  const body = (await res.json()) as { err: number; data: Reg };
  if (body.err !== 0) throw new Error(JSON.stringify(body));
  return body.data;
}

async function crowd(meetingId: string, n: number): Promise<Reg[]> {
  expect((await stack.fetchAdmin(`/admin/meetings/${meetingId}`, { method: 'PUT', json: demo.body })).status).toBe(201);
  const out: Reg[] = [];
  for (let i = 1; i <= n; i++) out.push(await register(meetingId, `p${i}`, i === n ? [WORKSHOP] : []));
  return out;
}

const post = async (path: string, json: unknown): Promise<Answer> => {
  const res = await stack.fetchAdmin(path, { method: 'POST', json });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
};
const promote = (id: string, item = DAY) => post(`/admin/registrations/${id}/promote`, { item });
const move = (id: string, position: number, item = DAY) => post(`/admin/registrations/${id}/waiting-position`, { item, position });
const status = async (id: string) => ((await (await stack.fetchSigned(`/registrations/${id}`)).json()) as { data: Reg }).data;
const dayCounts = async (meetingId: string) => {
  const body = (await (await stack.fetchAdmin(`/admin/meetings/${meetingId}`)).json()) as {
    data: { counts: { days: Array<{ date: string; onsite: { confirmed: number; waiting: number } }> } };
  };
  return body.data.counts.days.find((d) => d.date === day1)?.onsite;
};
const promotionMails = async (meetingId: string, who: string) =>
  (await stack.emails({ to: mail(meetingId, who) })).filter((m) => m.subject.startsWith('Une place s’est libérée'));

/** Waiting positions on day 1 as each person's own answer gives them (counted on the stored entries). */
async function positionsByAnswer(ids: string[]): Promise<Map<string, number | null>> {
  return new Map(await Promise.all(ids.map(async (id) => [id, (await status(id)).days[0]?.waiting_position ?? null] as const)));
}

/** Waiting positions on day 1 as the organisers' list gives them (from the registrations' order keys). */
async function positionsByList(meetingId: string): Promise<Map<string, number>> {
  const body = (await (await stack.fetchAdmin(`/admin/meetings/${meetingId}/registrations`)).json()) as {
    data: Array<{ registration_id: string; days: Array<{ status: string; waiting_position: number | null }> }>;
  };
  const out = new Map<string, number>();
  for (const r of body.data) {
    const d = r.days[0];
    if (d?.status === 'waiting' && d.waiting_position !== null) out.set(r.registration_id, d.waiting_position);
  }
  return out;
}

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('promotion by hand', () => {
  it('promotes the second person waiting past the capacity, says so, decides their workshop, and notifies them once', async () => {
    const people = await crowd('hand-1', 6);
    const [fifth, sixth] = [people[4]!, people[5]!];
    expect(sixth.days[0]).toMatchObject({ status: 'waiting', waiting_position: 2 });
    const first = await promote(sixth.registration_id);
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ item: DAY, already: false, confirmed: 5, capacity: 4, waiting: 1, beyond_capacity: true });
    expect(String(first.body.data['message'])).toContain('au-delà de la capacité : 5 confirmées pour 4 places');
    const after = await status(sixth.registration_id);
    expect(after.days[0]).toMatchObject({ status: 'confirmed' });
    // As an automatic promotion: the workshop of that day is decided with the day (2 places free).
    expect(after.workshops.find((w) => w.id === WORKSHOP)).toMatchObject({ status: 'confirmed' });
    expect((await status(fifth.registration_id)).days[0]).toMatchObject({ status: 'waiting', waiting_position: 1 });
    expect(await dayCounts('hand-1')).toMatchObject({ confirmed: 5, waiting: 1 });
    // Again: nothing more, and said so.
    const again = await promote(sixth.registration_id);
    expect(again.body.data).toMatchObject({ already: true, confirmed: 5, beyond_capacity: true });
    expect(await dayCounts('hand-1')).toMatchObject({ confirmed: 5, waiting: 1 });
    await stack.consumers['queue-notifier']!.poller.idle(60_000);
    expect(await promotionMails('hand-1', 'p6')).toHaveLength(1);
    // A cancellation now frees no place for the fifth: 4 confirmed for 4 places.
    expect((await stack.fetchSigned(`/registrations/${people[0]!.registration_id}/cancel`, { method: 'POST', json: {} })).status).toBe(200);
    expect(await dayCounts('hand-1')).toMatchObject({ confirmed: 4, waiting: 1 });
    expect((await status(fifth.registration_id)).days[0]).toMatchObject({ status: 'waiting', waiting_position: 1 });
  });

  it('answers 400 naming `item` for someone not waiting, 400 for a bad item, 404 for an unknown registration', async () => {
    const people = await crowd('hand-2', 5);
    const confirmed = await promote(people[0]!.registration_id, 'evening');
    expect(confirmed.status).toBe(400);
    expect(confirmed.body.err_class).toBe('invalid-request');
    expect(confirmed.body.err_desc).toContain('item');
    expect(confirmed.body.err_desc).toContain('n’est pas en liste d’attente');
    expect((await promote(people[4]!.registration_id, 'jour:1')).status).toBe(400);
    const unknown = await promote('rinconnueinconnueinconnuea');
    expect(unknown.status).toBe(404);
    expect(unknown.body.err_class).toBe('unknown-registration');
    // Cancelled: no longer waiting.
    await stack.fetchSigned(`/registrations/${people[4]!.registration_id}/cancel`, { method: 'POST', json: {} });
    const cancelled = await promote(people[4]!.registration_id);
    expect(cancelled.status).toBe(400);
    expect(cancelled.body.err_desc).toContain('annulée');
    expect(await dayCounts('hand-2')).toMatchObject({ confirmed: 4, waiting: 0 });
  });

  it('never grants a place twice when a hand promotion races the automatic one', async () => {
    for (const meetingId of ['hand-race-1', 'hand-race-2', 'hand-race-3']) {
      const people = await crowd(meetingId, 5);
      const waiting = people[4]!;
      // A cancellation frees a place (promoting the first waiting person automatically) while
      // an organiser promotes the same person by hand.
      const [cancel, byHand] = await Promise.all([
        stack.fetchSigned(`/registrations/${people[0]!.registration_id}/cancel`, { method: 'POST', json: {} }),
        promote(waiting.registration_id),
      ]);
      expect(cancel.status).toBe(200);
      expect(byHand.status).toBe(200);
      expect((await status(waiting.registration_id)).days[0]).toMatchObject({ status: 'confirmed' });
      // One place for one person: 4 confirmed (one cancelled, one promoted), nobody waiting.
      expect(await dayCounts(meetingId), meetingId).toMatchObject({ confirmed: 4, waiting: 0 });
      // The answer is exact about the capacity it went to.
      const data = byHand.body.data;
      if (data['already'] === false) expect(data['confirmed']).toBe(data['beyond_capacity'] ? 5 : 4);
      await stack.consumers['queue-notifier']!.poller.idle(60_000);
      expect(await promotionMails(meetingId, 'p5'), meetingId).toHaveLength(1);
    }
  });
});

describe('moving in the waiting list', () => {
  it('moves the last person first: every list says so, and the next automatic promotion takes them', async () => {
    const people = await crowd('move-1', 7);
    const [p5, p6, p7] = [people[4]!, people[5]!, people[6]!].map((p) => p.registration_id) as [string, string, string];
    const moved = await move(p7, 1);
    expect(moved.status).toBe(200);
    expect(moved.body.data).toEqual({ registration_id: p7, item: DAY, moved: true, previous_position: 3, position: 1, waiting: 3 });
    expect(await positionsByAnswer([p5, p6, p7])).toEqual(new Map([[p7, 1], [p5, 2], [p6, 3]]));
    expect(await positionsByList('move-1')).toEqual(new Map([[p7, 1], [p5, 2], [p6, 3]]));
    // Asking for the position held writes nothing; past the end means last.
    expect((await move(p7, 1)).body.data).toMatchObject({ moved: false, position: 1 });
    expect((await move(p5, 99)).body.data).toMatchObject({ moved: true, previous_position: 2, position: 3 });
    expect(await positionsByAnswer([p5, p6, p7])).toEqual(new Map([[p7, 1], [p6, 2], [p5, 3]]));
    // A cancellation frees a place: the person moved first gets it, not the first arrived.
    expect((await stack.fetchSigned(`/registrations/${people[0]!.registration_id}/cancel`, { method: 'POST', json: {} })).status).toBe(200);
    expect((await status(p7)).days[0]).toMatchObject({ status: 'confirmed' });
    expect(await positionsByAnswer([p5, p6])).toEqual(new Map([[p6, 1], [p5, 2]]));
    await stack.consumers['queue-notifier']!.poller.idle(60_000);
    expect(await promotionMails('move-1', 'p7')).toHaveLength(1);
    expect(await promotionMails('move-1', 'p5')).toHaveLength(0);
    // A moved person leaving the list (cancelling) leaves no hole.
    await stack.fetchSigned(`/registrations/${p6}/cancel`, { method: 'POST', json: {} });
    expect(await positionsByAnswer([p5])).toEqual(new Map([[p5, 1]]));
    expect(await dayCounts('move-1')).toMatchObject({ confirmed: 4, waiting: 1 });
  });

  it('keeps positions dense and unique while moves cross and people join and leave', async () => {
    const people = await crowd('move-2', 8); // p5 … p8 waiting
    const waiting = people.slice(4).map((p) => p.registration_id);
    const results = await Promise.all([
      move(waiting[3]!, 1),
      move(waiting[2]!, 1),
      move(waiting[0]!, 4),
      register('move-2', 'late1'),
      register('move-2', 'late2'),
      register('move-2', 'late3'),
      stack.fetchSigned(`/registrations/${waiting[1]!}/cancel`, { method: 'POST', json: {} }),
    ]);
    for (const r of results.slice(0, 3) as Answer[]) expect(r.status).toBe(200);
    const late = (results.slice(3, 6) as Reg[]).map((r) => r.registration_id);
    const stillWaiting = [waiting[0]!, waiting[2]!, waiting[3]!, ...late];
    const byAnswer = await positionsByAnswer(stillWaiting);
    const byList = await positionsByList('move-2');
    // Six people waiting: positions 1 … 6, each once, the same in every view.
    expect([...byAnswer.values()].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(byList).toEqual(byAnswer);
    expect(await dayCounts('move-2')).toMatchObject({ confirmed: 4, waiting: 6 });
    // Promotions follow the order the lists show.
    const first = [...byAnswer].find(([, p]) => p === 1)![0];
    await stack.fetchSigned(`/registrations/${people[1]!.registration_id}/cancel`, { method: 'POST', json: {} });
    expect((await status(first)).days[0]).toMatchObject({ status: 'confirmed' });
  });

  it('answers 400 for someone not waiting or a bad position, 404 for an unknown registration', async () => {
    const people = await crowd('move-3', 5);
    const notWaiting = await move(people[0]!.registration_id, 1);
    expect(notWaiting.status).toBe(400);
    expect(notWaiting.body.err_class).toBe('invalid-request');
    expect(notWaiting.body.err_desc).toContain('item');
    const zero = await move(people[4]!.registration_id, 0);
    expect(zero.status).toBe(400);
    expect(zero.body.err_desc).toContain('position');
    expect((await post(`/admin/registrations/${people[4]!.registration_id}/waiting-position`, { item: DAY })).status).toBe(400);
    expect((await move('rinconnueinconnueinconnuea', 1)).status).toBe(404);
    expect(await dayCounts('move-3')).toMatchObject({ confirmed: 4, waiting: 1 });
  });
});
