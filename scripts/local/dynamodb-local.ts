// DynamoDB Local (the official emulator jar) as a java child process on a loopback port.
// The jar is extracted to .local/dynamodb by scripts/setup-dynamodb-local.mjs (postinstall).
//
// Cleanup is layered so that no java process outlives us:
//  - stop() sends SIGTERM, then SIGKILL after 3 s;
//  - a process 'exit' hook kills it synchronously (normal exit, uncaught error);
//  - a tiny `sh` watchdog holds a pipe from us and kills java when that pipe closes, which
//    also covers the cases where this process is SIGKILLed and no JavaScript runs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localClientConfig } from './aws.ts';
import { dynamoDbDataDir, dynamoDbLocalDir, projectRoot } from './paths.ts';
import { dirname } from 'node:path';

export interface DynamoDbLocalOptions {
  /** Fixed port; a free loopback port when absent or 0. */
  port?: number;
  /** Keep everything in memory (lost on stop). Default false: persistent in `dbPath`. */
  inMemory?: boolean;
  /** Folder of the persistent database (created). Default .local/data/dynamodb. */
  dbPath?: string;
  /** Milliseconds to wait for the first answer. Default 30 000. */
  readyTimeoutMs?: number;
  /**
   * JVM options. Default: env DYNAMODB_LOCAL_JVM_ARGS (space-separated; empty string = JVM
   * defaults) if set, else FAST_START_JVM_ARGS.
   */
  jvmArgs?: string[];
}

/** C1 compiler only and serial GC: quicker start and fewer threads on small machines. */
export const FAST_START_JVM_ARGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

function defaultJvmArgs(): string[] {
  const fromEnv = process.env['DYNAMODB_LOCAL_JVM_ARGS'];
  if (fromEnv === undefined) return FAST_START_JVM_ARGS;
  return fromEnv.split(/\s+/).filter((a) => a !== '');
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 3_000;
const OUTPUT_TAIL_CHARS = 8_000;

/** Asks the OS for a free TCP port on the loopback interface. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error('Could not get a free port'))));
    });
  });
}

function assertJavaAvailable(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  const code = (probe.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    throw new Error(
      'DynamoDB Local needs Java, and `java` is not on PATH. Install it with:\n' +
        '  apt-get install -y openjdk-17-jre-headless',
    );
  }
  if (probe.error) throw new Error(`Could not run \`java -version\`: ${probe.error.message}`);
}

function assertJarExtracted(): void {
  if (!existsSync(join(dynamoDbLocalDir, 'DynamoDBLocal.jar'))) {
    throw new Error(
      `DynamoDB Local is missing (${join(dynamoDbLocalDir, 'DynamoDBLocal.jar')}). ` +
        'Fetch it with: node scripts/setup-dynamodb-local.mjs (also run by `npm ci`).',
    );
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The persistent database holds the local runtime's registrations (names, emails): its folder is
 * its owner's only (0700; for the default path `.local/data` too) and the files already in it are
 * made 0600. Java then creates new files under umask 077 (see the spawn below).
 */
export function secureDataDir(dir: string): void {
  const folders = dir === dynamoDbDataDir ? [dirname(dir), dir] : [dir];
  for (const folder of folders) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chmodSync(folder, 0o700);
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(join(dir, entry.name), 0o600);
  }
}

/** Starts DynamoDB Local and resolves once it answers ListTables. */
export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJarExtracted();
  assertJavaAvailable();
  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const storage: string[] = [];
  if (opts.inMemory) {
    storage.push('-inMemory');
  } else {
    const dir = opts.dbPath ? (isAbsolute(opts.dbPath) ? opts.dbPath : resolve(projectRoot, opts.dbPath)) : dynamoDbDataDir;
    secureDataDir(dir);
    storage.push('-dbPath', dir);
  }
  const args = [
    ...(opts.jvmArgs ?? defaultJvmArgs()),
    `-Djava.library.path=${join(dynamoDbLocalDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dynamoDbLocalDir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    // One database whatever the credentials/region of the caller (the AWS CLI included).
    '-sharedDb',
    '-disableTelemetry',
    ...storage,
  ];

  // Own process group: a terminal Ctrl-C reaches us, and we stop java in order.
  // Through `sh` for `umask 077` (files java creates are 0600); `exec` keeps java's pid as the child's.
  const child = spawn('sh', ['-c', 'umask 077 && exec java "$@"', 'java', ...args], { cwd: dynamoDbLocalDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((r) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      r();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  // Never let the emulator alone keep this process alive: the exit hook will kill it.
  child.unref();
  (child.stdout as unknown as net.Socket | null)?.unref?.();
  (child.stderr as unknown as net.Socket | null)?.unref?.();

  const pid = child.pid;
  if (pid === undefined) {
    await sleep(10);
    throw new Error(`Could not start java: ${spawnError?.message ?? 'unknown error'}`);
  }
  const watchdog = startWatchdog(pid);
  const killNow = () => {
    if (exited) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killNow);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killNow);
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exitPromise;
        clearTimeout(timer);
      }
      stopWatchdog(watchdog);
    })();
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1, requestHandler: { connectionTimeout: 500, requestTimeout: 2_000 } });
  // Generous: on a loaded 2-core CI machine the JVM alone has been seen to take 20 s.
  const timeoutMs = opts.readyTimeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (spawnError) throw new Error(`Could not start java: ${spawnError.message}`);
      if (exited) {
        throw new Error(
          `DynamoDB Local exited during start-up (code ${exited.code ?? 'none'}, signal ${exited.signal ?? 'none'}).` +
            (output.trim() ? `\n--- its output ---\n${output.trim()}` : ''),
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(
          `DynamoDB Local did not answer on ${endpoint} within ${Math.round(timeoutMs / 1000)} s.` +
            (output.trim() ? `\n--- its output ---\n${output.trim()}` : ' It printed nothing.'),
        );
      }
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port, pid, stop };
}

/**
 * `sh` that blocks reading a pipe whose other end only we hold. When we die, however we die,
 * the pipe closes and the shell kills java (TERM, then KILL). On a normal stop we kill the
 * watchdog first, so it never signals a recycled pid.
 */
function startWatchdog(pid: number): ChildProcess | undefined {
  const script =
    'while read -r _; do :; done; ' +
    `kill -TERM ${pid} 2>/dev/null || exit 0; sleep 3; kill -KILL ${pid} 2>/dev/null; exit 0`;
  try {
    const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.on('error', () => undefined);
    watchdog.unref();
    (watchdog.stdin as unknown as net.Socket | null)?.unref?.();
    return watchdog;
  } catch {
    return undefined;
  }
}

function stopWatchdog(watchdog: ChildProcess | undefined): void {
  if (!watchdog || watchdog.exitCode !== null || watchdog.signalCode !== null) return;
  watchdog.kill('SIGKILL');
  watchdog.stdin?.destroy();
}
