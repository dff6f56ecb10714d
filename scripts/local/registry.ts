// Every function of functions/manifest.ts, with a lazy loader, for the local runtime and tests.
// `scheduledFunctions` and `queueConsumers` are read from the manifest when it exports arrays of
// those names (entries need at least `name` and `entry`), and are empty otherwise.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as manifest from '#functions/manifest.ts';
import type { GatewayFunction, HttpHandler } from './gateway.ts';
import { projectRoot } from './paths.ts';
import type { SqsHandler } from './queue-poller.ts';
import type { ScheduledHandler } from './scheduler.ts';

export interface LocalFunction<H> {
  name: string;
  /** Project-relative entry file, as in the manifest. */
  entry: string;
  /** Imports the entry (cached by the module system) and returns its `handler` export. */
  load: () => Promise<H>;
}

export interface LocalQueueConsumer extends LocalFunction<SqsHandler> {
  /** The whole manifest entry, for queue settings (name, env var, batch size...). */
  spec: Record<string, unknown>;
}

/**
 * Imports `<project>/<entry>` and returns its `handler`. Must be called only after process.env
 * holds the configuration: our handlers read it at module load.
 */
export async function loadHandler<H>(entry: string, exportName = 'handler'): Promise<H> {
  const url = pathToFileURL(resolve(projectRoot, entry)).href;
  const mod = (await import(url)) as Record<string, unknown>;
  const handler = mod[exportName];
  if (typeof handler !== 'function') throw new Error(`${entry} does not export a function named "${exportName}"`);
  return handler as H;
}

function entriesOf(exportName: string): Array<Record<string, unknown> & { name: string; entry: string }> {
  const value = (manifest as unknown as Record<string, unknown>)[exportName];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`functions/manifest.ts: "${exportName}" must be an array`);
  return value.map((item: unknown, i) => {
    const spec = item as Record<string, unknown> | null;
    if (!spec || typeof spec['name'] !== 'string' || typeof spec['entry'] !== 'string') {
      throw new Error(`functions/manifest.ts: ${exportName}[${i}] needs string "name" and "entry"`);
    }
    return spec as Record<string, unknown> & { name: string; entry: string };
  });
}

/** The HTTP functions, ready for startGateway. */
export const httpFunctions: Array<GatewayFunction & { entry: string }> = manifest.httpFunctions.map((fn) => ({
  name: fn.name,
  entry: fn.entry,
  routes: [...fn.routes],
  load: () => loadHandler<HttpHandler>(fn.entry),
}));

export const scheduledFunctions: Array<LocalFunction<ScheduledHandler>> = entriesOf('scheduledFunctions').map((spec) => ({
  name: spec.name,
  entry: spec.entry,
  load: () => loadHandler<ScheduledHandler>(spec.entry),
}));

export const queueConsumers: LocalQueueConsumer[] = entriesOf('queueConsumers').map((spec) => ({
  name: spec.name,
  entry: spec.entry,
  spec,
  load: () => loadHandler<SqsHandler>(spec.entry),
}));
