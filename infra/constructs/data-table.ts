// A DynamoDB table built from its single definition in shared/adapters/dynamodb/tables.ts, so
// the deployed keys, indexes and TTL are exactly those the local runtime and the tests use.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { KeyAttribute, TableDefinition } from '#shared/adapters/dynamodb/tables.ts';

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
  }
}
