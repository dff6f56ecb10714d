import { describe, expect, it } from 'vitest';
import { itemDefinitionsOf, withCounters } from '#shared/domain/meetings/items.ts';
import {
  countsSheet,
  eveningList,
  eveningSheet,
  imageRightsRefusals,
  meetingCounts,
  refusalsSheet,
  registrationList,
  registrationsSheet,
  rosterSheet,
  waitingPositionsOf,
  workshopRoster,
} from '#shared/domain/registrations/exports.ts';
import { sheetToCsv, type Sheet } from '#shared/domain/csv.ts';
import { keyBetween, ticketOrderKey } from '#shared/domain/registrations/waiting-order.ts';
import { NotFoundError } from '#shared/errors.ts';

import { alice, all, bruno, castMeeting as meeting, chloe, denis, eve, fanny } from './fakes.ts';


const column = (sheet: Sheet, row: number, header: string) => {
  const i = sheet.headers.indexOf(header);
  if (i < 0) throw new Error(`no column ${header}`);
  return sheet.rows[row]?.[i];
};

/** RFC 4180 reader (quoted fields, doubled quotes), enough to read our files back. */
function parseCsv(textIn: string, delimiter = ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < textIn.length; i++) {
    const c = textIn[i] as string;
    if (quoted) {
      if (c === '"' && textIn[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\r' && textIn[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('waiting positions', () => {
  it('ranks active holders of each waiting list by ticket', () => {
    const positions = waitingPositionsOf(all);
    expect(positions.get(denis.id)?.get('day:2025-06-07')).toBe(1);
    expect(positions.get(bruno.id)?.get('day:2025-06-07')).toBe(2);
    expect(positions.get(chloe.id)?.get('evening')).toBe(1);
    expect(positions.get(bruno.id)?.get('evening')).toBe(2);
    expect(positions.get(fanny.id)?.get('workshop:socle-personnes-morales')).toBe(1);
    expect(positions.get(chloe.id)?.get('workshop:socle-personnes-morales')).toBe(2);
    expect(positions.has(alice.id)).toBe(false);
  });

  it('follows where an organiser moved someone (their rank), not their ticket', () => {
    // Bruno (ticket after Denis's) moved before Denis: a rank below Denis's ticket key.
    const denisTicket = denis.items.find((h) => h.key === 'day:2025-06-07')!.ticket!;
    const moved = {
      ...bruno,
      items: bruno.items.map((h) => (h.key === 'day:2025-06-07' ? { ...h, rank: keyBetween(null, ticketOrderKey(denisTicket)) } : h)),
    };
    const positions = waitingPositionsOf(all.map((r) => (r.id === bruno.id ? moved : r)));
    expect(positions.get(bruno.id)?.get('day:2025-06-07')).toBe(1);
    expect(positions.get(denis.id)?.get('day:2025-06-07')).toBe(2);
    // The other lists are untouched.
    expect(positions.get(bruno.id)?.get('evening')).toBe(2);
  });
});

describe('registrations sheet', () => {
  const sheet = registrationsSheet(meeting, all);

  it('has French headers with one column per day, workshop, evening and check-in day', () => {
    expect(sheet.headers).toEqual([
      'Nom',
      'Prénom',
      'Courriel',
      'Organisation',
      'Type d’organisation',
      'Fonction',
      'Téléphone',
      'Profil',
      'Mercredi 7 juin',
      'Jeudi 8 juin',
      'Usagers et démarches',
      'Atelier 1 : Socle personnes morales',
      'Soirée',
      'Droit à l’image',
      'Version de la mention',
      'Nom sur le badge',
      'Régime alimentaire',
      'Accessibilité',
      'Présent le mercredi 7 juin',
      'Présent le jeudi 8 juin',
      'Statut',
      'N° du formulaire',
      'Inscrit·e le',
    ]);
  });

  it('lists active people only, in French alphabetical order', () => {
    expect(sheet.rows.map((r) => r[0])).toEqual(['Dupont', 'Étienne', 'Martin', 'Petit', 'Zola']);
  });

  it('writes French values for days, workshops, evening, image rights and status', () => {
    // Dupont: everything confirmed, checked in on the first day at 09:12 Paris time.
    expect(column(sheet, 0, 'Mercredi 7 juin')).toBe('Sur place');
    expect(column(sheet, 0, 'Atelier 1 : Socle personnes morales')).toBe('Inscrit·e');
    expect(column(sheet, 0, 'Usagers et démarches')).toBe('—');
    expect(column(sheet, 0, 'Soirée')).toBe('Inscrit·e');
    expect(column(sheet, 0, 'Droit à l’image')).toBe('Accepte');
    expect(column(sheet, 0, 'Version de la mention')).toBe(1);
    expect(column(sheet, 0, 'Profil')).toBe('Expert·e');
    expect(column(sheet, 0, 'Présent le mercredi 7 juin')).toBe('2025-06-07 09:12:00');
    expect(column(sheet, 0, 'Présent le jeudi 8 juin')).toBe('');
    expect(column(sheet, 0, 'Statut')).toBe('Confirmée');
    expect(column(sheet, 0, 'Inscrit·e le')).toBe('2025-05-01 10:30:00');
    expect(column(sheet, 0, 'N° du formulaire')).toBe(alice.form_number);
    // Martin: waiting on site day 1, remote day 2, workshop waiting for its day, evening waiting.
    expect(column(sheet, 2, 'Mercredi 7 juin')).toBe('Sur place (liste d’attente)');
    expect(column(sheet, 2, 'Jeudi 8 juin')).toBe('À distance');
    expect(column(sheet, 2, 'Usagers et démarches')).toBe('En attente du jour');
    expect(column(sheet, 2, 'Soirée')).toBe('Liste d’attente');
    expect(column(sheet, 2, 'Droit à l’image')).toBe('Refuse');
    expect(column(sheet, 2, 'Profil')).toBe('Nouvel·le utilisateur·rice');
    expect(column(sheet, 2, 'Nom sur le badge')).toBe('Bruno M.');
    expect(column(sheet, 2, 'Régime alimentaire')).toBe('Végétarien');
    expect(column(sheet, 2, 'Statut')).toBe('Liste d’attente');
    // Étienne: one day only, workshop on its waiting list.
    expect(column(sheet, 1, 'Mercredi 7 juin')).toBe('—');
    expect(column(sheet, 1, 'Atelier 1 : Socle personnes morales')).toBe('Liste d’attente');
    expect(column(sheet, 1, 'Statut')).toBe('Partielle');
    // Petit: no profile, no image-rights answer.
    expect(column(sheet, 3, 'Profil')).toBe('—');
    expect(column(sheet, 3, 'Droit à l’image')).toBe('—');
    expect(column(sheet, 3, 'Soirée')).toBe('—');
  });

  it('leaves out the evening column when the meeting has no evening event', () => {
    const noEvening = { ...meeting, evening_event: undefined };
    expect(registrationsSheet(noEvening, all).headers).not.toContain('Soirée');
  });
});

describe('CSV', () => {
  const sheet = registrationsSheet(meeting, all);
  const csv = sheetToCsv(sheet);

  it('starts with a UTF-8 byte order mark, separates with ; and ends records with CRLF', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]?.split(';')).toEqual(sheet.headers);
    expect(lines.filter((l) => l !== '')).toHaveLength(1 + 5);
    expect(csv.slice(1).replace(/\r\n/g, '')).not.toMatch(/\n/);
  });

  it('reads back to the same cells (quoted ;, quotes, accents)', () => {
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual(sheet.headers);
    const etienne = rows.find((r) => r[0] === 'Étienne') as string[];
    expect(etienne[sheet.headers.indexOf('Organisation')]).toBe('Ville de Paris; DSIN');
    expect(etienne[sheet.headers.indexOf('Régime alimentaire')]).toBe('Sans gluten, "sans lactose"');
    expect(rows.slice(1).map((r) => r[sheet.headers.indexOf('Statut')])).toEqual([
      'Confirmée',
      'Partielle',
      'Liste d’attente',
      'Partielle',
      'Liste d’attente',
    ]);
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    const rows = parseCsv(sheetToCsv({ headers: ['Nom', 'Téléphone'], rows: [['=HYPERLINK("x")', '+33 6 12 34 56 78']] }).slice(1));
    expect(rows[1]).toEqual(['\'=HYPERLINK("x")', "'+33 6 12 34 56 78"]);
  });
});

