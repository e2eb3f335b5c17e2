import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { STAGES, stageConfig, stages } from '#infra/config/stages.ts';
import { rootTemplate } from './assembly.ts';
import { synthWithoutBundling } from './synth-app.ts';

describe('stage selection', () => {
  it('defaults to dev', () => {
    expect(stageConfig().stage).toBe('dev');
  });

  it('rejects an unknown stage before building anything', () => {
    expect(() => buildApp({ stage: 'qa' })).toThrow('Unknown stage "qa": expected one of dev, prod (pass -c stage=dev|prod)');
  });

  it.each(STAGES)('%s sends mail from an address in its SES domain and allows exact CORS origins only', (stage) => {
    const config = stageConfig(stage);
    expect(config.mail.fromAddress.endsWith(`@${config.mail.domain}`)).toBe(true);
    expect(config.corsOrigins).not.toContain('*');
  });
});

describe('the prod stack', () => {
  const { templates, report } = synthWithoutBundling({ stage: 'prod' });
  const root = rootTemplate(templates, 'portal-prod');
  const config = stages.prod;

  it('turns on Cognito threat protection', () => {
    root.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('uses the prod throttling, memory and log retention', () => {
    root.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: config.throttle.rateLimit, ThrottlingBurstLimit: config.throttle.burstLimit },
    });
    const memory = templates.flatMap((t) =>
      Object.values(Template.fromJSON(t.json).findResources('AWS::Lambda::Function')).map((fn) => fn.Properties.MemorySize),
    );
    expect(memory).toContain(config.lambdaMemoryMb);
    expect(memory).not.toContain(stages.dev.lambdaMemoryMb);
    for (const t of templates) {
      Template.fromJSON(t.json).allResources('AWS::Logs::LogGroup', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({ RetentionInDays: config.logRetention }),
      });
    }
  });

  it('passes the policy gate without the dev-only acknowledgements', () => {
    expect(report.pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName))).toEqual([]);
    const acknowledged = report.pluginReports.flatMap((r) => (r.suppressedViolations ?? []).map((v) => v.ruleName));
    expect(acknowledged).not.toContain('AwsSolutions-COG8');
  });
});
