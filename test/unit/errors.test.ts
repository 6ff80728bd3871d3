// Every failure prints one line with a stable code and a hint; unexpected errors never print their message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  exitStatusFor,
  formatError,
  throwIfAny,
  toWithsecretsErrors,
  WithsecretsError,
  WithsecretsErrors,
} from '../../src/errors.ts';

describe('errors', () => {
  it('formats one line with the code and the hint', () => {
    const error = new WithsecretsError('SECRET_NOT_FOUND', 'secret "prod/db" not found in eu-west-1', {
      hint: 'check the name',
    });
    assert.equal(
      formatError(error),
      'withsecrets: [SECRET_NOT_FOUND] secret "prod/db" not found in eu-west-1 (fix: check the name)',
    );
    const multiline = new WithsecretsError('USAGE', 'a\nb\r\nc');
    assert.equal(formatError(multiline), 'withsecrets: [USAGE] a b c');
  });

  it('maps codes to the exit statuses of env and docker run', () => {
    assert.equal(exitStatusFor('COMMAND_NOT_FOUND'), 127);
    assert.equal(exitStatusFor('COMMAND_NOT_EXECUTABLE'), 126);
    assert.equal(exitStatusFor('SECRET_NOT_FOUND'), 125);
    assert.equal(exitStatusFor('INTERNAL'), 125);
  });

  it('throws nothing, one error, or all of them', () => {
    assert.doesNotThrow(() => throwIfAny([]));
    const one = new WithsecretsError('USAGE', 'one');
    assert.throws(
      () => throwIfAny([one]),
      (thrown) => thrown === one,
    );
    const two = new WithsecretsError('USAGE', 'two');
    assert.throws(
      () => throwIfAny([one, two]),
      (thrown) => thrown instanceof WithsecretsErrors && thrown.errors.length === 2,
    );
  });

  it('reports an unexpected error as INTERNAL by its type only, never its message', () => {
    const leaky = new SyntaxError('Unexpected token in JSON: "FAKE-secret-value"');
    const [error] = toWithsecretsErrors(leaky);
    assert.equal(error?.code, 'INTERNAL');
    assert.equal(error?.message, 'unexpected SyntaxError');
    assert.doesNotMatch(formatError(error as WithsecretsError), /FAKE-secret-value/);
  });
});
