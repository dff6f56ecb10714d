// vitest globalSetup of the `browser` project (after the emulators' one): builds the console when
// dist/console is missing or older than its sources (scripts/build-console.ts).
import { ensureConsoleBuilt } from '../../../scripts/build-console.ts';

export default async function setup(): Promise<void> {
  const started = Date.now();
  const manifest = await ensureConsoleBuilt();
  console.log(`[console] build ready in ${Date.now() - started} ms (${Object.keys(manifest.pages).length} pages)`);
}
