import { describe, expect, it } from 'vitest';
import { matchesWildcard, type WildcardDialect } from './wildcard.js';

const cases: Array<[WildcardDialect, string, string, boolean]> = [
  ['aws-action', 's3:Get*', 's3:GetObject', true],
  ['aws-action', 's3:get*', 's3:GetObject', true],
  ['aws-action', 's3:*', 's3:ListBucket', true],
  ['aws-action', '*', 'iam:PassRole', true],
  ['aws-action', 's3:GetObjec?', 's3:GetObject', true],
  ['aws-action', 's3:Get?', 's3:GetObject', false],
  ['aws-action', 's3:Get*', 'ec2:GetObject', false],
  ['aws-action', 's3:Get.bject', 's3:GetObject', false],
  ['aws-arn', 'arn:aws:s3:::clinic-*/*', 'arn:aws:s3:::clinic-photos/2024/a.jpg', true],
  ['aws-arn', 'arn:aws:s3:::Clinic-*', 'arn:aws:s3:::clinic-photos', false],
  ['aws-arn', 'arn:aws:s3:::bucket-?', 'arn:aws:s3:::bucket-1', true],
  ['waiver', '/subscriptions/*/resourceGroups/rg-demo/*', '/subscriptions/0b1f/resourceGroups/rg-demo/providers/Microsoft.Storage/storageAccounts/x', true],
  ['waiver', 'clinic-*', 'clinic-photos', true],
  ['waiver', 'clinic-*', 'Clinic-photos', false],
  ['waiver', 'clinic-?', 'clinic-a', false],
  ['waiver', 'clinic-?', 'clinic-?', true],
  ['waiver', 'a.b', 'axb', false],
  ['waiver', '*', '', true],
];

describe('wildcard matching', () => {
  it.each(cases)('in the %s dialect, %j against %j is %s', (dialect, pattern, value, expected) => {
    expect(matchesWildcard(pattern, value, dialect)).toBe(expected);
  });
});
