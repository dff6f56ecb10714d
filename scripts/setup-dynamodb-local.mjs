// Fetches DynamoDB Local (the official emulator jar) from the npm registry, where it ships
// inside amplify-dynamodb-simulator. Installing that package as a dependency would pull
// ~280 packages (a second aws-cdk-lib among them), so we `npm pack` it and keep only the
// emulator folder. The tarball is checked against a pinned integrity before extraction.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const INTEGRITY =
  'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.local', 'dynamodb');
const stamp = join(target, 'VERSION');

if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === PACKAGE && existsSync(join(target, 'DynamoDBLocal.jar'))) {
  process.exit(0);
}

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
const packed = JSON.parse(
  execFileSync('npm', ['pack', PACKAGE, '--json', '--pack-destination', target], {
    cwd: target,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);
const tarball = join(target, packed[0].filename);
const actual = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
if (actual !== INTEGRITY) {
  rmSync(target, { recursive: true, force: true });
  console.error(`DynamoDB Local: integrity mismatch for ${PACKAGE}\n  expected ${INTEGRITY}\n  got      ${actual}`);
  process.exit(1);
}
execFileSync('tar', ['xzf', tarball, '-C', target, '--strip-components=2', 'package/emulator'], { stdio: 'inherit' });
rmSync(tarball);
writeFileSync(stamp, PACKAGE + '\n');
console.log(`DynamoDB Local installed in ${target}`);
