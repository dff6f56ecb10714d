// The e2e test stack (tests/support/local-stack.ts) with the real manifest functions: signed
// calls as w.c.s. makes them reach the handlers, file-private tables, admin bearer token.
// Only contract-level facts are checked here; behaviour belongs to tests/e2e.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

describe('test stack with the manifest functions', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  it('uses file-private tables and gives the functions a local configuration', () => {
    expect(stack.dataTable).toMatch(/^publik-club-data-[0-9a-f]{8}$/);
    expect(stack.nonceTable).toMatch(/^publik-club-nonces-[0-9a-f]{8}$/);
    expect(process.env['DATA_TABLE']).toBe(stack.dataTable);
    expect(process.env['DYNAMODB_ENDPOINT']).toBe(stack.endpoints.dynamodbEndpoint);
    expect(process.env['PUBLIC_BASE_URL']).toBe(stack.baseUrl);
    expect(stack.keys.orig).toBe('demarches.example.org');
  });

  it('returns the running stack on a second call, and refuses another env', async () => {
    await expect(startTestStack()).resolves.toBe(stack);
    await expect(startTestStack({ env: { ADMIN_TOKENS: 'other' } })).rejects.toThrow(/another `env`/);
  });

  it('creates the demo meeting through the admin route, then serves it to signed calls only', async () => {
    const { id, body } = demoMeeting(new Date());
    const put = await stack.fetchAdmin(`/admin/meetings/${id}`, { method: 'PUT', json: body });
    expect(put.status, await put.clone().text()).toBeLessThan(300);
    const { Count } = await stack.ddb.send(new ScanCommand({ TableName: stack.dataTable, Select: 'COUNT' }));
    expect(Count).toBeGreaterThan(0);

    const noToken = await fetch(`${stack.baseUrl}/admin/meetings`);
    expect(noToken.status).toBe(401);

    const signed = await stack.fetchSigned(`/meetings/${id}/workshops`);
    expect(signed.status).toBe(200);
    expect(((await signed.json()) as { err: number }).err).toBe(0);

    const withoutOrig = await stack.fetchSigned(`/meetings/${id}/days`, { sign: { orig: null } });
    expect(withoutOrig.status).toBe(200);

    const unsigned = await fetch(`${stack.baseUrl}/meetings/${id}/workshops`);
    expect(unsigned.status).toBe(403);
    const badKey = await stack.fetchSigned(`/meetings/${id}`, { sign: { key: 'wrong-key' } });
    expect(badKey.status).toBe(403);

    const url = stack.sign(`/meetings/${id}`);
    expect((await fetch(url)).status).toBe(200);
    const replay = await fetch(url);
    expect(replay.status).toBe(403);
    expect(await replay.json()).toMatchObject({ err: 1, err_class: 'access-denied' });
  });
});
