// Logs without people (contract-rgpd.md): every line the handlers print during a test file, at
// every level, is captured and scanned after its last test (tests/support/log-scan.ts). A setup
// file of the e2e project (through e2e-setup.ts) and of the browser project (vitest.config.ts),
// whose stacks run the functions in the test's process. The logger takes its level when it is
// built, so the level is set before any test module loads; `LOG_LEVEL=…` (vitest.config.ts)
// keeps printing the lines as well.
import { appendFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';
import { LogScan, setActiveLogScan } from './log-scan.ts';

process.env['POWERTOOLS_LOG_LEVEL'] = 'DEBUG';
const logScan = new LogScan();
logScan.allowEmail('club@example.org');
setActiveLogScan(logScan);
const stopCapture = logScan.capture({ echo: process.env['LOG_LEVEL'] !== undefined });

afterAll(() => {
  stopCapture();
  setActiveLogScan(undefined);
  // LOG_SCAN_DUMP=<file>: the captured lines appended there (to see what the scan read).
  const dump = process.env['LOG_SCAN_DUMP'];
  if (dump) appendFileSync(dump, `${logScan.lines.join('\n')}\n`);
  const leaks = logScan.leaks().map((l) => `${l.kind} « ${l.match} » in: ${l.line}`);
  expect(leaks, `log lines holding personal data or a credential (${logScan.lines.length} lines scanned)`).toEqual([]);
});
