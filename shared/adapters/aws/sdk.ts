// The one way our code loads the AWS SDK: with require(), not import, so that Node does not scan
// the CommonJS packages for their named exports on every cold start (figures and the Lambda
// NODE_PATH detail: bench/README.md, « Loading the AWS SDK »). The SDK stays external to the
// bundles (Lambda's runtime ships it). Names are re-exported one by one, value and type alike, so
// the rest of the code reads as if it imported the packages; types come from the packages' own
// declarations (type-only imports, erased). client-sqs and client-sesv2 load on first use
// (lazy-client.ts).
import { createRequire } from 'node:module';
import type * as DynamoDB from '@aws-sdk/client-dynamodb';
import type * as Documents from '@aws-sdk/lib-dynamodb';
import type * as Util from '@aws-sdk/util-dynamodb';
import type * as Sqs from '@aws-sdk/client-sqs';
import type * as SesV2 from '@aws-sdk/client-sesv2';

const load = createRequire(import.meta.url);

const dynamodb = load('@aws-sdk/client-dynamodb') as typeof DynamoDB;
const documents = load('@aws-sdk/lib-dynamodb') as typeof Documents;
const util = load('@aws-sdk/util-dynamodb') as typeof Util;

export const {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
} = dynamodb;
export type ConditionalCheckFailedException = DynamoDB.ConditionalCheckFailedException;
export type DynamoDBClient = DynamoDB.DynamoDBClient;
export type DynamoDBServiceException = DynamoDB.DynamoDBServiceException;
export type ProvisionedThroughputExceededException = DynamoDB.ProvisionedThroughputExceededException;
export type RequestLimitExceeded = DynamoDB.RequestLimitExceeded;
export type ThrottlingException = DynamoDB.ThrottlingException;
export type TransactionCanceledException = DynamoDB.TransactionCanceledException;
export type TransactionConflictException = DynamoDB.TransactionConflictException;
export type AttributeValue = DynamoDB.AttributeValue;

export const {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  paginateQuery,
} = documents;
export type BatchGetCommand = Documents.BatchGetCommand;
export type DeleteCommand = Documents.DeleteCommand;
export type DynamoDBDocumentClient = Documents.DynamoDBDocumentClient;
export type GetCommand = Documents.GetCommand;
export type PutCommand = Documents.PutCommand;
export type QueryCommand = Documents.QueryCommand;
export type TransactWriteCommand = Documents.TransactWriteCommand;
export type UpdateCommand = Documents.UpdateCommand;
export type QueryCommandInput = Documents.QueryCommandInput;
export type TransactWriteCommandInput = Documents.TransactWriteCommandInput;
export type UpdateCommandInput = Documents.UpdateCommandInput;
export type UpdateCommandOutput = Documents.UpdateCommandOutput;

export const { unmarshall } = util;

/** @aws-sdk/client-sqs, loaded by the first call (a GET never queues a message). */
export const loadSqs = (): typeof Sqs => load('@aws-sdk/client-sqs') as typeof Sqs;

/** @aws-sdk/client-sesv2, loaded by the first call (most invocations send no email). */
export const loadSesV2 = (): typeof SesV2 => load('@aws-sdk/client-sesv2') as typeof SesV2;
