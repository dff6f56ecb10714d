// The answer validator of the e2e suite (tests/support/answer-validation.ts) is the one thing
// between a drifting answer and a green suite: it must see extra keys, wrong types, unknown
// err_class values, undocumented statuses and media types.
import { beforeAll, describe, expect, it } from 'vitest';
import { createAnswerValidator, type AnswerValidator } from '../../support/answer-validation.ts';
import { generateDocument } from '../../../scripts/openapi.ts';

let validator: AnswerValidator;
beforeAll(async () => {
  validator = createAnswerValidator(await generateDocument());
}, 60_000);

const json = (statusCode: number, body: unknown) => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

const cancelled = {
  registration_id: 'r-1',
  meeting_id: 'club-12',
  status: 'cancelled',
  in_waiting_list: false,
  email: 'a@example.org',
  days: [{ date: '2025-06-07', mode: 'onsite', status: 'cancelled', waiting_position: null }],
  workshops: [],
  evening_event: null,
  image_rights: null,
  replayed: false,
  api: { status_url: 'u', update_url: 'u', cancel_url: 'u', ics_url: 'u' },
};
const CANCEL = 'POST /registrations/{registrationId}/cancel';

describe('the e2e answer validator', () => {
  it('accepts an answer that fits its route', () => {
    expect(validator.check(CANCEL, json(200, { err: 0, data: cancelled }))).toBeUndefined();
    expect(validator.check(CANCEL, json(404, { err: 1, err_class: 'unknown-registration', err_desc: 'Inscription inconnue.' }))).toBeUndefined();
  });

  it('refuses an extra key, a missing key, a wrong type or value', () => {
    expect(validator.check(CANCEL, json(200, { err: 0, data: { ...cancelled, display_id: '12' } }))).toMatch(/additional/);
    const { email: _e, ...missing } = cancelled;
    expect(validator.check(CANCEL, json(200, { err: 0, data: missing }))).toMatch(/email/);
    expect(validator.check(CANCEL, json(200, { err: 0, data: { ...cancelled, in_waiting_list: 'no' } }))).toMatch(/boolean/);
    expect(validator.check(CANCEL, json(200, { err: 0, data: { ...cancelled, status: 'gone' } }))).toMatch(/allowed values/);
  });

  it('refuses an err_class the route does not declare, and an undocumented status or media type', () => {
    const registration = 'POST /meetings/{meetingId}/registrations';
    expect(validator.check(registration, json(200, { err: 1, err_class: 'day-full', err_desc: 'Complet.' }))).toBeUndefined();
    expect(validator.check(registration, json(200, { err: 1, err_class: 'sold-out', err_desc: 'Complet.' }))).toMatch(/\S/);
    expect(validator.check('GET /meetings', json(409, { err: 1, err_class: 'x', err_desc: 'x' }))).toMatch(/status 409 is not documented/);
    expect(validator.check('GET /meetings', { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' })).toMatch(/media type/);
    expect(validator.check('GET /nowhere', json(200, {}))).toMatch(/no operation/);
  });

  it('accepts the documented non-JSON answers (CSV, calendar files)', () => {
    expect(validator.check('GET /admin/meetings/{meetingId}', { statusCode: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: 'a;b' })).toBeUndefined();
    expect(validator.check('GET /registrations/{registrationId}/calendar.ics', { statusCode: 200, headers: { 'content-type': 'text/calendar' }, body: 'BEGIN:VCALENDAR' })).toBeUndefined();
  });
});
