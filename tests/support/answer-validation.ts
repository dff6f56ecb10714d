// Every answer the e2e suite receives is held to the OpenAPI document: the test stack wraps each
// HTTP function of the local gateway (tests/support/local-stack.ts), so a request made with
// fetchSigned, fetchAdmin or a bare fetch is checked alike, with Ajv (JSON Schema 2020-12)
// against the schema of its route, status and media type. A drift is recorded with its route;
// tests/support/e2e-setup.ts fails the test during which it happened.
import { appendFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { GatewayFunction, HttpHandler } from '../../scripts/local/gateway.ts';
import { generateDocument } from '../../scripts/openapi.ts';
import type { JsonSchema, OpenApiDocument, OpenApiResponse } from '#shared/openapi/document.ts';

export interface Drift {
  routeKey: string;
  status: number;
  problem: string;
}

/** What the wrapped functions found so far (reset by the e2e setup after each test). */
export const answerChecks = { validated: 0, drifts: [] as Drift[] };

type Result = { statusCode?: number; headers?: Record<string, unknown>; body?: string; isBase64Encoded?: boolean };

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export interface AnswerValidator {
  /** Undefined when the answer fits its route's document, else what is wrong. */
  check(routeKey: string, result: Result): string | undefined;
}

export function createAnswerValidator(document: OpenApiDocument): AnswerValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  ajv.addVocabulary(['example']);
  const defs = JSON.parse(JSON.stringify(document.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/')) as Record<string, JsonSchema>;
  const compiled = new Map<string, ValidateFunction>();
  const responses = (document.components as Record<string, unknown>)['responses'] as Record<string, OpenApiResponse>;

  return {
    check(routeKey, result) {
      const [method, path] = routeKey.split(' ') as [string, string];
      const operation = document.paths[path]?.[method.toLowerCase()];
      if (!operation) return `no operation ${routeKey} in the document`;
      const status = result.statusCode ?? 200;
      let response: OpenApiResponse | undefined = operation.responses[String(status)];
      if (response?.$ref) response = responses[response.$ref.replace('#/components/responses/', '')];
      if (!response) return `status ${status} is not documented`;
      const contentType = String(result.headers?.['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      const media = response.content?.[contentType];
      if (!media) return `status ${status}: media type "${contentType}" is not documented (${Object.keys(response.content ?? {}).join(', ') || 'none'})`;
      if (contentType !== 'application/json') return undefined;
      const key = `${routeKey} ${status}`;
      let validate = compiled.get(key);
      if (!validate) {
        const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/schemas/', '"#/$defs/')) as JsonSchema;
        validate = ajv.compile({ ...schema, $defs: defs });
        compiled.set(key, validate);
      }
      let body: unknown;
      try {
        body = JSON.parse(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString('utf8') : (result.body ?? ''));
      } catch {
        return `status ${status}: the body is not JSON`;
      }
      if (validate(body)) return undefined;
      return `status ${status}: ${ajv.errorsText(validate.errors?.slice(0, 8), { separator: '; ' })}`;
    },
  };
}

let validator: Promise<AnswerValidator> | undefined;

/** The document generated from the sources, once per test file (handlers are loaded anyway). */
function documentValidator(): Promise<AnswerValidator> {
  validator ??= generateDocument().then(createAnswerValidator);
  return validator;
}

/** The manifest's HTTP functions, each answer checked against the document before it is sent. */
export function validatingFunctions<F extends GatewayFunction>(functions: readonly F[]): F[] {
  const record = process.env['OPENAPI_RECORD'];
  return functions.map((fn) => ({
    ...fn,
    load: async (): Promise<HttpHandler> => {
      const handler = await fn.load();
      const check = await documentValidator();
      return async (event, context) => {
        const result = (await handler(event, context)) as Result;
        const routeKey = (event as { routeKey: string }).routeKey;
        const problem = check.check(routeKey, result);
        answerChecks.validated += 1;
        if (problem) answerChecks.drifts.push({ routeKey, status: result.statusCode ?? 200, problem });
        if (record) appendFileSync(record, `${JSON.stringify({ routeKey, status: result.statusCode, type: result.headers?.['content-type'], body: result.body })}\n`);
        return result;
      };
    },
  }));
}
