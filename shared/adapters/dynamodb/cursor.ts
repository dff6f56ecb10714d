// Paging cursors of the gsi1 listings: DynamoDB's LastEvaluatedKey (table and index keys) as
// opaque base64url JSON, checked on the way back in. A cursor only ever goes back to the listing
// that made it (the reminder engine's fan-out keeps it in its dispatch record).
import * as z from 'zod';

const CursorSchema = z.object({ gsi1pk: z.string(), gsi1sk: z.string(), pk: z.string(), sk: z.string() });

export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;

export const decodeCursor = (cursor: string | null | undefined): Record<string, unknown> | undefined =>
  cursor ? CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))) : undefined;
