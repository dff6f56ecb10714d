// Waiting-list bursts (issue 21): 200 people joining ONE waiting list at concurrency 16, two ways
// side by side in one run against DynamoDB Local, at the DynamoDB level (the same registration
// item and counter item on both sides, no HTTP):
//  - `cas` (what the registration repository does): the ticket is taken in the join's own
//    transaction by compare-and-set on the list's counter (`SET seq = :t ADD waiting 1` if
//    `waiting = :ahead AND seq = :t - 1`), so the position answered is exact at commit; a refusal
//    returns the counter (ALL_OLD) and the join retries on it after a jittered pause;
//  - `reserved`: the ticket is reserved first by an atomic `ADD seq 1` (UpdateItem, returns the
//    new value, never refused), then the join's transaction stores it. No contention, 2 calls —
//    but a join that fails after its reservation (a form replayed, an email taken, a timeout)
//    leaves a hole: everyone behind it is told a position one too far. Measured with 3% of joins
//    failing after the reservation, as the exactness check.
// A per-list ticket *shard* (K counters, ticket = k·K + shard) was not measured: its tickets are
// not in arrival order across shards, so it cannot answer an exact position at all.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException, unmarshall } from '#shared/adapters/aws/sdk.ts';
import { createTables } from '../scripts/local/tables.ts';
import { startEmulators } from '../scripts/local/emulators.ts';
import { localClientConfig } from '../scripts/local/aws.ts';
import { machineInfo } from './lib/machine.ts';
import { writeResults } from './lib/results.ts';
import { summarize, type LatencySummary } from './lib/stats.ts';

interface Side {
  latency: LatencySummary;
  calls: number;
  callsPerJoin: number;
  refused: number;
  positions: number[];
  waiting: number;
  exact: boolean;
  failedAfterReservation: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pool<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}

