import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Rule packs of the policy gate; their names prefix every rule id in the validation report. */
export const NAG_PACKS = ['AwsSolutions', 'Serverless'] as const;

/**
 * Registers the cdk-nag 3 packs as CDK policy-validation plugins. They run after synthesis; findings land in
 * the cloud assembly's `validation-report.json`, and an unacknowledged error fails `cdk synth`.
 */
export function applyPolicyGate(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

type NagRuleId = `${(typeof NAG_PACKS)[number]}-${string}`;

/**
 * Acknowledges one finding on `scope` and its children. Put it on the narrowest construct that owns the
 * finding; a reason must say why the finding is acceptable here, not restate the rule.
 *
 * The id is qualified with the pack's namespace (`AwsSolutions::AwsSolutions-COG1`), the form the CDK
 * validation framework matches: cdk-nag still reports the finding and CDK moves it to the report's
 * acknowledged findings together with the reason, so validation-report.json is the audit trail.
 */
export function acknowledge(scope: IConstruct, id: NagRuleId, reason: string): void {
  if (reason.trim().length < 40) throw new Error(`Acknowledgement of ${id} on ${scope.node.path} needs a real reason`);
  const pack = id.slice(0, id.indexOf('-'));
  Validations.of(scope).acknowledge({ id: `${pack}::${id}`, reason });
}
