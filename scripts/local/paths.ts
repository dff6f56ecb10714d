// Well-known local paths, resolved from this file so every command works whatever its cwd.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Git-ignored folder for everything local: the emulator jar, persistent data, runtime state. */
export const localDir = join(projectRoot, '.local');
/** DynamoDB Local, extracted by scripts/setup-dynamodb-local.mjs (postinstall). */
export const dynamoDbLocalDir = join(localDir, 'dynamodb');
/** Default folder of the persistent DynamoDB Local database (`npm start` without --in-memory). */
export const dynamoDbDataDir = join(localDir, 'data', 'dynamodb');
/** Written by `npm start` so that `npm run sign` / `npm run tick` find the running instance. */
export const runtimeStateFile = join(localDir, 'runtime.json');
