// An export and an erasure by email through the admin API appear in the audit trail with counts
// only: never the email, the names or the phone of the person (contract-rgpd.md, "Audit trail").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const MEETING = 'rgpd-audit-2097';
const EMAIL = 'Aurore.Traceable@audit.example.fr';

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMIN_TOKENS: 'dpo:tok-dpo-e2e' } });
  const put = await stack.fetchAdmin(`/admin/meetings/${MEETING}`, {
    method: 'PUT',
    json: {
      title: 'Réunion tracée',
      venue: 'Paris',
      registration_opens_at: '2026-01-01T00:00:00+01:00',
      registration_closes_at: '2097-01-01T00:00:00+01:00',
      days: [{ date: '2097-06-09', onsite_capacity: 5, waiting_list: false }],
    },
  });
  expect(put.status).toBe(201);
  const res = await stack.fetchSigned(`/meetings/${MEETING}/registrations`, {
    method: 'POST',
    json: { form_uuid: 'rgpd-audit-1', email: EMAIL, first_name: 'Aurore', last_name: 'Traceable', organisation: 'Commune B', phone: '0611229988', onsite_days: ['2097-06-09'] },
  });
  expect(((await res.json()) as { err: number }).err).toBe(0);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the audit trail of access and erasure requests', () => {
  it('records the export, the dry run and the erasure by the token’s label, with counts only', async () => {
    for (const [path, json] of [
      ['/admin/people/export', { email: EMAIL }],
      ['/admin/people/erase', { email: EMAIL }],
      ['/admin/people/erase', { email: EMAIL, confirm: true }],
    ] as const) {
      expect((await stack.fetchAdmin(path, { method: 'POST', json })).status).toBe(200);
    }
    const res = await stack.fetchAdmin('/admin/audit?limit=3');
    const text = await res.text();
    const records = (JSON.parse(text) as { data: Array<Record<string, any>> }).data;
    expect(records.map((r) => [r['action'], r['actor'], r['target']])).toEqual([
      ['people.erase', { kind: 'token', label: 'dpo' }, null],
      ['people.erase', { kind: 'token', label: 'dpo' }, null],
      ['people.export', { kind: 'token', label: 'dpo' }, null],
    ]);
    expect(records[0]?.['counts']).toMatchObject({ registrations_anonymised: 1, dry_run: 0 });
    expect(records[1]?.['counts']).toMatchObject({ registrations_anonymised: 1, dry_run: 1 });
    expect(records[2]?.['counts']).toMatchObject({ registrations: 1 });
    for (const personal of ['aurore', 'traceable', 'audit.example.fr', '0611229988', 'tok-dpo-e2e']) expect(text.toLowerCase()).not.toContain(personal);
  });
});
