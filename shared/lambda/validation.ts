// zod parsing at the boundaries, with French messages: every failure becomes one
// InvalidRequestError whose `err_desc` names the faulty fields.
import * as z from 'zod';
// Only the French locale: `z.locales` would bundle every language (~250 KB per function).
import fr from 'zod/v4/locales/fr.js';
import { describeFieldIssues, InvalidRequestError, type FieldIssue } from '#shared/errors.ts';

// French default messages for everything our schemas do not word themselves.
z.config(fr());

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

export function describeIssues(issues: FieldIssue[], what: string): string {
  return describeFieldIssues(issues, what);
}

/** Parses `input` or throws a 400 naming each faulty field. `what` says what was parsed. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'Données invalides'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  throw new InvalidRequestError(describeIssues(issues, what), issues);
}

/**
 * The fields of an object body that parse on their own (each through its schema in `schema`'s
 * shape), for rules that add their issues to a failed parse. Anything but an object schema and
 * an object input gives {}.
 */
export function parsedFields(schema: z.ZodType, input: unknown): Record<string, unknown> {
  if (!(schema instanceof z.ZodObject) || typeof input !== 'object' || input === null || Array.isArray(input)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const result = field.safeParse((input as Record<string, unknown>)[key]);
    if (result.success && result.data !== undefined) out[key] = result.data;
  }
  return out;
}
