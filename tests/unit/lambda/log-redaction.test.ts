// What the code does not mean to log must not reach a log line either: an AWS error quoting the
// address SES refused, a token in a URL, or the whole event when POWERTOOLS_LOGGER_LOG_EVENT is
// set (contract-rgpd.md, "Logs"). Every line is captured and scanned like in the e2e suite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { httpApi, publikOk, route, type HttpResponse } from '#shared/lambda/http.ts';
import { logger } from '#shared/lambda/logger.ts';
import { redactText } from '#shared/lambda/log-redaction.ts';
import { LogScan } from '#tests/support/log-scan.ts';
import { httpEvent, lambdaContext } from './http-event.ts';

let scan: LogScan;
let stop: () => void;
const level = logger.getLevelName();

beforeEach(() => {
  logger.setLogLevel('DEBUG');
  scan = new LogScan();
  stop = scan.capture();
});
afterEach(() => {
  stop();
  logger.setLogLevel(level);
  Object.assign(logger, { logEvent: false });
});

describe('log lines without people', () => {
  it('masks an email, a token, a signature and a phone number quoted by an error message', () => {
    const ses = new Error('MessageRejected: Email address is not verified. The following identities failed the check: claire.martin@villejuif.fr');
    const cause = new Error('GET https://demarches.example.org/api/forms/x/12/?orig=a&signature=c2ln&token=AbCd1234 failed: Bearer s3cr3t-admin, call 06 12 34 56 78');
    logger.error('delivery failed', { error: Object.assign(ses, { cause }) });
    logger.info('link', { url: '/u/Xy3kq9LmN0pQrS7tUv2w' });
    stop();
    expect(scan.lines).toHaveLength(2);
    expect(scan.leaks()).toEqual([]);
    expect(scan.lines[0]).toContain('<courriel>');
    expect(scan.lines[0]).toContain('MessageRejected');
  });

  it('never logs the event, even with POWERTOOLS_LOGGER_LOG_EVENT=true', async () => {
    Object.assign(logger, { logEvent: true }); // what the environment variable sets at construction
    const api = httpApi(
      [route({ method: 'POST', path: '/admin/things', auth: 'admin', body: z.object({ last_name: z.string() }), handle: () => publikOk({}) })],
      { secrets: async () => ({ signatureKeys: {}, defaultSignatureKey: undefined, adminTokens: ['tok-secret'] }) },
    );
    const event = httpEvent({ method: 'POST', path: '/admin/things', headers: { authorization: 'Bearer tok-secret' }, body: { last_name: 'Journalier' } });
    scan.noteRequest(event);
    const res = (await api(event, lambdaContext)) as HttpResponse;
    expect(res.statusCode).toBe(200);
    stop();
    expect(scan.leaks()).toEqual([]);
  });

  it('leaves ids, instants and counts as they are', () => {
    const text = '{"registrationId":"r3wcs75ymsf3jeoxm24eumama24","at":"2026-12-07T20:57:08.296Z","epoch":1765130061234,"path":"/u/{token}","n":12}';
    expect(redactText(text)).toBe(text);
  });
});
