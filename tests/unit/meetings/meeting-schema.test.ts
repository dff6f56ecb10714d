import { describe, expect, it } from 'vitest';
import example from '#tests/fixtures/admin-meeting-club-12.json' with { type: 'json' };
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { parseInput } from '#shared/lambda/validation.ts';
import { InvalidRequestError } from '#shared/errors.ts';

const clone = () => structuredClone(example) as Record<string, any>;

function issuesOf(body: unknown) {
  try {
    parseInput(MeetingInputSchema, body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return (error as InvalidRequestError).details?.errors ?? [];
  }
  throw new Error('expected the body to be refused');
}

describe('MeetingInputSchema', () => {
  it('accepts the contract example as is', () => {
    const meeting = parseInput(MeetingInputSchema, example);
    expect(meeting.days).toHaveLength(2);
    expect(meeting.days[0]).toMatchObject({ date: '2025-06-07', onsite_capacity: 60, waiting_list: true });
    expect(meeting.days[0]?.remote_capacity).toBeUndefined();
    expect(meeting.workshops[0]?.capacity).toBe(25);
    expect(meeting.evening_event).toMatchObject({ capacity: 80, waiting_list: false });
  });

  it('accepts numbers and booleans sent as strings, and defaults the time zone', () => {
    const body = clone();
    delete body.timezone;
    body.days[0].onsite_capacity = '60';
    body.days[0].waiting_list = 'oui';
    body.days[1].remote_capacity = '40';
    body.unknown_key = 'ignored';
    const meeting = parseInput(MeetingInputSchema, body);
    expect(meeting.timezone).toBe('Europe/Paris');
    expect(meeting.days[0]).toMatchObject({ onsite_capacity: 60, waiting_list: true });
    expect(meeting.days[1]?.remote_capacity).toBe(40);
    expect(meeting).not.toHaveProperty('unknown_key');
  });

  it('names each faulty field in French', () => {
    const body = clone();
    delete body.title;
    body.days[0].onsite_capacity = 'soixante';
    body.workshops[0].day = '2025-06-09';
    body.workshops[0].ends_at = '13:00';
    body.timezone = 'Mars/Olympus';
    const issues = issuesOf(body);
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['title', 'days[0].onsite_capacity', 'timezone']),
    );
    expect(issues.find((i) => i.path === 'timezone')?.message).toMatch(/Fuseau horaire inconnu/);
  });

  it('checks cross-field rules: unknown workshop day, times, duplicates, window', () => {
    const body = clone();
    body.workshops.push({ ...body.workshops[0], day: '2025-06-09' });
    body.workshops[0].ends_at = '14:00';
    body.days.push({ ...body.days[0] });
    body.registration_closes_at = '2025-03-01T00:00:00+01:00';
    const issues = issuesOf(body);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath['workshops[1].day']).toBe('Le jour 2025-06-09 ne fait pas partie des jours de la réunion.');
    expect(byPath['workshops[1].id']).toMatch(/Atelier en double/);
    expect(byPath['workshops[0].ends_at']).toMatch(/finir après son début/);
    expect(byPath['days[2].date']).toMatch(/Jour en double/);
    expect(byPath['registration_closes_at']).toMatch(/doit suivre leur ouverture/);
  });

  it('the error description lists the fields', () => {
    const body = clone();
    body.days = [];
    body.venue = '';
    expect(() => parseInput(MeetingInputSchema, body)).toThrow(/venue : .*days : Au moins un jour est requis/);
  });
});
