import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { GSIS, TABLE_KEYS } from '#shared/adapters/dynamodb/table-def.ts';
import { loadTemplates, resourcesOfType, rootTemplate } from './assembly.ts';

describe('the single table', () => {
  const templates = loadTemplates();
  const root = rootTemplate(templates);

  it('is the only table, on-demand, keyed pk/sk from the shared key constants', () => {
    expect(resourcesOfType(templates, 'AWS::DynamoDB::Table')).toHaveLength(1);
    root.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
    });
  });

  it('survives mistakes: point-in-time recovery, deletion protection, retained on stack deletion', () => {
    root.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
    });
  });

  it('streams new and old images and expires items on the ttl attribute', () => {
    root.template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttl, Enabled: true },
    });
  });

  it('has both generic GSIs with all attributes projected', () => {
    root.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Object.entries(GSIS).map(([name, keys]) =>
        Match.objectLike({
          IndexName: name,
          KeySchema: [
            { AttributeName: keys.partitionKey, KeyType: 'HASH' },
            { AttributeName: keys.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }),
      ),
    });
  });
});