describe('registrations JSON list', () => {
  it('answers the contract statuses with positions and identity, without cancelled by default', () => {
    const list = registrationList(meeting, all);
    expect(list.map((r) => r.last_name)).toEqual(['Dupont', 'Étienne', 'Martin', 'Petit', 'Zola']);
    const martin = list.find((r) => r.last_name === 'Martin');
    expect(martin).toMatchObject({
      registration_id: bruno.id,
      status: 'waiting',
      profile: 'newcomer',
      image_rights: 'refused',
      badge_name: 'Bruno M.',
      days: [
        { date: '2025-06-07', mode: 'onsite', status: 'waiting', waiting_position: 2 },
        { date: '2025-06-08', mode: 'remote', status: 'confirmed', waiting_position: null },
      ],
      evening_event: { status: 'waiting', waiting_position: 2 },
    });
    expect(martin?.workshops[0]).toMatchObject({ id: 'usagers', waiting_for_day: true });
    expect(martin).not.toHaveProperty('api');
    expect(list.find((r) => r.last_name === 'Dupont')?.checked_in).toEqual({ '2025-06-07': '2025-06-07T07:12:00.000Z' });
  });

  it('includes cancelled registrations when asked', () => {
    const list = registrationList(meeting, all, { includeCancelled: true });
    expect(list).toHaveLength(6);
    expect(list.find((r) => r.registration_id === eve.id)).toMatchObject({ status: 'cancelled', cancelled_at: eve.cancelled_at });
  });
});

