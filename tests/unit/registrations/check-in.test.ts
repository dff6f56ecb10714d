// The door's rule (shared/domain/registrations/check-in.ts): who may be marked present on a day.
import { describe, expect, it } from 'vitest';
import { assertCanCheckIn } from '#shared/domain/registrations/check-in.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import { ConflictError } from '#shared/errors.ts';
import { alice, bruno, castMeeting as meeting, denis, eve } from './fakes.ts';

describe('check-in rule', () => {
  const refusal = (reg: Registration, day: string) => {
    try {
      assertCanCheckIn(meeting, reg, day);
    } catch (error) {
      return error;
    }
    throw new Error('check-in was allowed');
  };

  it('allows someone confirmed on site that day', () => {
    expect(() => assertCanCheckIn(meeting, alice, '2025-06-08')).not.toThrow();
  });

  it.each([
    ['waiting on site', bruno, '2025-06-07', 'Bruno Martin est en liste d’attente pour le mercredi 7 juin : sa place sur place n’est pas confirmée.'],
    ['remote', bruno, '2025-06-08', 'Bruno Martin participe à distance le jeudi 8 juin.'],
    ['not registered that day', denis, '2025-06-08', 'Denis Zola n’est pas inscrit·e le jeudi 8 juin.'],
    ['cancelled', eve, '2025-06-07', 'Cette inscription (Eve Annulée) a été annulée.'],
    ['not a meeting day', alice, '2025-06-09', 'Le 2025-06-09 n’est pas un jour de la réunion « 12e Club utilisateurs Publik ».'],
  ])('refuses someone %s with a 409 not-attending', (_what, reg, day, message) => {
    const error = refusal(reg, day);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ statusCode: 409, code: 'not-attending', message });
  });
});
