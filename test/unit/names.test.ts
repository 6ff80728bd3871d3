// Checks that derived variable names are ones a shell accepts, and that --name-case only changes letters.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidVariableName, sanitiseName } from '../../src/names.ts';

describe('sanitiseName', () => {
  it('replaces every character outside [A-Za-z0-9_] with _ and upper-cases', () => {
    assert.equal(sanitiseName('prod/api-key', 'upper'), 'PROD_API_KEY');
    assert.equal(sanitiseName('a.b', 'upper'), 'A_B');
    assert.equal(sanitiseName('db host:port@x+y=z', 'upper'), 'DB_HOST_PORT_X_Y_Z');
  });

  it('keeps the case with keep, still replacing the other characters', () => {
    assert.equal(sanitiseName('prod/api-Key', 'keep'), 'prod_api_Key');
    assert.equal(sanitiseName('dbHost', 'keep'), 'dbHost');
  });

  it('prefixes a leading digit with _', () => {
    assert.equal(sanitiseName('9lives', 'upper'), '_9LIVES');
    assert.equal(sanitiseName('9lives', 'keep'), '_9lives');
    assert.equal(sanitiseName('0', 'upper'), '_0');
  });

  it('does not prefix a digit that follows a replaced character', () => {
    assert.equal(sanitiseName('-9', 'upper'), '_9');
    assert.equal(sanitiseName('a9', 'upper'), 'A9');
  });

  it('replaces each code point once: é, emoji and a CJK character each become one _', () => {
    assert.equal(sanitiseName('é', 'upper'), '_');
    assert.equal(sanitiseName('café', 'upper'), 'CAF_');
    assert.equal(sanitiseName('key😀', 'keep'), 'key_');
    assert.equal(sanitiseName('密码', 'upper'), '__');
  });

  it('never expands a letter when upper-casing (ß is replaced, not turned into SS)', () => {
    assert.equal(sanitiseName('straße', 'upper'), 'STRA_E');
  });

  it('leaves an already valid name alone apart from the case', () => {
    assert.equal(sanitiseName('_Already_OK1', 'upper'), '_ALREADY_OK1');
    assert.equal(sanitiseName('_Already_OK1', 'keep'), '_Already_OK1');
  });

  it('keeps an empty name empty, for the caller to refuse', () => {
    assert.equal(sanitiseName('', 'upper'), '');
  });

  it('always returns a valid name for any non-empty input', () => {
    for (const input of ['prod/api-key', '9lives', 'é', '.', ' ', '\u0000', 'a\nb', '0x']) {
      assert.ok(isValidVariableName(sanitiseName(input, 'upper')), input);
      assert.ok(isValidVariableName(sanitiseName(input, 'keep')), input);
    }
  });
});

describe('isValidVariableName', () => {
  it('accepts [A-Za-z_][A-Za-z0-9_]*', () => {
    for (const name of ['A', '_', 'DB_HOST', 'db_host', '_9LIVES', 'a1', 'ABC_123_def']) {
      assert.equal(isValidVariableName(name), true, name);
    }
  });

  it('refuses empty names, leading digits and other characters', () => {
    for (const name of ['', '9A', 'A-B', 'A.B', 'A B', 'é', 'A=B', 'A\n', ' A', 'A\u0000']) {
      assert.equal(isValidVariableName(name), false, JSON.stringify(name));
    }
  });
});
