import { describe, expect, it } from 'vitest';
import { compareOrderKeys, keyBetween, planMove, positionIn, ticketOrderKey, waitingOrderKey } from '#shared/domain/registrations/waiting-order.ts';

const line = (...ids: string[]) => ids.map((id, i) => ({ registrationId: id, key: ticketOrderKey(i + 1) }));

describe('waiting order keys', () => {
  it('sorts tickets as the stored entries always did, and a moved entry by its rank', () => {
    expect(ticketOrderKey(7)).toBe('000000000007');
    expect(waitingOrderKey({ ticket: 7 })).toBe('000000000007');
    expect(waitingOrderKey({ ticket: 7, rank: '0000000000045' })).toBe('0000000000045');
  });

  it('finds a key strictly between any two, however many times the same gap is split', () => {
    let low = ticketOrderKey(4);
    const high = ticketOrderKey(5);
    for (let i = 0; i < 200; i++) {
      const k = keyBetween(low, high);
      expect(compareOrderKeys(low, k)).toBe(-1);
      expect(compareOrderKeys(k, high)).toBe(-1);
      low = k;
    }
    let top = ticketOrderKey(1);
    for (let i = 0; i < 200; i++) {
      const k = keyBetween(null, top);
      expect(compareOrderKeys(k, top)).toBe(-1);
      top = k;
    }
    // Across a power of ten and a wide gap: still between, still canonical.
    expect(keyBetween(ticketOrderKey(9), ticketOrderKey(10))).toBe('0000000000095');
    expect(keyBetween(ticketOrderKey(8), ticketOrderKey(12))).toBe('000000000010');
  });

  it('refuses bounds in the wrong order', () => {
    expect(() => keyBetween(ticketOrderKey(5), ticketOrderKey(4))).toThrow(RangeError);
  });
});

describe('planMove', () => {
  it('puts the person between the neighbours of the position asked for', () => {
    const l = line('a', 'b', 'c', 'd');
    const first = planMove(l, 'd', 1, ticketOrderKey(5))!;
    expect(first).toMatchObject({ from: 4, to: 1, length: 4 });
    expect(compareOrderKeys(first.rank!, l[0]!.key)).toBe(-1);
    const second = planMove(l, 'a', 3, ticketOrderKey(5))!;
    expect(second).toMatchObject({ from: 1, to: 3 });
    // After c (the 3rd once a is out), before d.
    expect(compareOrderKeys(l[2]!.key, second.rank!)).toBe(-1);
    expect(compareOrderKeys(second.rank!, l[3]!.key)).toBe(-1);
  });

  it('moves to the end below the next ticket, so that later joins stay behind', () => {
    const l = line('a', 'b', 'c');
    const last = planMove(l, 'a', 99, ticketOrderKey(4))!;
    expect(last).toMatchObject({ from: 1, to: 3 });
    expect(compareOrderKeys(l[2]!.key, last.rank!)).toBe(-1);
    expect(compareOrderKeys(last.rank!, ticketOrderKey(4))).toBe(-1);
  });

  it('writes nothing for the position held, and knows nobody absent from the list', () => {
    expect(planMove(line('a', 'b'), 'b', 2, ticketOrderKey(3))).toEqual({ rank: null, from: 2, to: 2, length: 2 });
    expect(planMove(line('a', 'b'), 'z', 1, ticketOrderKey(3))).toBeUndefined();
  });
});

describe('positionIn', () => {
  it('answers the keys sorting before, plus one, as a COUNT of sk < key does, on a list with moved entries', () => {
    // Tickets 1..30 with entries moved between others (ranks), read in stored order.
    const keys = Array.from({ length: 30 }, (_, i) => ticketOrderKey(i + 1));
    keys.push(keyBetween(null, ticketOrderKey(1)), keyBetween(ticketOrderKey(7), ticketOrderKey(8)), keyBetween(ticketOrderKey(29), ticketOrderKey(31)));
    const order = [...keys].sort(compareOrderKeys);
    for (const key of keys) expect(positionIn(order, key)).toBe(order.filter((k) => compareOrderKeys(k, key) < 0).length + 1);
    expect(positionIn(order, keyBetween(null, ticketOrderKey(1)))).toBe(1);
    // A key no longer on the list (left meanwhile) is placed where it would sort, like the count.
    expect(positionIn(order, ticketOrderKey(31))).toBe(order.length + 1);
    expect(positionIn([], ticketOrderKey(4))).toBe(1);
  });
});
