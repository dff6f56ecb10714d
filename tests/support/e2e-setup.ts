// Runs in every e2e test file: a test during which an answer drifted from the OpenAPI document
// fails, naming the route, the status and what differs (tests/support/answer-validation.ts); and
// the log scan of every line the handlers print (tests/support/log-scan-setup.ts).
import { afterAll, afterEach, expect } from 'vitest';
import { answerChecks } from './answer-validation.ts';
import './log-scan-setup.ts';

function takeDrifts() {
  return answerChecks.drifts.splice(0).map((d) => `${d.routeKey} → ${d.problem}`);
}

afterEach(() => {
  expect(takeDrifts(), 'answers that drift from the OpenAPI document').toEqual([]);
});

afterAll(() => {
  expect(takeDrifts(), 'answers that drift from the OpenAPI document (after the last test)').toEqual([]);
});
