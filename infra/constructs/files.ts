import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { StageConfig } from '#infra/config/stages.ts';
import { acknowledge } from '#infra/nag.ts';

/**
 * The portal's file store: ticket attachments, published documents, invoice PDFs.
 * Defaults: private (all public access blocked), SSE-S3 encryption, TLS only, versioned, non-current
 * versions expire after 30 days, CORS for browser PUT/GET from the stage's origins (presigned URLs), kept
 * on delete in prod. Objects are written and read only through short-lived presigned URLs that functions
 * sign with their own role.
 */
export class Files extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { config: StageConfig }) {
    super(scope, id);
    const prod = props.config.stage === 'prod';
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET],
          allowedOrigins: [...props.config.corsOrigins],
          allowedHeaders: ['content-type', 'content-length'],
          maxAge: 600,
        },
      ],
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      'Server access logs are not enabled: every object operation goes through presigned URLs issued by the API, which logs who requested each one with the request id; CloudTrail data events can be enabled per stage if object-level audit is required.',
    );
  }
}
