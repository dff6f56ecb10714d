// vitest globalSetup of the `integration` and `e2e` projects: starts DynamoDB Local (in memory),
// fauxqs (SQS) and the SES v2 emulator once, and provides their endpoints to test files
// (`inject('emulators')`). Both projects list this file; the emulators are shared between them
// (reference-counted on globalThis, which is the same main vitest process) and stopped when
// the last project tears down. Test files isolate themselves with unique table and queue
// names, and filter emails by recipient (the SES store is shared).
import type { TestProject } from 'vitest/node';
import { startEmulators, type Emulators } from '../../scripts/local/emulators.ts';

interface Shared {
  emulators: Promise<Emulators>;
  users: number;
}

const KEY = Symbol.for('publik-club.test-emulators');
const registry = globalThis as unknown as Record<symbol, Shared | undefined>;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  let shared = registry[KEY];
  if (!shared) {
    const started = Date.now();
    shared = { emulators: startEmulators({ inMemory: true }), users: 0 };
    registry[KEY] = shared;
    shared.emulators.then(
      () => console.log(`[emulators] DynamoDB Local, fauxqs and SES emulator ready in ${Date.now() - started} ms`),
      () => undefined,
    );
  }
  shared.users += 1;
  let emulators: Emulators;
  try {
    emulators = await shared.emulators;
  } catch (error) {
    shared.users -= 1;
    if (registry[KEY] === shared) registry[KEY] = undefined;
    throw error;
  }
  project.provide('emulators', {
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    sqsEndpoint: emulators.sqsEndpoint,
    sesEndpoint: emulators.sesEndpoint,
    region: emulators.region,
  });
  const current = shared;
  return async () => {
    current.users -= 1;
    if (current.users > 0) return;
    if (registry[KEY] === current) registry[KEY] = undefined;
    await emulators.stop();
  };
}
