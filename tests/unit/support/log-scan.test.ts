// The log scan (tests/support/log-scan.ts) must find what it is for, or the e2e suite's clean
// result would mean nothing: each kind of leak in a line is reported, a clean line is not.
import { describe, expect, it } from 'vitest';
import { LogScan } from '#tests/support/log-scan.ts';
import config from '../../../vitest.config.ts';

const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 'INFO', message: 'x', route: 'POST /x', ...fields });

describe('LogScan', () => {
  it('reports emails, phones, bearer tokens, signatures and tokens in paths and queries', () => {
    const scan = new LogScan();
    const kinds = (text: string) => scan.leaks([text]).map((l) => l.kind);
    expect(kinds(line({ to: 'claire.martin@villejuif.fr' }))).toEqual(['email']);
    expect(kinds(line({ phone: '06 12 34 56 78' }))).toEqual(['phone']);
    expect(kinds(line({ phone: '+33 6 12 34 56 78' }))).toEqual(['phone']);
    expect(kinds(line({ header: 'Bearer dev-admin-token' }))).toEqual(['bearer token']);
    expect(kinds(line({ url: '/meetings?orig=a&signature=abc%3D&nonce=1' }))).toEqual(['signature']);
    expect(kinds(line({ path: '/u/Xy3kq9LmN0pQrS7tUv2w' }))).toEqual(['link or check-in token']);
    expect(kinds(line({ path: '/registrations/r1/calendar.ics?token=abc' }))).toEqual(['token in a query']);
  });

  it('does not report ids, instants, counts or the service’s own sender', () => {
    const scan = new LogScan();
    scan.allowEmail('club@example.org');
    const clean = line({
      registrationId: 'r3wcs75ymsf3jeoxm24eumama24',
      at: '2026-12-07T20:57:08.296Z',
      epoch: 1765130061234,
      requestId: '+ikDSF6kgfr04+c=',
      from: 'club@example.org',
      path: '/u/{token}',
      counts: { sent: 12 },
    });
    expect(scan.leaks([clean])).toEqual([]);
  });

  it('reports what a request carried in personal fields, credentials and free-text answers, as whole words in any case', () => {
    const scan = new LogScan();
    scan.noteRequest({
      rawPath: '/admin/check-in/AbCdEfGhIjKlMnOpQrStUvWx',
      rawQueryString: 'orig=demarches.example.org&signature=c2lnbmF0dXJl&nonce=n1',
      headers: { authorization: 'Bearer tok-secret-1' },
      body: JSON.stringify({
        email: 'ines@villejuif.fr',
        first_name: 'Inès',
        last_name: 'Journal',
        organisation: 'Ville de Villejuif',
        fields: { phone: '0612345678', badge_name: 'Inès J.' },
        answers: { q1: 5, q2: 'Très bien organisé, merci' },
      }),
    });
    const found = (text: string) => scan.leaks([text]).map((l) => l.kind);
    expect(found('{"message":"hello INÈS"}')).toEqual(['personal field first_name']);
    expect(found('{"name":"journal"}')).toEqual(['personal field last_name']);
    expect(found('{"a":"Très bien organisé, merci"}')).toEqual(['personal field answers']);
    expect(found('{"t":"AbCdEfGhIjKlMnOpQrStUvWx"}')).toEqual(['token in a path']);
    expect(found('{"s":"c2lnbmF0dXJl"}')).toEqual(['signature']);
    expect(found('{"k":"tok-secret-1"}')).toEqual(['admin token']);
    // Not a person's: the organisation; not a whole word: a longer one containing a name.
    expect(found('{"organisation":"Ville de Villejuif","word":"journalisation"}')).toEqual([]);
  });

  it('captures what is written to stdout until stopped, line by line', () => {
    const scan = new LogScan();
    const stop = scan.capture();
    try {
      process.stdout.write('{"a":1}\n{"b"');
      process.stdout.write(':2}\n');
    } finally {
      stop();
    }
    process.stdout.write('');
    expect(scan.lines).toEqual(['{"a":1}', '{"b":2}']);
  });
});

describe('where the scan runs', () => {
  it('on every project whose tests drive the functions in their process: e2e and browser', () => {
    const projects = (config.test?.projects ?? []) as Array<{ test?: { name?: string; setupFiles?: string[] } }>;
    const setup = (name: string) => projects.find((p) => p.test?.name === name)?.test?.setupFiles ?? [];
    expect(setup('e2e')).toEqual(['tests/support/e2e-setup.ts']);
    // e2e-setup.ts imports it; the browser project names it itself.
    expect(setup('browser')).toContain('tests/support/log-scan-setup.ts');
  });
});
