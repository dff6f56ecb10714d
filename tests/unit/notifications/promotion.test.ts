import { describe, expect, it } from 'vitest';
import { describeItem, promotionCallbackBody, promotionEmail } from '#shared/domain/notifications/promotion.ts';
import { BASE_URL, club12Meeting, promotionContext } from './fakes.ts';

describe('describeItem', () => {
  const meeting = club12Meeting();

  it('names each kind of item with the organiser’s wording', () => {
    expect(describeItem(meeting, 'day:2025-06-07')).toEqual({
      key: 'day:2025-06-07',
      kind: 'day',
      label: 'Mercredi 7 juin',
      phrase: 'la journée du mercredi 7 juin sur place',
    });
    expect(describeItem(meeting, 'remote:2025-06-08')).toMatchObject({
      kind: 'remote',
      label: 'Jeudi 8 juin',
      phrase: 'la journée du jeudi 8 juin à distance',
    });
    expect(describeItem(meeting, 'workshop:socle-personnes-morales')).toMatchObject({
      kind: 'workshop',
      label: 'Atelier 1 : Socle personnes morales',
      phrase: 'l’atelier « Atelier 1 : Socle personnes morales »',
    });
    expect(describeItem(meeting, 'evening')).toMatchObject({ kind: 'evening', label: 'Soirée de la veille' });
  });

  it('quotes a day label of the organiser’s own instead of lower-casing it', () => {
    const custom = { ...meeting, days: meeting.days.map((d, i) => (i === 0 ? { ...d, label: 'Journée plénière' } : d)) };
    expect(describeItem(custom, 'day:2025-06-07').phrase).toBe('la journée « Journée plénière » sur place');
  });

  it('keeps the key of an item removed from the meeting since', () => {
    expect(describeItem(meeting, 'workshop:ancien-atelier')).toMatchObject({ kind: 'workshop', label: 'ancien-atelier' });
  });

  it('refuses a key that is no item', () => {
    expect(() => describeItem(meeting, 'nothing:here')).toThrow(/Unknown item key/);
  });
});

