// zod parsing at the boundaries, with French messages: every failure becomes one
// InvalidRequestError whose `err_desc` names the faulty fields.
import * as z from 'zod';
// Only the French locale: `z.locales` would bundle every language (~250 KB per function).
import fr from 'zod/v4/locales/fr.js';
import { InvalidRequestError, type FieldIssue } from '#shared/errors.ts';

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
  const parts = issues.slice(0, 8).map((i) => (i.path === '' ? i.message : `${i.path} : ${i.message}`));
  const more = issues.length > 8 ? ` (et ${issues.length - 8} autre(s))` : '';
  return `${what} : ${parts.join(' ; ')}${more}`;
}

/** Parses `input` or throws a 400 naming each faulty field. `what` says what was parsed. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'Données invalides'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  throw new InvalidRequestError(describeIssues(issues, what), issues);
}
