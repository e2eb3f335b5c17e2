import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '#infra/config/stages.ts';
import { acknowledge } from '#infra/nag.ts';

/**
 * The stage's alarm topic and the failure-handling building blocks every asynchronous entry point uses.
 * Defaults:
 * - topic encrypted with a customer managed KMS key (rotation on): CloudWatch cannot publish to a topic
 *   under the AWS managed `aws/sns` key; publishing over anything but TLS is denied;
 * - `alarmEmail` subscribed when the stage sets one;
 * - failure queues: SSE-SQS, TLS only, 14 days retention (the longest), alarm on the first visible message;
 * - function alarms: at least one error in 5 minutes.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: { readonly config: StageConfig }) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', {
      description: `Encrypts the ${props.config.stage} alarm topic`,
      enableKeyRotation: true,
      removalPolicy: props.config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `Support portal ${props.config.stage} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.config.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.config.alarmEmail));
    this.action = new SnsAction(this.topic);
  }

  /** Sends the alarm's ALARM and OK transitions to the topic. */
  notify(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }

  /**
   * A queue that receives what `source` could not process (a DLQ or an on-failure destination), with an
   * alarm as soon as one message is in it. `lambdaDeadLetterQueue`: it will be a function's
   * DeadLetterConfig, which cdk-nag recognizes as DLQ use (so SQS3 needs no acknowledgement).
   */
  failureQueue(scope: Construct, id: string, source: string, options: { readonly lambdaDeadLetterQueue?: boolean } = {}): sqs.Queue {
    const queue = new sqs.Queue(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    if (!options.lambdaDeadLetterQueue) {
      acknowledge(
        queue,
        'AwsSolutions-SQS3',
        `This queue is itself the failure destination of ${source}; a further DLQ behind it would only move the same messages. They are kept 14 days and the depth alarm pages on the first one.`,
      );
    }
    acknowledge(
      queue,
      'Serverless-SQSRedrivePolicy',
      `Terminal failure destination of ${source}: nothing consumes it automatically, so no receive count can ever trigger a redrive; an operator redrives its messages once the cause is fixed, prompted by the depth alarm.`,
    );
    this.notify(
      new cloudwatch.Alarm(scope, `${id}DepthAlarm`, {
        alarmDescription: `${source}: a message reached the failure queue; inspect it and redrive once the cause is fixed`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    return queue;
  }

  /** Alarm on any error of a function that no caller waits for. */
  functionErrors(scope: Construct, id: string, fn: lambda.IFunction, source: string): cloudwatch.Alarm {
    return this.notify(
      new cloudwatch.Alarm(scope, id, {
        alarmDescription: `${source}: the function reported errors`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