describe('workshop rosters', () => {
  it('lists confirmed people, then the waiting list in FIFO order with positions', () => {
    const roster = workshopRoster(meeting, all, 'socle-personnes-morales');
    expect(roster.workshop).toMatchObject({ id: 'socle-personnes-morales', day_label: 'Jeudi 8 juin', starts_at: '14:00' });
    expect(roster.entries.map((e) => [e.last_name, e.status, e.waiting_position])).toEqual([
      ['Dupont', 'confirmed', null],
      ['Petit', 'waiting', 1],
      ['Étienne', 'waiting', 2],
    ]);
    const sheet = rosterSheet(meeting, roster);
    expect(sheet.headers[0]).toBe('Statut');
    expect(sheet.rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['Inscrit·e', '', 'Dupont'],
      ['Liste d’attente', 1, 'Petit'],
      ['Liste d’attente', 2, 'Étienne'],
    ]);
  });

  it('shows people who chose the workshop while waiting for its day last, without position', () => {
    const roster = workshopRoster(meeting, all, 'usagers');
    expect(roster.entries.map((e) => [e.last_name, e.status, e.waiting_position])).toEqual([['Martin', 'waiting_for_day', null]]);
    expect(rosterSheet(meeting, roster).rows[0]?.[0]).toBe('En attente du jour');
  });

  it('refuses an unknown workshop with a 404', () => {
    expect(() => workshopRoster(meeting, all, 'nope')).toThrow(NotFoundError);
    expect(() => workshopRoster(meeting, all, 'nope')).toThrow('Atelier inconnu : « nope ».');
  });
});

