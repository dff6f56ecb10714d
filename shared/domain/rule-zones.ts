// Time zones without Intl for the zones the club's series use (issue 21, cold start). Luxon
// resolves an IANA zone name through Intl.DateTimeFormat, whose first use in a process starts
// ICU (10–20 ms, more under load): on the data source's first request that was the largest
// cost left (`http-sessions`, 1.43×). The zones of metropolitan France and its neighbours
// follow the EU summer-time rule (CET/CEST: from the last Sunday of March to the last Sunday of
// October, at 01:00 UTC, Directive 2000/84/EC), and the French overseas zones keep a fixed
// offset: their offsets are computed here. From 2000 on only: an earlier instant, and any
// other zone, go through luxon's IANAZone as before. A test compares every offset with Intl's
// around each transition from 2000 to 2040; should a rule change (the EU has debated ending
// summer time), that test fails on the first year that differs, once the tz data knows it.
import { IANAZone, Settings, Zone } from 'luxon';

const FROM = Date.UTC(2000, 0, 1);

/** Zones following the EU summer-time rule with a standard offset of UTC+1. */
const CENTRAL_EUROPEAN = new Set([
  'Europe/Paris', 'Europe/Brussels', 'Europe/Luxembourg', 'Europe/Monaco', 'Europe/Andorra', 'Europe/Berlin',
  'Europe/Amsterdam', 'Europe/Madrid', 'Europe/Rome', 'Europe/Zurich', 'Europe/Vienna',
]);
/** French overseas zones: fixed offsets in minutes (no summer time since before 2000). */
const FIXED: Record<string, number> = {
  'America/Martinique': -240, 'America/Guadeloupe': -240, 'America/Cayenne': -180, 'America/Miquelon': -180,
  'Indian/Reunion': 240, 'Indian/Mayotte': 180, 'Pacific/Noumea': 660, 'Pacific/Tahiti': -600,
};

/** Day of the month of the last Sunday of `month` (0-based) in `year`. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return last - new Date(Date.UTC(year, month, last)).getUTCDay();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

class RuleZone extends Zone {
  private iana: IANAZone | undefined;

  constructor(
    private readonly zoneName: string,
    private readonly standard: number,
    private readonly summer: boolean,
  ) {
    super();
  }

  override get type(): string {
    return 'iana';
  }

  override get name(): string {
    return this.zoneName;
  }

  override get isUniversal(): boolean {
    return false;
  }

  override get isValid(): boolean {
    return true;
  }

  override offset(ts: number): number {
    if (ts < FROM) return this.fallback().offset(ts);
    if (!this.summer) return this.standard;
    const year = new Date(ts).getUTCFullYear();
    const start = Date.UTC(year, 2, lastSunday(year, 2), 1);
    const end = Date.UTC(year, 9, lastSunday(year, 9), 1);
    return ts >= start && ts < end ? this.standard + 60 : this.standard;
  }

  override formatOffset(ts: number, format: 'narrow' | 'short' | 'techie'): string {
    const offset = this.offset(ts);
    const hours = Math.trunc(Math.abs(offset) / 60);
    const minutes = Math.abs(offset) % 60;
    const sign = offset >= 0 ? '+' : '-';
    if (format === 'narrow') return `${sign}${hours}${minutes > 0 ? `:${minutes}` : ''}`;
    if (format === 'techie') return `${sign}${pad(hours)}${pad(minutes)}`;
    return `${sign}${pad(hours)}:${pad(minutes)}`;
  }

  /** Names of offsets (`CEST`…) need Intl: asked of the IANA zone, never on our paths. */
  override offsetName(ts: number, opts: { format?: 'short' | 'long'; locale?: string }): string | null {
    return this.fallback().offsetName(ts, opts as never);
  }

  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === this.zoneName;
  }

  private fallback(): IANAZone {
    return (this.iana ??= IANAZone.create(this.zoneName));
  }
}

// Without a default locale, luxon asks Intl for the system's (one Intl.DateTimeFormat) on the
// first DateTime or Duration of the process. en-US is what it finds on Lambda: the same
// behaviour, without ICU. Only when nothing set one before.
if (!Settings.defaultLocale) Settings.defaultLocale = 'en-US';

const cache = new Map<string, Zone | string>();

/**
 * The zone to hand luxon for an IANA name: computed without Intl for the zones above, else
 * the name itself (luxon then resolves it through Intl, as before).
 */
export function zoneOf(name: string): Zone | string {
  let zone = cache.get(name);
  if (zone === undefined) {
    zone = CENTRAL_EUROPEAN.has(name) ? new RuleZone(name, 60, true) : name in FIXED ? new RuleZone(name, FIXED[name] as number, false) : name;
    cache.set(name, zone);
  }
  return zone;
}
