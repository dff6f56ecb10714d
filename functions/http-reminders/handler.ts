// Organiser reports of the reminder engine, under /admin (bearer tokens): who got which
// message of an occurrence. JSON by default, CSV with `?format=csv`.
import * as z from 'zod';
import { DynamoDeliveryStore } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { deliveriesSheet, deliveryReport } from '#shared/domain/reminders/delivery-report.ts';
import { sheetToCsv } from '#shared/domain/csv.ts';
import { httpApi, json, route, text } from '#shared/lambda/http.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { zEnum, zOptional } from '#shared/publik/coerce.ts';

const ctx = createServiceContext();
const deliveries = new DynamoDeliveryStore(ctx.ddb, ctx.config.dataTable);

const OccurrenceParams = z.object({
  occurrenceId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,150}-\d{4}-\d{2}-\d{2}$/, { error: 'Identifiant de séance invalide.' }),
});
const FormatQuery = z.object({ format: zOptional(zEnum(['json', 'csv'], 'le format')) });

export const routes = [
  route({
    method: 'GET',
    path: '/admin/sessions/{occurrenceId}/deliveries',
    auth: 'admin',
    params: OccurrenceParams,
    query: FormatQuery,
    handle: async ({ params, query }) => {
      const report = deliveryReport(await deliveries.listDispatchDeliveries(params.occurrenceId));
      if (query.format === 'csv') {
        return text(sheetToCsv(deliveriesSheet(report.deliveries)), 'text/csv; charset=utf-8', {
          'content-disposition': `attachment; filename="${params.occurrenceId}-envois.csv"`,
        });
      }
      return json({ err: 0, data: { occurrence_id: params.occurrenceId, ...report } });
    },
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