describe('evening list', () => {
  it('lists confirmed then waiting people with their dietary requirements', () => {
    const list = eveningList(meeting, all);
    expect(list.entries.map((e) => [e.last_name, e.status, e.waiting_position, e.dietary_requirements])).toEqual([
      ['Dupont', 'confirmed', null, null],
      ['Étienne', 'waiting', 1, 'Sans gluten, "sans lactose"'],
      ['Martin', 'waiting', 2, 'Végétarien'],
    ]);
    const sheet = eveningSheet(list);
    expect(sheet.headers).toContain('Régime alimentaire');
    expect(sheet.rows[2]).toEqual(['Liste d’attente', 2, 'Martin', 'Bruno', 'Métropole de Lyon', bruno.email, 'Végétarien', '']);
  });

  it('answers 404 when the meeting has no evening event', () => {
    expect(() => eveningList({ ...meeting, evening_event: undefined }, all)).toThrow('Cette réunion n’a pas de soirée.');
  });
});

describe('"do not photograph" list', () => {
  it('lists active refusals with badge name, organisation and days on site', () => {
    const refusals = imageRightsRefusals(meeting, all);
    expect(refusals.map((r) => r.last_name)).toEqual(['Étienne', 'Martin']);
    expect(refusals[1]).toMatchObject({
      badge_name: 'Bruno M.',
      organisation: 'Métropole de Lyon',
      onsite_days: [{ date: '2025-06-07', label: 'Mercredi 7 juin', status: 'waiting' }],
    });
    const sheet = refusalsSheet(refusals);
    expect(sheet.headers).toEqual(['Nom', 'Prénom', 'Organisation', 'Nom sur le badge', 'Profil', 'Jours sur place']);
    expect(sheet.rows.map((r) => r[5])).toEqual(['Jeudi 8 juin', 'Mercredi 7 juin (liste d’attente)']);
  });
});

describe('live counts', () => {
  const items = withCounters(
    itemDefinitionsOf(meeting),
    new Map(
      Object.entries({
        'day:2025-06-07': { confirmed: 1, waiting: 2 },
        'day:2025-06-08': { confirmed: 3, waiting: 0 },
        'remote:2025-06-08': { confirmed: 1, waiting: 0 },
        'workshop:socle-personnes-morales': { confirmed: 1, waiting: 2 },
        evening: { confirmed: 1, waiting: 2 },
      }),
    ),
  );
  const counts = meetingCounts(meeting, items, all);

  it('counts registrations by status, places per item and check-ins per day', () => {
    expect(counts.registrations).toEqual({ active: 5, cancelled: 1, confirmed: 1, partial: 2, waiting: 2, image_rights_refused: 2 });
    expect(counts.days[0]).toEqual({
      date: '2025-06-07',
      label: 'Mercredi 7 juin',
      onsite: { capacity: 60, confirmed: 1, waiting: 2, available: 0 },
      remote: { capacity: null, confirmed: 0, waiting: 0, available: null },
      checked_in: 1,
    });
    expect(counts.days[1]?.onsite).toEqual({ capacity: 60, confirmed: 3, waiting: 0, available: 57 });
    expect(counts.workshops.find((w) => w.id === 'usagers')).toMatchObject({ confirmed: 0, waiting_for_day: 1 });
    expect(counts.evening_event).toMatchObject({ capacity: 80, confirmed: 1, waiting: 2 });
  });

  it('gives one CSV line per item', () => {
    const sheet = countsSheet(counts);
    expect(sheet.headers).toEqual(['Élément', 'Capacité', 'Inscrit·es', 'Liste d’attente', 'Places restantes', 'Présent·es']);
    expect(sheet.rows[0]).toEqual(['Mercredi 7 juin — sur place', 60, 1, 2, 0, 1]);
    expect(sheet.rows[1]).toEqual(['Mercredi 7 juin — à distance', 'illimité', 0, 0, 'illimité', '']);
    expect(sheet.rows).toHaveLength(2 * 2 + 2 + 1);
  });
});

describe('CSV hardening', () => {
  it('never writes control characters or bidi overrides, even from text stored before the input rule', async () => {
    const { sheetToCsv } = await import('#shared/domain/csv.ts');
    const csv = sheetToCsv({ headers: ['Nom'], rows: [['Dupont\u202E\u0000gpj.exe'], ['=HYPERLINK("x")']] });
    expect(csv).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
    expect(csv).toContain('Dupontgpj.exe');
    expect(csv).toContain(`'=HYPERLINK`);
  });
});
