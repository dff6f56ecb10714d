// Shared by the CDK tests: an App configured like `cdk synth` (same feature flags from cdk.json),
// the cdk-nag report, and small readers for IAM statements and references in a template.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT } from '#infra/constructs/service-function.ts';

/** The `context` block of cdk.json: feature flags apply to tests exactly as to the CLI. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

export interface NewAppOptions {
  /**
   * Run CDK's built-in CloudFormation validation at synth, as `cdk synth` does (default true).
   * Its rule engine takes seconds to start: stacks that only exercise one construct skip it.
   */
  cloudFormationValidation?: boolean;
}

export function newApp(options: NewAppOptions = {}): App {
  return new App({
    context: cdkJsonContext(),
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
    stackTraces: false,
  });
}

export interface NagViolation {
  rule: string;
  severity: string;
  paths: string[];
}

/** Every unacknowledged AwsSolutions finding (errors and warnings) under `scope`. */
export function nagViolations(scope: IConstruct): NagViolation[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope);
  return report.violations.map((v) => ({
    rule: v.ruleName,
    severity: v.severity ?? 'unknown',
    paths: v.violatingResources.map((r) => r.constructPath ?? '?'),
  }));
}

/** Every acknowledgement recorded with `Validations.of(x).acknowledge()` under `scope`. */
export function acknowledgements(scope: IConstruct): { path: string; id: string; reason: string }[] {
  const found: { path: string; id: string; reason: string }[] = [];
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}

export function logicalIdOf(construct: IConstruct): string {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement)) throw new Error(`${construct.node.path} has no CfnElement`);
  return Stack.of(element).getLogicalId(element);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** All statements of the IAM policies attached to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const statements: Statement[] = [];
  for (const policy of Object.values(policies)) {
    const props = policy.Properties as { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } };
    if (props.Roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }))) {
      statements.push(...props.PolicyDocument.Statement);
    }
  }
  return statements;
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** True when a template value mentions the resource (Ref, Fn::GetAtt, inside Fn::Join…). */
export function mentions(value: unknown, logicalId: string): boolean {
  const json = JSON.stringify(value);
  return json.includes(`{"Ref":"${logicalId}"}`) || json.includes(`{"Fn::GetAtt":["${logicalId}",`);
}

/** Actions a role's statements allow on any resource that mentions `logicalId`. */
export function actionsOnResource(statements: Statement[], logicalId: string): Set<string> {
  const actions = new Set<string>();
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue;
    if (resourcesOf(s).some((r) => mentions(r, logicalId))) actionsOf(s).forEach((a) => actions.add(a));
  }
  return actions;
}

/** Resource logical ids that `value` refers to through Ref / Fn::GetAtt / Fn::Sub. */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => referencedIds(v, into));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') into.add(v[0]);
      else if (key === 'Fn::Sub' && typeof v === 'string') {
        for (const m of v.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) if (m[1]) into.add(m[1]);
      } else referencedIds(v, into);
    }
  }
  return into;
}

/** A dependency cycle among the template's resources, if any (CloudFormation refuses those). */
export function findDependencyCycle(template: Template): string[] | undefined {
  const resources = template.toJSON().Resources as Record<string, Record<string, unknown>>;
  const edges = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(resources)) {
    const dependsOn = resource.DependsOn;
    const deps = referencedIds(resource.Properties);
    (Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : []).forEach((d) => deps.add(String(d)));
    edges.set(id, [...deps].filter((d) => d in resources));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...trail.slice(trail.indexOf(id)), id];
    state.set(id, 'visiting');
    trail.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    trail.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
