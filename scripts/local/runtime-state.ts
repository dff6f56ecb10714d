// .local/runtime.json: how `npm run sign` / `npm run tick` find the running `npm start`.
// Kept free of heavy imports so those commands start fast.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { SigningKeys } from './dev-defaults.ts';
import { runtimeStateFile } from './paths.ts';
import type { TableId } from './tables.ts';

export interface LocalEndpoints {
  dynamodb: string;
  sqs: string;
  ses: string;
  /** Web page and JSON store of the SES emulator. */
  sesStore: string;
}

/** Contents of .local/runtime.json. */
export interface RuntimeState {
  baseUrl: string;
  endpoints: LocalEndpoints;
  keys: SigningKeys;
  adminToken: string;
  tables: Record<TableId, string>;
  pid: number;
  startedAt: string;
}

/**
 * Writes .local/runtime.json readable by its owner only (0600): it holds the signing keys and
 * the admin token. A file left by an older version with wider permissions is narrowed before
 * the new contents go in.
 */
export function writeRuntimeState(file: string, state: RuntimeState): void {
  if (existsSync(file)) chmodSync(file, 0o600);
  writeFileSync(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Reads .local/runtime.json; undefined when absent, unreadable or left by a dead process. */
export function readRuntimeState(file = runtimeStateFile): RuntimeState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as RuntimeState;
    if (typeof state.pid === 'number' && !isAlive(state.pid)) return undefined;
    return state;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

