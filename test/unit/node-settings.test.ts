// Node settings exported for the command must not open withsecrets' own memory: they are refused by name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refuseExposingNodeSettings } from '../../src/node-settings.ts';

describe('refuseExposingNodeSettings', () => {
  it('accepts harmless settings', () => {
    for (const env of [
      {},
      { NODE_OPTIONS: '--max-old-space-size=4096 --enable-source-maps' },
      { NODE_DEBUG: 'http,net' },
    ]) {
      assert.doesNotThrow(() => refuseExposingNodeSettings(env, []));
    }
    assert.doesNotThrow(() =>
      refuseExposingNodeSettings({ NODE_OPTIONS: '--inspector-free-flag-not-real' }, []),
    );
  });

  for (const option of [
    '--inspect',
    '--inspect=0',
    '--inspect-brk',
    '--heapsnapshot-signal=SIGUSR2',
    '--heap-prof',
    '--cpu-prof',
    '--prof',
  ]) {
    it(`refuses NODE_OPTIONS ${option}, naming it`, () => {
      assert.throws(
        () => refuseExposingNodeSettings({ NODE_OPTIONS: `--enable-source-maps ${option}` }, []),
        (error: Error & { code?: string }) =>
          error.code === 'USAGE' && error.message.startsWith(`NODE_OPTIONS holds ${option.split('=')[0]},`),
      );
    });
  }

  it('refuses the same options given to node itself, naming where they came from', () => {
    assert.throws(
      () => refuseExposingNodeSettings({}, ['--inspect']),
      (error: Error) => error.message.startsWith("node's command line holds --inspect,"),
    );
  });

  for (const spelling of [
    '--inspect_brk',
    '"--inspect"',
    '--heapsnapshot_signal=SIGUSR2',
    '--abort-on-uncaught-exception',
  ]) {
    it(`refuses NODE_OPTIONS ${spelling}, as Node would read it`, () => {
      assert.throws(
        () => refuseExposingNodeSettings({ NODE_OPTIONS: `--enable-source-maps ${spelling}` }, []),
        (error: Error) => error.message.startsWith('NODE_OPTIONS holds --'),
      );
    });
  }

  for (const value of ['child_process', 'net,CHILD_PROCESS', 'child_*', '*']) {
    it(`refuses NODE_DEBUG=${value}`, () => {
      assert.throws(
        () => refuseExposingNodeSettings({ NODE_DEBUG: value }, []),
        /NODE_DEBUG names child_process/,
      );
    });
  }
});
