// Answer schemas derived from the stored ones (shared/domain/*/schema.ts) rather than restated:
// the admin views answer a stored optional field that is absent as null.
import * as z from 'zod';

type AbsentAsNull<S extends z.ZodRawShape> = {
  [K in keyof S]: S[K] extends z.ZodOptional<infer T> ? z.ZodNullable<T> : S[K];
};

/** `stored` as a view answers it: each optional field becomes nullable (`?? null`). */
export function absentAsNull<S extends z.ZodRawShape>(stored: z.ZodObject<S>): z.ZodObject<AbsentAsNull<S>> {
  const shape = Object.fromEntries(
    Object.entries(stored.shape).map(([key, field]) => [key, field instanceof z.ZodOptional ? z.nullable(field.unwrap()) : field]),
  );
  return z.object(shape) as unknown as z.ZodObject<AbsentAsNull<S>>;
}
