// Writes shared/domain/votes/confusables.generated.ts from Unicode's confusables.txt as shipped
// by the pinned devDependency `unhomoglyph`. Run after upgrading that package:
//   npx tsx scripts/generate-confusables.ts
// A unit test (tests/unit/votes/confusables.test.ts) fails while the committed file differs.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deriveTable, tableModule } from '#shared/domain/votes/confusable-folding.ts';

const require = createRequire(import.meta.url);

export const CONFUSABLES_MODULE = fileURLToPath(new URL('../shared/domain/votes/confusables.generated.ts', import.meta.url));

/** The generated module's text, from the installed package. */
export function generateConfusablesModule(): string {
  const data = require('unhomoglyph/data.json') as Record<string, string>;
  const { version } = require('unhomoglyph/package.json') as { version: string };
  return tableModule(deriveTable(data), `unhomoglyph@${version} (Unicode confusables.txt)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CONFUSABLES_MODULE, generateConfusablesModule());
  console.log(`wrote ${CONFUSABLES_MODULE}`);
}
