// The completion scripts offer every option of the table, in every spelling, in each shell.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionScript, SHELLS } from '../../../src/cli/completion.ts';
import { OPTION_NAMES, OPTIONS } from '../../../src/cli/options.ts';

describe('completionScript', () => {
  for (const shell of SHELLS) {
    it(`${shell}: names every option, its alias and its --no- form`, () => {
      const script = completionScript(shell);
      for (const name of OPTION_NAMES) {
        const spec: { type: string; alias?: string } = OPTIONS[name];
        const long = shell === 'fish' ? `-l ${name} ` : `--${name}`;
        assert.ok(script.includes(long), `${shell} lacks --${name}`);
        if (spec.alias !== undefined) {
          assert.ok(
            script.includes(shell === 'fish' ? `-s ${spec.alias} ` : `-${spec.alias}`),
            `${shell} lacks -${spec.alias}`,
          );
        }
        if (spec.type === 'boolean') {
          assert.ok(
            script.includes(shell === 'fish' ? `-l no-${name} ` : `--no-${name}`),
            `${shell} lacks --no-${name}`,
          );
        }
      }
    });
  }

  it('offers the fixed values of --name-case, --on-change and --stop-signal', () => {
    for (const shell of SHELLS) {
      const script = completionScript(shell);
      for (const value of ['upper keep', 'restart exit signal:SIGTERM', 'SIGTERM SIGINT SIGHUP']) {
        assert.ok(script.includes(value), `${shell} lacks ${value}`);
      }
    }
  });
});
