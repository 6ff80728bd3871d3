// Checks the merge into the child's environment: precedence, references in place, --no-override.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildChildEnvironment } from '../../../src/environment/merge.ts';
import type { InjectedVariable } from '../../../src/environment/variables.ts';

describe('buildChildEnvironment', () => {
  const variable = (name: string, value: string, source = `s#${name}`): InjectedVariable => ({
    name,
    value,
    secret: true,
    source,
  });

  it('copies the inherited environment, dropping undefined values', () => {
    const result = buildChildEnvironment({ HOME: '/root', GONE: undefined, EMPTY: '' }, [], [], {
      override: true,
    });
    assert.deepEqual(result, { env: { HOME: '/root', EMPTY: '' }, applied: [], kept: [] });
    assert.equal(Object.hasOwn(result.env, 'GONE'), false);
  });

  it('replaces references in place, keeping the order of the environment', () => {
    const reference = variable('DB_PASSWORD', 'hunter2', 'secretsmanager://prod/db#password');
    const inherited = { A: '1', DB_PASSWORD: 'secretsmanager://prod/db#password', Z: '2' };
    const result = buildChildEnvironment(inherited, [reference], [], { override: true });
    assert.deepEqual(Object.entries(result.env), [
      ['A', '1'],
      ['DB_PASSWORD', 'hunter2'],
      ['Z', '2'],
    ]);
    assert.deepEqual(result.applied, [reference]);
  });

  it('lets injected variables override inherited ones, a later one winning', () => {
    const first = variable('TOKEN', 'first');
    const second = variable('TOKEN', 'second');
    const other = variable('OTHER', 'o');
    const result = buildChildEnvironment({ TOKEN: 'inherited', HOME: '/h' }, [], [first, other, second], {
      override: true,
    });
    assert.deepEqual(result.env, { TOKEN: 'second', HOME: '/h', OTHER: 'o' });
    assert.deepEqual(result.applied, [other, second]);
    assert.deepEqual(result.kept, []);
  });

  it('lets an injected variable override a reference, and reports only the winner as applied', () => {
    const reference = variable('DB_PASSWORD', 'from-reference');
    const injected = variable('DB_PASSWORD', 'from-secret');
    const result = buildChildEnvironment({ DB_PASSWORD: 'secretsmanager://x' }, [reference], [injected], {
      override: true,
    });
    assert.deepEqual(result.env, { DB_PASSWORD: 'from-secret' });
    assert.deepEqual(result.applied, [injected]);
  });

  it('with --no-override keeps inherited variables, references included, and reports the skipped ones', () => {
    const reference = variable('DB_PASSWORD', 'from-reference');
    const overHome = variable('HOME', '/secret-home');
    const overReference = variable('DB_PASSWORD', 'from-secret');
    const fresh = variable('NEW', 'n');
    const empty = variable('EMPTY', 'not kept: "" is still a value');
    const result = buildChildEnvironment(
      { HOME: '/h', DB_PASSWORD: 'secretsmanager://x', EMPTY: '', UNSET: undefined },
      [reference],
      [overHome, overReference, fresh, empty, variable('UNSET', 'u')],
      { override: false },
    );
    assert.deepEqual(result.env, {
      HOME: '/h',
      DB_PASSWORD: 'from-reference',
      EMPTY: '',
      NEW: 'n',
      UNSET: 'u',
    });
    assert.deepEqual(result.kept, [overHome, overReference, empty]);
    assert.deepEqual(
      result.applied.map((v) => v.name),
      ['DB_PASSWORD', 'NEW', 'UNSET'],
    );
  });

  it('with --no-override still lets a later injected variable win over an earlier one', () => {
    const result = buildChildEnvironment({}, [], [variable('X', '1'), variable('X', '2')], {
      override: false,
    });
    assert.deepEqual(result.env, { X: '2' });
    assert.deepEqual(result.kept, []);
  });

  it('does not mistake names on the prototype for inherited variables', () => {
    const injected = variable('constructor', 'c');
    const result = buildChildEnvironment({}, [], [injected], { override: false });
    assert.deepEqual(result.kept, []);
    assert.equal(result.env.constructor, 'c');
  });

  it('keeps a variable named __proto__ as an ordinary variable', () => {
    const inherited = Object.fromEntries([['__proto__', 'p']]);
    const result = buildChildEnvironment(inherited, [], [variable('X', 'x')], { override: true });
    assert.deepEqual(Object.entries(result.env), [
      ['__proto__', 'p'],
      ['X', 'x'],
    ]);
    assert.equal(Object.getPrototypeOf(result.env), Object.prototype);
  });

  it('does not change its inputs', () => {
    const inherited = { A: '1' };
    const injected = [variable('A', '2')];
    buildChildEnvironment(inherited, [], injected, { override: true });
    assert.deepEqual(inherited, { A: '1' });
    assert.deepEqual(injected, [variable('A', '2')]);
  });
});
