// Parent side of the load generator: forks bench/lib/load-child.ts (with the same tsx loader
// as this process) and runs jobs in it, one at a time.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest } from './load-child.ts';
import type { LoadJob, LoadResult, LoadTarget } from './registration-load.ts';

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));
const READY_TIMEOUT_MS = 30_000;

export class LoadClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: ChildReply) => {
      if (reply.type === 'ready') return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'done') waiter?.resolve(reply.result);
      else waiter?.reject(new Error(`load generator: ${reply.error}`));
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`load generator exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  /** Forks the load generator; the child inherits process.env (endpoints, region, credentials). */
  static async start(target: LoadTarget): Promise<LoadClient> {
    const child = fork(CHILD, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const client = new LoadClient(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('load generator did not start')), READY_TIMEOUT_MS);
      child.once('message', (reply: ChildReply) => {
        clearTimeout(timer);
        if (reply.type === 'ready') resolve();
        else reject(new Error('load generator: unexpected first message'));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      const init: ChildRequest = { type: 'init', target };
      child.send(init);
    }).catch(async (error: unknown) => {
      await client.stop();
      throw error;
    });
    return client;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  run(job: LoadJob): Promise<LoadResult> {
    if (this.exited) return Promise.reject(new Error('load generator is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: ChildRequest = { type: 'run', id, job };
      this.child.send(request);
    });
  }

  /** Disconnects (the child exits on its own), then kills it if it lingers. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await exit;
    clearTimeout(timer);
  }
}
