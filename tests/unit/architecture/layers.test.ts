// The layering of docs/architecture.md, checked on the real tree with dependency-cruiser and the
// rules of .dependency-cruiser.cjs: the domain never imports the Lambda layer, the adapters, the
// composition roots or the AWS SDK; the Publik module never imports the domain; no import cycle.
// The second test proves the rules bite, on a small tree that breaks each of them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseOptions, type IConfiguration } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const config = createRequire(import.meta.url)(path.join(root, '.dependency-cruiser.cjs')) as IConfiguration;

async function violationsOf(baseDir: string, folders: string[]) {
  const options: ICruiseOptions = {
    ...(await extractDepcruiseOptions(path.join(root, '.dependency-cruiser.cjs'))),
    validate: true,
    ruleSet: { forbidden: config.forbidden ?? [] },
    baseDir,
  };
  const result = await cruise(folders, options, undefined, { tsConfig: extractTSConfig(path.join(root, 'tsconfig.json')) });
  if (typeof result.output === 'string') throw new Error('dependency-cruiser gave a text report');
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`);
}

describe('layers', () => {
  it('shared/ and functions/ break no rule and hold no import cycle', async () => {
    expect(await violationsOf(root, ['shared', 'functions'])).toEqual([]);
  }, 120_000);

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'layers-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the rules catch a forbidden import and a cycle', async () => {
    const files: Record<string, string> = {
      'shared/lambda/logger.ts': 'export const logger = {};\n',
      'shared/domain/errors.ts': 'export class E extends Error {}\n',
      'shared/domain/a/service.ts': "import { logger } from '../../lambda/logger.ts';\nimport { b } from './b.ts';\nexport const a = () => [logger, b];\n",
      'shared/domain/a/b.ts': "import { a } from './service.ts';\nexport const b = () => a;\n",
      'shared/publik/host.ts': "import { E } from '../domain/errors.ts';\nexport const host = E;\n",
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
      writeFileSync(path.join(scratch, file), text);
    }
    const found = await violationsOf(scratch, ['shared']);
    expect(found).toEqual(
      expect.arrayContaining([
        'domain-free-of-runtime: shared/domain/a/service.ts → shared/lambda/logger.ts',
        'publik-free-of-domain: shared/publik/host.ts → shared/domain/errors.ts',
        expect.stringMatching(/^no-cycle: shared\/domain\/a\/(b|service)\.ts → shared\/domain\/a\/(b|service)\.ts/),
      ]),
    );
  }, 120_000);
});
