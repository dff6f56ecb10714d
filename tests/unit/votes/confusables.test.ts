import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFUSABLES_MODULE, generateConfusablesModule } from '#scripts/generate-confusables.ts';

describe('confusables table', () => {
  it('is what the pinned Unicode data gives (run scripts/generate-confusables.ts after an upgrade)', () => {
    expect(readFileSync(CONFUSABLES_MODULE, 'utf8')).toBe(generateConfusablesModule());
  });
});
