// Which id a fallback region is asked for, and the one line that says what came from where.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inRegion, servedElsewhereLines } from '../../../src/aws/fallback-regions.ts';

describe('inRegion', () => {
  it('keeps a name, and turns a full or partial ARN into its replica in the region', () => {
    assert.equal(inRegion('prod/db', 'eu-west-1'), 'prod/db');
    assert.equal(
      inRegion('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf', 'eu-west-1'),
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf',
    );
    assert.equal(
      inRegion('arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:a:b', 'cn-northwest-1'),
      'arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:a:b',
    );
  });
});

describe('servedElsewhereLines', () => {
  it('gives one line per pair of regions, the ids sorted and each once', () => {
    assert.deepEqual(
      servedElsewhereLines([
        { id: 'b', from: 'us-east-1', to: 'eu-west-1' },
        { id: 'a', from: 'us-east-1', to: 'eu-west-1' },
        { id: 'a', from: 'us-east-1', to: 'eu-west-1' },
        { id: 'c', from: 'us-west-2', to: 'eu-west-1' },
      ]),
      [
        'Secrets Manager in us-east-1 did not answer; fetched from the fallback region eu-west-1: a, b',
        'Secrets Manager in us-west-2 did not answer; fetched from the fallback region eu-west-1: c',
      ],
    );
    assert.deepEqual(servedElsewhereLines([]), []);
  });
});
