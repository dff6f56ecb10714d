// .local/runtime.json: how `npm run sign` / `npm run tick` find the running `npm start`.
// Kept free of heavy imports so those commands start fast.
import { existsSync, readFileSync } from 'node:fs';
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

