// PageGuard: paging moves on or stops with a clear error; a looping endpoint cannot keep withsecrets paging.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PageGuard } from '../../../src/aws/page-guard.ts';

describe('PageGuard', () => {
  it('lets pages that bring new entries and new tokens through, to the last page', () => {
    const guard = new PageGuard('ListSecrets', '"prod/*"');
    guard.check('t1', ['a', 'b']);
    guard.check('t2', ['c']);
    guard.check('t3', []);
    guard.check(undefined, ['d', 'a']);
  });

  it('stops at a NextToken given before, naming the call and what it listed', () => {
    const guard = new PageGuard('ListSecrets', '"prod/*"');
    guard.check('t1', ['a']);
    assert.throws(
      () => guard.check('t1', ['b']),
      (error: Error & { code?: string; hint?: string }) =>
        error.code === 'AWS_ERROR' &&
        error.message === 'ListSecrets for "prod/*" answered the same NextToken again' &&
        error.hint === 'the endpoint is looping: check --endpoint-url and the proxy, or retry later',
    );
  });

  it('stops at a page of only entries seen before, under a new token', () => {
    const guard = new PageGuard('BatchGetSecretValue', '20 secrets');
    guard.check('t1', ['a', 'b']);
    assert.throws(
      () => guard.check('t2', ['b', 'a']),
      /BatchGetSecretValue for 20 secrets answered the same page again$/,
    );
  });
});
