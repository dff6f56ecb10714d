// Meetings through the local gateway, signed exactly as w.c.s. signs its data-source calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const demo = demoMeeting(new Date());
const [day1, day2] = demo.body.days;

async function body(res: Response) {
  return (await res.json()) as Record<string, any>;
}

beforeAll(async () => {
  stack = await startTestStack();
  const put = await stack.fetchAdmin(`/admin/meetings/${demo.id}`, { method: 'PUT', json: demo.body });
  expect(put.status).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

describe('admin meetings', () => {
  it('refuses calls without a token (401) or with a wrong one (403), even signed ones', async () => {
    const none = await fetch(`${stack.baseUrl}/admin/meetings`);
    expect(none.status).toBe(401);
    expect(await body(none)).toMatchObject({ err: 1, err_class: 'unauthorized' });
    const wrong = await fetch(`${stack.baseUrl}/admin/meetings`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(403);
    expect((await fetch(stack.sign('/admin/meetings'))).status).toBe(401);
  });

  it('answers 400 naming each invalid field, and stores nothing', async () => {
    const res = await stack.fetchAdmin('/admin/meetings/club-invalide', {
      method: 'PUT',
      json: { ...demo.body, title: '', days: [{ date: '2026-13-40', onsite_capacity: 'beaucoup' }] },
    });
    expect(res.status).toBe(400);
    const json = await body(res);
    expect(json).toMatchObject({ err: 1, err_class: 'invalid-request' });
    expect(json.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['title', 'days[0].date', 'days[0].onsite_capacity']),
    );
    expect(json.err_desc).toMatch(/title/);
    const list = await body(await stack.fetchAdmin('/admin/meetings'));
    expect(list.data.map((m: { id: string }) => m.id)).toEqual([demo.id]);
  });

  it('updates a meeting in place (200) and lists it with live places', async () => {
    const res = await stack.fetchAdmin(`/admin/meetings/${demo.id}`, { method: 'PUT', json: demo.body });
    expect(res.status).toBe(200);
    const list = await body(await stack.fetchAdmin('/admin/meetings'));
    expect(list.data[0]).toMatchObject({ id: demo.id, registration_open: true });
    expect(list.data[0].days[0].places).toMatchObject({ total: day1?.onsite_capacity, available: day1?.onsite_capacity });
  });
});

describe('signed data sources', () => {
  it('GET /meetings lists meetings open for registration', async () => {
    const res = await stack.fetchSigned('/meetings');
    expect(res.status).toBe(200);
    const json = await body(res);
    expect(json.err).toBe(0);
    expect(json.data).toEqual([
      expect.objectContaining({ id: demo.id, text: expect.stringContaining('12e Club utilisateurs Publik — Villejuif'), disabled: false }),
    ]);
    const none = await body(await stack.fetchSigned('/meetings?q=inexistant'));
    expect(none.data).toEqual([]);
    const byId = await body(await stack.fetchSigned(`/meetings?id=${demo.id}`));
    expect(byId.data).toHaveLength(1);
  });

  it('GET /meetings/{id} gives days, workshops and evening with places', async () => {
    const json = await body(await stack.fetchSigned(`/meetings/${demo.id}`));
    expect(json.data.days).toHaveLength(2);
    expect(json.data.workshops.map((w: { id: string }) => w.id)).toEqual(demo.body.workshops.map((w) => w.id).sort((a, b) => {
      const wa = demo.body.workshops.find((w) => w.id === a)!;
      const wb = demo.body.workshops.find((w) => w.id === b)!;
      return (wa.day + wa.starts_at).localeCompare(wb.day + wb.starts_at);
    }));
    expect(json.data.evening_event.places).toMatchObject({ total: demo.body.evening_event?.capacity, reserved: 0 });
    const missing = await stack.fetchSigned('/meetings/inconnue');
    expect(missing.status).toBe(404);
    expect(await body(missing)).toMatchObject({ err: 1, err_class: 'unknown-meeting' });
  });

  it('GET /meetings/{id}/days shows places left on site in the text', async () => {
    const json = await body(await stack.fetchSigned(`/meetings/${demo.id}/days`));
    expect(json.data.map((d: { id: string }) => d.id)).toEqual([day1?.date, day2?.date]);
    expect(json.data[0].text).toBe(`${day1?.label} — sur place : ${day1?.onsite_capacity} places restantes`);
    expect(json.data[0].places).toMatchObject({ available: day1?.onsite_capacity, has_waiting_list: true });
  });

  it('GET /meetings/{id}/workshops filters by day, q and id', async () => {
    const all = await body(await stack.fetchSigned(`/meetings/${demo.id}/workshops`));
    expect(all.data).toHaveLength(demo.body.workshops.length);
    for (const w of all.data) {
      expect(w.text).toMatch(/places? restantes?$/);
      expect(w.disabled).toBe(false);
    }
    const onDay2 = await body(await stack.fetchSigned(`/meetings/${demo.id}/workshops?day=${day2?.date}`));
    expect(onDay2.data.every((w: { day: string }) => w.day === day2?.date)).toBe(true);
    expect(onDay2.data.length).toBe(demo.body.workshops.filter((w) => w.day === day2?.date).length);
    const first = demo.body.workshops[0]!;
    const byId = await body(await stack.fetchSigned(`/meetings/${demo.id}/workshops?id=${first.id}`));
    expect(byId.data.map((w: { id: string }) => w.id)).toEqual([first.id]);
    const byText = await body(await stack.fetchSigned(`/meetings/${demo.id}/workshops?q=${encodeURIComponent('prise en main')}`));
    expect(byText.data.map((w: { id: string }) => w.id)).toEqual(['prise-en-main-wcs']);
    const badDay = await stack.fetchSigned(`/meetings/${demo.id}/workshops?day=demain`);
    expect(badDay.status).toBe(400);
    expect((await body(badDay)).errors[0].path).toBe('day');
  });
});

describe('URL signatures', () => {
  it('refuses an unsigned call with 403 access-denied in French', async () => {
    const res = await fetch(`${stack.baseUrl}/meetings`);
    expect(res.status).toBe(403);
    expect(await body(res)).toMatchObject({ err: 1, err_class: 'access-denied', err_desc: expect.stringMatching(/signature/) });
  });

  it('refuses a bad signature, a stale timestamp, an unknown orig and a replayed nonce', async () => {
    const wrongKey = await fetch(stack.sign('/meetings', { key: 'not-the-key' }));
    expect(wrongKey.status).toBe(403);
    // It names the orig whose key was tried and says that key did not match, never a key or MAC.
    const wrongKeyText = await wrongKey.text();
    const wrongKeyBody = JSON.parse(wrongKeyText) as Record<string, unknown>;
    expect(wrongKeyBody).toMatchObject({ err: 1, err_class: 'access-denied' });
    expect(wrongKeyBody.err_desc).toBe(
      `Signature invalide : l’appel vient de l’origine « ${stack.keys.orig} » et la clé de signature configurée pour elle ne correspond pas (clé différente de part et d’autre, ou adresse modifiée après signature).`,
    );
    for (const secret of [...Object.values(stack.keys.signatureKeys), stack.keys.defaultKey, 'not-the-key']) expect(wrongKeyText).not.toContain(secret);
    const wrongDefault = await fetch(stack.sign('/meetings', { orig: null, key: 'not-the-key' }));
    expect(wrongDefault.status).toBe(403);
    expect((await body(wrongDefault)).err_desc).toMatch(/^Signature invalide : l’appel est signé sans « orig » et la clé par défaut .* ne correspond pas/);
    const stale = await fetch(stack.sign('/meetings', { timestamp: new Date(Date.now() - 60_000) }));
    expect(stale.status).toBe(403);
    expect((await body(stale)).err_desc).toMatch(/30 secondes/);
    const unknown = await fetch(stack.sign('/meetings', { orig: 'autre.example.org', key: 'x' }));
    expect(unknown.status).toBe(403);

    const url = stack.sign('/meetings');
    expect((await fetch(url)).status).toBe(200);
    const replay = await fetch(url);
    expect(replay.status).toBe(403);
    expect((await body(replay)).err_desc).toMatch(/nonce/);
  });

  it('accepts a call signed without orig with the default key, and keeps extra query parameters signed', async () => {
    const res = await fetch(stack.sign(`/meetings/${demo.id}/days?q=${encodeURIComponent(day1!.label)}`, { orig: null }));
    expect(res.status).toBe(200);
    expect((await body(res)).data.map((d: { id: string }) => d.id)).toEqual([day1?.date]);
  });
});
