// Durations, signal names and --on-change values parse exactly, and bad ones name the flag.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, parseOnChange, parseSignalName } from '../../../src/cli/option-values.ts';
import type { WithsecretsError } from '../../../src/errors.ts';

describe('parseDuration', () => {
  it('reads units and compound durations', () => {
    assert.equal(parseDuration('30s', '--watch', 1000), 30_000);
    assert.equal(parseDuration('5m', '--watch', 1000), 300_000);
    assert.equal(parseDuration('1h', '--watch', 1000), 3_600_000);
    assert.equal(parseDuration('1h30m', '--watch', 1000), 5_400_000);
    assert.equal(parseDuration('1.5s', '--grace', 0), 1500);
    assert.equal(parseDuration('250ms', '--grace', 0), 250);
    assert.equal(parseDuration('0s', '--grace', 0), 0);
  });

  it('rejects text that is not a duration, and one below the minimum, naming the flag', () => {
    for (const text of ['30', 's', '5 m', '1d', '-1s', '1s2', '']) {
      assert.throws(
        () => parseDuration(text, '--watch', 1000),
        (error: WithsecretsError) => {
          assert.equal(error.code, 'USAGE');
          assert.match(error.message, /^--watch takes a duration such as 30s, 5m or 1h/);
          return true;
        },
      );
    }
    assert.throws(() => parseDuration('999ms', '--watch', 1000), /--watch must be at least 1s, not "999ms"/);
    // Longer than setTimeout can wait: it would fire at once, in a loop.
    assert.throws(() => parseDuration('1000h', '--watch', 1000), /--watch must be at most 596h, not "1000h"/);
    assert.equal(parseDuration('596h', '--watch', 1000), 596 * 3_600_000);
  });
});

describe('parseSignalName', () => {
  it('accepts SIGTERM, TERM, term and 15', () => {
    for (const text of ['SIGTERM', 'TERM', 'term', '15'])
      assert.equal(parseSignalName(text, '--stop-signal'), 'SIGTERM');
    assert.equal(parseSignalName('hup', '--stop-signal'), 'SIGHUP');
  });

  it('rejects unknown names and numbers', () => {
    for (const text of ['SIGNOPE', '999', '']) {
      assert.throws(() => parseSignalName(text, '--stop-signal'), /--stop-signal names no known signal/);
    }
  });
});

describe('parseOnChange', () => {
  it('reads the three actions', () => {
    assert.deepEqual(parseOnChange('restart'), { action: 'restart' });
    assert.deepEqual(parseOnChange('exit'), { action: 'exit' });
    assert.deepEqual(parseOnChange('signal:SIGHUP'), { action: 'signal', signal: 'SIGHUP' });
    assert.deepEqual(parseOnChange('signal:usr1'), { action: 'signal', signal: 'SIGUSR1' });
  });

  it('rejects anything else', () => {
    assert.throws(
      () => parseOnChange('reload'),
      /--on-change must be restart, exit or signal:NAME, not "reload"/,
    );
    assert.throws(() => parseOnChange('signal:'), /names no known signal/);
  });
});
