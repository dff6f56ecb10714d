// docs/rgpd.md is the register of processing a member authority's DPO fills in: the retention
// periods it states must be the ones the code applies, and its storage region the stack's.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_RETENTION_YEARS } from '#shared/domain/audit/record.ts';
import { DEFAULT_REGION, stageConfig } from '#infra/stage-config.ts';

const doc = readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'docs', 'rgpd.md'), 'utf8');

/** `<!-- retention: NAME -->**N jours**` (or `ans`) → [NAME, N, unit] for every marked duration. */
function statedDurations(text: string): Array<[string, number, string]> {
  return [...text.matchAll(/<!-- retention: ([A-Z_]+) -->\*\*(\d+) (jours|ans)\*\*/g)].map((m) => [m[1] as string, Number(m[2]), m[3] as string]);
}

// The retention rules of the people context (shared/domain/people/retention.ts, branch rgpd-data).
// Until that module is there, the durations are held to the contract's table instead.
const CONTRACT_DAYS: Record<string, number> = {
  DEFAULT_RETENTION_DAYS: 365,
  SUBSCRIPTION_AFTER_SERIES_DAYS: 90,
  DELIVERY_LINE_DAYS: 90,
  SURVEY_MARKER_DAYS: 30,
};
async function retentionConstants(): Promise<Record<string, number>> {
  const module = '#shared/domain/people/retention.ts';
  const rules = (await import(/* @vite-ignore */ module).catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!rules) return CONTRACT_DAYS;
  return Object.fromEntries(Object.keys(CONTRACT_DAYS).map((name) => [name, rules[name] as number]));
}

describe('docs/rgpd.md', () => {
  it('states every retention period the code applies, with the code’s values', async () => {
    const stated = statedDurations(doc);
    const days = await retentionConstants();
    const expected: Record<string, [number, string]> = {
      ...Object.fromEntries(Object.entries(days).map(([name, value]) => [name, [value, 'jours'] as [number, string]])),
      AUDIT_RETENTION_YEARS: [AUDIT_RETENTION_YEARS, 'ans'],
    };
    // Each constant is stated at least once, and every statement of it agrees.
    expect([...new Set(stated.map(([name]) => name))].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, value, unit] of stated) expect([value, unit], name).toEqual(expected[name]);
  });

  it('would notice a period that differs from the code', () => {
    const changed = doc.replace('<!-- retention: AUDIT_RETENTION_YEARS -->**5 ans**', '<!-- retention: AUDIT_RETENTION_YEARS -->**3 ans**');
    expect(statedDurations(changed).some(([name, value]) => name === 'AUDIT_RETENTION_YEARS' && value !== AUDIT_RETENTION_YEARS)).toBe(true);
  });

  it('names the region the stack and its data are deployed to', () => {
    const region = /<!-- region -->\*\*([a-z0-9-]+) \([^)]*\)\*\*<!-- \/region -->/.exec(doc)?.[1];
    expect(region).toBe(DEFAULT_REGION);
    expect(stageConfig('prod', { mailFrom: 'club@club.example.org', alarmEmail: 'ops@club.example.org' }).region).toBe(region);
    expect(stageConfig('dev').region).toBe(region);
  });

  it('refuses a region outside the European Union', () => {
    expect(() => stageConfig('dev', { region: 'us-east-1' })).toThrow(/European Union/);
    expect(() => stageConfig('dev', { region: 'eu-west-2' })).toThrow(/European Union/);
    expect(stageConfig('dev', { region: 'eu-central-1' }).region).toBe('eu-central-1');
  });
});
