// The status a shell reports for the child's end; exitLike itself ends the process, so test/e2e/exit-status.test.ts checks it.
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { describe, it } from 'node:test';
import { shellStatus, signalNumber } from '../../../src/process/exit.ts';

describe('shellStatus', () => {
  it("is the child's own status, 0 included", () => {
    for (const status of [0, 1, 7, 125, 255]) assert.equal(shellStatus({ status }), status);
  });

  it('is 128+N for a signal death, for every signal of this platform', () => {
    for (const [name, number] of Object.entries(constants.signals)) {
      assert.equal(signalNumber(name as NodeJS.Signals), number);
      assert.equal(shellStatus({ signal: name as NodeJS.Signals }), 128 + number, name);
    }
    assert.equal(shellStatus({ signal: 'SIGTERM' }), 143);
    assert.equal(shellStatus({ signal: 'SIGKILL' }), 137);
  });

  it('counts an unknown signal name as 0', () => {
    assert.equal(signalNumber('SIGNOPE' as NodeJS.Signals), 0);
    assert.equal(shellStatus({ signal: 'SIGNOPE' as NodeJS.Signals }), 128);
  });
});
