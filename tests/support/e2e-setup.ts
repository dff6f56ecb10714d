// Runs in every e2e test file: a test during which an answer drifted from the OpenAPI document
// fails, naming the route, the status and what differs (tests/support/answer-validation.ts).
import { appendFileSync } from 'node:fs';
import { afterAll, afterEach, expect } from 'vitest';
import { answerChecks } from './answer-validation.ts';
import { LogScan, setActiveLogScan } from './log-scan.ts';

// Logs without people (contract-rgpd.md): every line the handlers print during this file, at
// every level, is captured and scanned after its last test (tests/support/log-scan.ts). The
// logger takes its level when it is built, so the level is set before any test module loads;
// `LOG_LEVEL=…` (vitest.config.ts) keeps printing the lines as well.
process.env['POWERTOOLS_LOG_LEVEL'] = 'DEBUG';
const logScan = new LogScan();
logScan.allowEmail('club@example.org');
setActiveLogScan(logScan);
const stopCapture = logScan.capture({ echo: process.env['LOG_LEVEL'] !== undefined });

function takeDrifts() {
  return answerChecks.drifts.splice(0).map((d) => `${d.routeKey} → ${d.problem}`);
}

afterEach(() => {
  expect(takeDrifts(), 'answers that drift from the OpenAPI document').toEqual([]);
});

afterAll(() => {
  expect(takeDrifts(), 'answers that drift from the OpenAPI document (after the last test)').toEqual([]);
});

afterAll(() => {
  stopCapture();
  setActiveLogScan(undefined);
  // LOG_SCAN_DUMP=<file>: the captured lines appended there (to see what the scan read).
  const dump = process.env['LOG_SCAN_DUMP'];
  if (dump) appendFileSync(dump, `${logScan.lines.join('\n')}\n`);
  // The capture works: the handlers printed something (every request logs at least its start).
  const leaks = logScan.leaks().map((l) => `${l.kind} « ${l.match} » in: ${l.line}`);
  expect(leaks, `log lines holding personal data or a credential (${logScan.lines.length} lines scanned)`).toEqual([]);
});
