// A DynamoDB table built from its single definition in shared/adapters/dynamodb/tables.ts, so
// the deployed keys, indexes and TTL are exactly those the local runtime and the tests use.
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { KeyAttribute, TableDefinition } from '#shared/adapters/dynamodb/tables.ts';
import { ALARM_PERIOD, thresholdAlarm } from './alarms.ts';

/**
 * The operations the functions send (TransactWriteItems included), summed by the throttling
 * alarm. CloudWatch alarms accept at most 10 metrics in one expression, so not all of DynamoDB's.
 */
export const THROTTLE_WATCHED_OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.BATCH_GET_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.BATCH_WRITE_ITEM,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
] as const;

export interface DataTableProps {
  definition: TableDefinition;
  /**
   * Prod stages keep their data: a `durable` table then gets deletion protection and RETAIN.
   * Anything else (dev stages, short-lived tables such as nonces) goes away with the stack.
   */
  retainData: boolean;
}

const toAttribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

export class DataTable extends Construct {
  readonly table: dynamodb.TableV2;
  readonly definition: TableDefinition;
  /** Requests DynamoDB throttled (after the SDK's own retries they surface as 503s). */
  readonly throttleAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);
    const { definition } = props;
    this.definition = definition;
    const retain = props.retainData && definition.durable;

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: toAttribute(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: toAttribute(definition.sortKey) } : {}),
      // Traffic is a few bursts a year around meetings: on-demand costs nothing when idle.
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      ...(definition.ttlAttribute ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
      globalSecondaryIndexes: definition.globalIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: toAttribute(index.partitionKey),
        ...(index.sortKey ? { sortKey: toAttribute(index.sortKey) } : {}),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: definition.durable },
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.throttleAlarm = thresholdAlarm(this, 'ThrottleAlarm', {
      metric: this.table.metricThrottledRequestsForOperations({
        operations: [...THROTTLE_WATCHED_OPERATIONS],
        period: ALARM_PERIOD,
      }),
      description: `${definition.id}: DynamoDB throttled requests (an on-demand table past its previous peak, or a hot key): callers received 503 service-busy; check the table's throttled-requests graphs by operation (docs/operations.md, "Alarms").`,
    });
  }
}
