// The one description of every DynamoDB table: the CDK stack, the local runtime (`npm start`)
// and the tests all build their tables from this module, so keys, indexes and TTL cannot drift.

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface GlobalIndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  /**
   * Queried only by the functions whose manifest entry names it in `indexes` (the others get
   * no grant on it): the per-person index, which finds everything about someone.
   */
  restricted?: boolean;
}

export interface TableDefinition {
  /** CDK construct id; the physical name is left to CloudFormation. */
  id: string;
  /** Environment variable that carries the physical table name to the functions. */
  envVar: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  globalIndexes: GlobalIndexDefinition[];
  /** Attribute holding an epoch-seconds expiry; DynamoDB deletes expired items lazily. */
  ttlAttribute?: string;
  /** Holds personal data or business state (point-in-time recovery, retained in production). */
  durable: boolean;
}

export const TTL_ATTRIBUTE = 'expiresAt';

/** The per-person index of the data table and its key attribute (keys.ts, personKeys). */
export const PEOPLE_INDEX = 'people';
export const PERSON_ATTRIBUTE = 'person';

/** Business data: meetings, capacity items, registrations, waiting entries, delivery markers. */
export const dataTable: TableDefinition = {
  id: 'DataTable',
  envVar: 'DATA_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
    {
      // The per-person index (RGPD access and erasure): every item holding a person's email
      // carries `person` (the normalised email), written in the same write as the data.
      indexName: PEOPLE_INDEX,
      partitionKey: { name: PERSON_ATTRIBUTE, type: 'S' },
      restricted: true,
    },
  ],
  ttlAttribute: TTL_ATTRIBUTE,
  durable: true,
};

/**
 * Signature nonces seen in the last minutes. Kept apart from business data: the signature
 * check needs only PutItem here, items are short-lived, and nothing in it needs a backup.
 */
export const nonceTable: TableDefinition = {
  id: 'NonceTable',
  envVar: 'NONCE_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  globalIndexes: [],
  ttlAttribute: TTL_ATTRIBUTE,
  durable: false,
};

export const tableDefinitions = [dataTable, nonceTable] as const;