describe('promotionEmail', () => {
  it('tells the person in French what was confirmed, with her first name', () => {
    const email = promotionEmail(promotionContext());
    expect(email.to).toBe('camille.martin@ville.example.fr');
    expect(email.subject).toBe(
      'Une place s’est libérée : vous êtes inscrit·e à la journée du mercredi 7 juin sur place — 12e Club utilisateurs Publik',
    );
    expect(email.text).toMatch(/^Bonjour Camille,\n/);
    expect(email.text).toContain(
      'vous êtes désormais inscrit·e à la journée du mercredi 7 juin sur place (12e Club utilisateurs Publik, Villejuif).',
    );
    expect(email.html).toContain('<p>Bonjour Camille,</p>');
    expect(email.html).toContain('lang="fr"');
  });

  it('summarises the whole registration, waiting positions included', () => {
    const { text } = promotionEmail(promotionContext());
    expect(text).toContain('- Mercredi 7 juin : sur place, place confirmée');
    expect(text).toContain('- Jeudi 8 juin : sur place, place confirmée');
    expect(text).toContain(
      '- Atelier « Atelier 1 : Socle personnes morales » (Jeudi 8 juin, 14h00–16h00) : en liste d’attente (position 2)',
    );
    expect(text).toContain('- Soirée de la veille (Vendredi 6 juin) : place confirmée');
  });

  it('gives the evening event its own date, time and place (it is often the eve of the first day)', () => {
    const ctx = promotionContext();
    const evening = { ...ctx.meeting.evening_event!, starts_at: '19:30', venue: 'Le Bistrot du port' };
    const { text, html } = promotionEmail({ ...ctx, meeting: { ...ctx.meeting, evening_event: evening } });
    expect(text).toContain('- Soirée de la veille (Vendredi 6 juin, 19h30, Le Bistrot du port) : place confirmée');
    expect(html).toContain('Soirée de la veille (Vendredi 6 juin, 19h30, Le Bistrot du port)');
  });

  it('lists the workshops dropped at promotion', () => {
    const one = promotionEmail(promotionContext({ notification: { dropped_workshops: ['gru-et-demarches'] } }));
    expect(one.text).toContain('Un atelier que vous aviez choisi, complet entre-temps et sans liste d’attente, n’a pas pu être conservé :');
    expect(one.text).toContain('- Atelier 2 : GRU & démarches <en ligne>');
    const two = promotionEmail(promotionContext({ notification: { dropped_workshops: ['gru-et-demarches', 'socle-personnes-morales'] } }));
    expect(two.text).toContain('Des ateliers que vous aviez choisis, complets entre-temps et sans liste d’attente, n’ont pas pu être conservés :');
    const none = promotionEmail(promotionContext());
    expect(none.text).not.toContain('conservé');
  });

  it('escapes what organisers and people typed in the HTML version', () => {
    const email = promotionEmail(
      promotionContext({
        notification: { dropped_workshops: ['gru-et-demarches'] },
        registration: { first_name: '<b>Camille</b>' },
      }),
    );
    expect(email.html).toContain('Atelier 2 : GRU &amp; démarches &lt;en ligne&gt;');
    expect(email.html).toContain('Bonjour &lt;b&gt;Camille&lt;/b&gt;,');
    expect(email.html).not.toContain('<b>Camille');
  });

  it('greets without a name when the form gave none, and points to the form by its number', () => {
    const email = promotionEmail(promotionContext({ registration: { first_name: undefined } }));
    expect(email.text).toMatch(/^Bonjour,\n/);
    expect(email.text).toContain('depuis votre demande d’inscription (demande n° 12-34).');
    const noNumber = promotionEmail(promotionContext({ registration: { form_number: undefined } }));
    expect(noNumber.text).toContain('depuis votre demande d’inscription.');
  });

  it('never links to the signed API routes, which a browser could not open; only to the calendar file', () => {
    const ctx = promotionContext();
    const email = promotionEmail(ctx);
    const links = (text: string) => [...text.matchAll(/https?:\/\/[^\s"<]+/g)].map((m) => m[0].replace(/&amp;/g, '&'));
    expect(links(email.text)).toEqual([ctx.answer.api.ics_url]);
    expect(links(email.html)).toEqual([ctx.answer.api.ics_url]);
    for (const signed of [ctx.answer.api.status_url, ctx.answer.api.cancel_url]) {
      expect(email.text).not.toContain(`${signed} `);
      expect(email.text.split(/\s/)).not.toContain(signed);
    }
    expect(ctx.answer.api.ics_url).toContain('token=');
  });

  it('names a workshop promotion, a remote day and a workshop without its on-site day', () => {
    const email = promotionEmail(
      promotionContext({
        notification: { item_key: 'workshop:socle-personnes-morales' },
        registration: {
          days: [
            { date: '2025-06-07', mode: 'remote' },
            { date: '2025-06-08', mode: 'onsite' },
          ],
          workshops: ['socle-personnes-morales', 'gru-et-demarches'],
          evening_event: false,
          items: [
            { key: 'remote:2025-06-07', status: 'confirmed' },
            { key: 'day:2025-06-08', status: 'confirmed' },
            { key: 'workshop:socle-personnes-morales', status: 'confirmed' },
          ],
        },
        positions: new Map(),
      }),
    );
    expect(email.subject).toBe(
      'Une place s’est libérée : vous êtes inscrit·e à l’atelier « Atelier 1 : Socle personnes morales » — 12e Club utilisateurs Publik',
    );
    expect(email.text).toContain('- Mercredi 7 juin : à distance');
    expect(email.text).toContain('- Atelier « Atelier 1 : Socle personnes morales » (Jeudi 8 juin, 14h00–16h00) : place confirmée');
    expect(email.text).toContain(
      '- Atelier « Atelier 2 : GRU & démarches <en ligne> » (Jeudi 8 juin, 14h00–16h00) : en attente d’une place sur place ce jour-là',
    );
    expect(email.text).not.toContain('Soirée');
  });
});

describe('promotionCallbackBody', () => {
  it('carries the event, the item and the contract answer of the registration', () => {
    const body = promotionCallbackBody(promotionContext({ notification: { dropped_workshops: ['gru-et-demarches'] } }));
    expect(body).toMatchObject({
      event: 'registration.promoted',
      registration_id: 'rabcdefghijklmnopqrstuvwx',
      meeting_id: 'club-12',
      item: { key: 'day:2025-06-07', kind: 'day', label: 'Mercredi 7 juin' },
      dropped_workshops: ['gru-et-demarches'],
      registration: {
        registration_id: 'rabcdefghijklmnopqrstuvwx',
        status: 'partial',
        in_waiting_list: true,
        replayed: false,
        api: {
          status_url: `${BASE_URL}/registrations/rabcdefghijklmnopqrstuvwx`,
          cancel_url: `${BASE_URL}/registrations/rabcdefghijklmnopqrstuvwx/cancel`,
        },
      },
    });
    expect(body.registration.days[0]).toEqual({ date: '2025-06-07', mode: 'onsite', status: 'confirmed', waiting_position: null });
  });

  it('never holds a display_id (w.c.s. would renumber the form)', () => {
    expect(JSON.stringify(promotionCallbackBody(promotionContext()))).not.toContain('display_id');
  });
});
