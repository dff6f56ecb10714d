// The examples of the document are taken from the guides; they must fit the schemas they
// illustrate: a request body passes the route's own parser, an answer the route's answer schema.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { unwrapPublikBody } from '#shared/publik/whole-form.ts';
import type { DocumentedFunction, OpenApiDocument } from '#shared/openapi/document.ts';
import { generateDocument, loadDocumentedFunctions } from '../../../scripts/openapi.ts';

let functions: DocumentedFunction[];
let document: OpenApiDocument;
beforeAll(async () => {
  functions = await loadDocumentedFunctions();
  document = await generateDocument();
}, 60_000);

describe('the examples of the reference', () => {
  it('are given for the main webservice calls and organiser definitions', () => {
    const withExamples = functions.flatMap((f) => Object.entries(f.docs).filter(([, d]) => d.example).map(([key]) => key));
    expect(withExamples.length).toBeGreaterThanOrEqual(14);
    for (const key of ['POST /meetings/{meetingId}/registrations', 'PUT /admin/meetings/{meetingId}', 'POST /sessions/subscriptions', 'POST /campaigns/{campaignId}/ballots', 'POST /surveys/{surveyId}/responses']) {
      expect(withExamples).toContain(key);
    }
  });

  it('pass the request parser of their route (bodies) and the answer schema of the document (data)', () => {
    const ajv = new Ajv2020({ strict: false });
    const defs = JSON.parse(JSON.stringify(document.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/')) as Record<string, unknown>;
    let checked = 0;
    for (const fn of functions) {
      for (const [key, doc] of Object.entries(fn.docs)) {
        if (!doc.example) continue;
        const definition = fn.definitions.find((d) => d.routeKey === key)!;
        if (doc.example.body !== undefined) {
          const body = definition.auth === 'publik' ? unwrapPublikBody(doc.example.body) : doc.example.body;
          const parsed = definition.schemas.body!.safeParse(body);
          expect(parsed.success ? [] : parsed.error.issues, `${key} body`).toEqual([]);
          checked++;
        }
        if (doc.example.data !== undefined) {
          const validate = ajv.compile({ $ref: `#/$defs/${doc.operationId.charAt(0).toUpperCase()}${doc.operationId.slice(1)}Answer`, $defs: defs });
          expect(validate({ err: 0, data: doc.example.data }) ? [] : validate.errors, `${key} data`).toEqual([]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(18);
  });
});
