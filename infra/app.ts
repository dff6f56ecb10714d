// The CDK app: one service stack for the stage chosen with `-c stage=dev|prod` (default dev),
// checked by cdk-nag's AWS Solutions rules. Errors fail the synth; every suppression is written
// next to the resource it concerns, with its reason (see docs/operations.md).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ServiceStack } from './service-stack.ts';
import { type StageConfig, stageConfigFromContext } from './stage-config.ts';

const app = new App();
let config: StageConfig;
try {
  config = stageConfigFromContext((key) => app.node.tryGetContext(key));
} catch (error) {
  // A configuration mistake (missing or invalid -c value): its message says what to pass.
  console.error(`publik-club: ${(error as Error).message}`);
  process.exit(1);
}

new ServiceStack(app, config.stackName, {
  config,
  description: `publik-club (${config.stage}): backend of the Publik users' club forms`,
  // The region is the stage's (an EU region, docs/rgpd.md); the account is the CLI's, if it resolved one.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
});

// cdk-nag 3 is a policy-validation plugin: findings go to cdk.out/validation-report.json and
// any unacknowledged error fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