export async function runWaitingListBench(opts: { quick: boolean }): Promise<boolean> {
  const N = opts.quick ? 60 : 200;
  const C = 16;
  const startedAt = new Date();
  const emulators = await startEmulators({ inMemory: true });
  const raw = new DynamoDBClient(localClientConfig(emulators.dynamodbEndpoint));
  const ddb = DynamoDBDocumentClient.from(raw);
  const table = `wl-${randomBytes(3).toString('hex')}`;
  try {
    await createTables(raw, { DataTable: table, NonceTable: `${table}-n` });
    const counterKey = (side: string) => ({ pk: `WLBENCH#${side}`, sk: 'ITEM#day' });
    let runTag = '';
    const putRegistration = (side: string, i: number, ticket: number) => ({
      Put: { TableName: table, Item: { pk: `WLREG#${side}#${runTag}#${i}`, sk: 'META', ticket }, ConditionExpression: 'attribute_not_exists(pk)' },
    });

    const cas = async (): Promise<Side> => {
      let calls = 0;
      let refused = 0;
      const samples: number[] = [];
      const started = performance.now();
      const positions = await pool(N, C, async (i) => {
        const t0 = performance.now();
        calls++;
        const read = await ddb.send(new GetCommand({ TableName: table, Key: counterKey('cas'), ConsistentRead: true }));
        let state = { seq: Number(read.Item?.['seq'] ?? 0), waiting: Number(read.Item?.['waiting'] ?? 0) };
        for (let attempt = 1; ; attempt++) {
          const ticket = state.seq + 1;
          calls++;
          try {
            await ddb.send(
              new TransactWriteCommand({
                TransactItems: [
                  putRegistration('cas', i, ticket),
                  {
                    Update: {
                      TableName: table,
                      Key: counterKey('cas'),
                      UpdateExpression: 'SET #seq = :t ADD #waiting :one',
                      ConditionExpression: state.seq === 0 ? '(attribute_not_exists(#seq) OR #seq = :prev) AND (attribute_not_exists(#waiting) OR #waiting = :ahead)' : '#seq = :prev AND #waiting = :ahead',
                      ExpressionAttributeNames: { '#seq': 'seq', '#waiting': 'waiting' },
                      ExpressionAttributeValues: { ':t': ticket, ':prev': state.seq, ':ahead': state.waiting, ':one': 1 },
                      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                    },
                  },
                ],
              }),
            );
            samples.push(performance.now() - t0);
            return state.waiting + 1;
          } catch (error) {
            if (!(error instanceof TransactionCanceledException)) throw error;
            if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') throw new Error('registration item already there');
            if (attempt > 2000) throw new Error('no ticket after 2,000 attempts');
            refused++;
            const current = error.CancellationReasons?.[1]?.Item;
            if (current) {
              const item = unmarshall(current);
              state = { seq: Number(item['seq'] ?? 0), waiting: Number(item['waiting'] ?? 0) };
            }
            // The service's backoff: contention spreads the contenders out.
            await pause(Math.random() * Math.min(250, 5 * 2 ** Math.min(attempt, 6)));
          }
        }
      });
      const wall = performance.now() - started;
      const counter = await ddb.send(new GetCommand({ TableName: table, Key: counterKey('cas'), ConsistentRead: true }));
      const sorted = [...positions].sort((a, b) => a - b);
      const exact = sorted.every((p, k) => p === k + 1) && Number(counter.Item?.['waiting']) === N;
      return { latency: summarize(samples, 0, wall), calls, callsPerJoin: calls / N, refused, positions: sorted, waiting: Number(counter.Item?.['waiting']), exact, failedAfterReservation: 0 };
    };

    const reserved = async (): Promise<Side> => {
      let calls = 0;
      let failed = 0;
      const samples: number[] = [];
      const started = performance.now();
      const results = await pool(N, C, async (i) => {
        const t0 = performance.now();
        calls++;
        const out = await ddb.send(
          new UpdateCommand({ TableName: table, Key: counterKey('reserved'), UpdateExpression: 'ADD #seq :one', ExpressionAttributeNames: { '#seq': 'seq' }, ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
        );
        const ticket = Number(out.Attributes?.['seq']);
        // 3% of joins fail after their reservation (a replayed form, an email already registered…).
        if (i % 33 === 7) {
          failed++;
          return undefined;
        }
        calls++;
        await ddb.send(
          new TransactWriteCommand({
            TransactItems: [
              putRegistration('reserved', i, ticket),
              { Update: { TableName: table, Key: counterKey('reserved'), UpdateExpression: 'ADD #waiting :one', ExpressionAttributeNames: { '#waiting': 'waiting' }, ExpressionAttributeValues: { ':one': 1 } } },
            ],
          }),
        );
        samples.push(performance.now() - t0);
        return ticket;
      });
      const wall = performance.now() - started;
      const positions = results.filter((p): p is number => p !== undefined).sort((a, b) => a - b);
      const counter = await ddb.send(new GetCommand({ TableName: table, Key: counterKey('reserved'), ConsistentRead: true }));
      const waiting = Number(counter.Item?.['waiting']);
      const exact = positions.every((p, k) => p === k + 1) && waiting === positions.length;
      return { latency: summarize(samples, failed, wall), calls, callsPerJoin: calls / N, refused: 0, positions, waiting, exact, failedAfterReservation: failed };
    };

    // Side by side, alternating, twice each.
    const runs: Array<{ side: string; result: Side }> = [];
    for (let round = 0; round < 2; round++) {
      for (const [side, run] of [['cas', cas], ['reserved', reserved]] as const) {
        await ddb.send(new UpdateCommand({ TableName: table, Key: counterKey(side), UpdateExpression: 'SET #seq = :z, #waiting = :z', ExpressionAttributeNames: { '#seq': 'seq', '#waiting': 'waiting' }, ExpressionAttributeValues: { ':z': 0 } }));
        // A fresh run: the registration items of the previous round must not collide.
        runTag = `r${round}`;
        runs.push({ side: `${side}#${round + 1}`, result: await run() });
      }
    }
    console.log(`Waiting-list burst: ${N} joins of one list at concurrency ${C} (DynamoDB Local)`);
    console.log('side          p50 ms   p99 ms   max ms   joins/s   calls/join   refused   exact   holes');
    for (const { side, result: r } of runs) {
      const holes = r.positions.length > 0 ? (r.positions.at(-1) as number) - r.positions.length : 0;
      console.log(
        `${side.padEnd(12)} ${String(r.latency.p50).padStart(7)} ${String(r.latency.p99).padStart(8)} ${String(r.latency.max).padStart(8)} ${String(r.latency.rps).padStart(9)} ${r.callsPerJoin.toFixed(2).padStart(12)} ${String(r.refused).padStart(9)} ${String(r.exact).padStart(7)} ${String(holes).padStart(7)}`,
      );
    }
    const written = writeResults('waiting-list', startedAt, { machine: machineInfo(), joins: N, concurrency: C, runs }, { latest: !opts.quick });
    console.log(`results: ${written.file}`);
    // The check that matters: the adopted mechanism (cas) stays exact.
    return runs.filter((r) => r.side.startsWith('cas')).every((r) => r.result.exact);
  } finally {
    ddb.destroy();
    await emulators.stop();
  }
}
