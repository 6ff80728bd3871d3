// "Did you mean": edit distances, and which known name is offered for a typo, and when none is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unknownVariableWarnings } from '../../../src/cli/environment-options.ts';
import { closestName, editDistance } from '../../../src/cli/suggest.ts';

describe('editDistance', () => {
  for (const [a, b, distance] of [
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['secret', 'secret', 0],
    ['secrte', 'secret', 1],
    ['secet', 'secret', 1],
    ['secrets', 'secret', 1],
    ['sekret', 'secret', 1],
    ['ca', 'abc', 3],
    ['region', 'profile', 5],
  ] as const) {
    it(`${JSON.stringify(a)} -> ${JSON.stringify(b)}: ${distance}`, () => {
      assert.equal(editDistance(a, b), distance);
      assert.equal(editDistance(b, a), distance);
    });
  }
});

describe('closestName', () => {
  const options = ['--secret', '--prefix', '--region', '--profile', '--mask', '--no-mask', '--dry-run'];

  it('offers the option one or two edits away', () => {
    assert.equal(closestName('--secrte', options), '--secret');
    assert.equal(closestName('--dryrun', options), '--dry-run');
    assert.equal(closestName('--no-mazk', options), '--no-mask');
    assert.equal(closestName('--regoin', options), '--region');
    assert.equal(closestName('--SECRET', options), '--secret');
  });

  it('offers nothing three edits away, or for a short word', () => {
    assert.equal(closestName('--sxcxexx', options), undefined);
    assert.equal(closestName('--zzzz', options), undefined);
    assert.equal(closestName('ab', ['ac']), undefined);
    assert.equal(closestName('abc', ['abd']), 'abd');
  });

  it('keeps the first of two equally close names, and takes a closer later one', () => {
    assert.equal(closestName('abcd', ['abcx', 'abcy']), 'abcx');
    assert.equal(closestName('abcd', ['abxx', 'abcx']), 'abcx');
  });
});

describe('unknownVariableWarnings', () => {
  it('names each WITHSECRETS_ variable that is no setting, with the closest, never its value', () => {
    const warnings = unknownVariableWarnings({
      WITHSECRETS_SECERT: 'FAKE-value-1',
      WITHSECRETS_NO_MASKK: 'FAKE-value-2',
      WITHSECRETS_QQQQQQ: 'FAKE-value-3',
      OTHER: 'x',
    });
    assert.deepEqual(warnings, [
      'WITHSECRETS_NO_MASKK is not a setting of withsecrets and is ignored (did you mean WITHSECRETS_NO_MASK?)',
      'WITHSECRETS_QQQQQQ is not a setting of withsecrets and is ignored',
      'WITHSECRETS_SECERT is not a setting of withsecrets and is ignored (did you mean WITHSECRETS_SECRET?)',
    ]);
    assert.ok(!warnings.join('\n').includes('FAKE-value'));
  });

  it('stays silent for every setting, negated booleans, WITHSECRETS_DEBUG and the bin carriers', () => {
    assert.deepEqual(
      unknownVariableWarnings({
        WITHSECRETS_SECRET: 'a',
        WITHSECRETS_MASK_MIN_LENGTH: '4',
        WITHSECRETS_NO_MASK: '1',
        WITHSECRETS_NO_RESOLVE_ENV: '1',
        WITHSECRETS_ON_CHANGE: 'exit',
        WITHSECRETS_DEBUG: 'stack',
        WITHSECRETS_CARRIED_NODE_OPTIONS: '',
        WITHSECRETS_CARRIED_COREDUMP_FILTER: '33',
      }),
      [],
    );
  });

  it('refuses WITHSECRETS_NO_ for an option that is not a boolean', () => {
    assert.equal(unknownVariableWarnings({ WITHSECRETS_NO_REGION: '1' }).length, 1);
  });
});
