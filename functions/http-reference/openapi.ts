// The OpenAPI description of the reference's own routes (shared/openapi/route-doc.ts).
import type { RouteDocs } from '#shared/openapi/route-doc.ts';

export const docs: RouteDocs = {
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    tag: 'Reference',
    summary: 'This document (OpenAPI 3.1, generated from the routes\' zod schemas)',
    otherMedia: { type: 'application/json', description: 'the OpenAPI document', jsonToo: false, schema: { type: 'object', required: ['openapi', 'paths'] } },
  },
  'GET /docs': {
    operationId: 'getReferencePage',
    tag: 'Reference',
    summary: 'This reference, for a person (Redoc, served by us)',
    otherMedia: { type: 'text/html', description: 'the reference page', jsonToo: false },
  },
  'GET /docs/{file}': {
    operationId: 'getReferenceAsset',
    tag: 'Reference',
    summary: 'The scripts of the reference page',
    otherMedia: { type: 'text/javascript', description: 'a script of the page', jsonToo: false },
  },
};
