// The order of a waiting list. Each waiting entry is stored under a sort key; a person's
// position is the number of entries whose key sorts before theirs, plus one, so positions are
// dense and unique by construction whatever joins, leaves, promotions and moves do. Joining
// takes the next FIFO ticket (its key: the ticket zero-padded to 12 digits, so that every new
// ticket sorts after every key already stored); an organiser's move gives the entry a key
// strictly between its new neighbours' (`rank`), and the next promotion follows it. Pure.
//
// Keys are decimal digit strings read as fractions (0.<digits>): between any two there is
// another, one or two digits longer (the midpoint), and BigInt keeps it exact. The keys stored
// before moves existed are the padded tickets, which is why this is not a library's format
// (fractional-indexing's keys carry a length prefix the stored tickets lack).
import type { HeldItem } from './schema.ts';

const TICKET_DIGITS = 12;

/** The sort key of a FIFO ticket (the waiting entries' key since the first list). */
export const ticketOrderKey = (ticket: number): string => String(ticket).padStart(TICKET_DIGITS, '0');

/** Where a held waiting item sorts: the key an organiser's move gave it, else its ticket's. */
export const waitingOrderKey = (held: Pick<HeldItem, 'ticket' | 'rank'>): string => held.rank ?? ticketOrderKey(held.ticket ?? 0);

/** The stored order (DynamoDB compares sort keys byte by byte; keys are ASCII digits). */
export const compareOrderKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The 1-based position of `key` on a list read in stored order (`order`: its entries' sort
 * keys, ascending): the keys that sort before it, plus one — what a COUNT of `sk < key` answers.
 */
export function positionIn(order: readonly string[], key: string): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareOrderKeys(order[mid] as string, key) < 0) low = mid + 1;
    else high = mid;
  }
  return low + 1;
}

/** Drops the zeros that add nothing, down to the tickets' 12 digits (one key per value). */
function canonical(digits: string): string {
  const trimmed = digits.replace(/0+$/, '');
  return trimmed.length >= TICKET_DIGITS ? trimmed : trimmed.padEnd(TICKET_DIGITS, '0');
}

/**
 * A key sorting strictly after `low` (null: the start of the list) and strictly before `high`.
 * Both are keys of this module (padded tickets or earlier midpoints), `low < high`.
 */
export function keyBetween(low: string | null, high: string): string {
  const a = low ?? '0'.repeat(TICKET_DIGITS);
  if (!(a < high) && low !== null) throw new RangeError('keyBetween: low must sort before high');
  // One digit more than the longer key: the two differ by at least 10 units at that scale.
  const width = Math.max(a.length, high.length) + 1;
  const sum = BigInt(a.padEnd(width, '0')) + BigInt(high.padEnd(width, '0'));
  // sum / 2 is exact with one more digit: sum * 5 over width + 1 digits.
  const mid = (sum * 5n).toString().padStart(width + 1, '0');
  return canonical(mid);
}

/** One entry of a waiting list as read, in order. */
export interface LineEntry {
  registrationId: string;
  /** The stored sort key. */
  key: string;
}

export interface MovePlan {
  /** The key the entry takes (the entry does not move when it is already there: null). */
  rank: string | null;
  /** 1-based positions before and after the move. */
  from: number;
  to: number;
  /** People waiting on the list as read. */
  length: number;
}

/**
 * Where `registrationId` goes to be at `position` (1-based; beyond the end: last). `nextTicket`
 * is the key of the next ticket the list will give (every later join sorts after it), the
 * upper bound of a move to the end. Undefined when the registration is not on the list.
 */
export function planMove(line: readonly LineEntry[], registrationId: string, position: number, nextTicket: string): MovePlan | undefined {
  const index = line.findIndex((e) => e.registrationId === registrationId);
  if (index < 0) return undefined;
  const others = line.filter((_, i) => i !== index);
  const to = Math.min(Math.max(1, position), line.length);
  if (to === index + 1) return { rank: null, from: to, to, length: line.length };
  const before = to >= 2 ? (others[to - 2]?.key ?? null) : null;
  const after = others[to - 1]?.key ?? nextTicket;
  return { rank: keyBetween(before, after), from: index + 1, to, length: line.length };
}
