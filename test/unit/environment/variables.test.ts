// Checks how secret values become variables: names, JSON expansion, keys, and errors that never show a value.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type InjectedVariable,
  type NamingOptions,
  valueForEnvReference,
  variablesFromSecret,
} from '../../../src/environment/variables.ts';
import { type ErrorCode, WithsecretsError, WithsecretsErrors } from '../../../src/errors.ts';
import type { EnvReference } from '../../../src/references/env-refs.ts';
import type { FetchedSecret } from '../../../src/references/fetch-request.ts';

const UPPER: NamingOptions = { nameCase: 'upper' };
const KEEP: NamingOptions = { nameCase: 'keep' };
const ARN_OF = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;

function stringSecret(name: string, secretString: string): FetchedSecret {
  return { name, arn: ARN_OF(name), secretString };
}

function binarySecret(name: string, secretBinary: Uint8Array): FetchedSecret {
  return { name, arn: ARN_OF(name), secretBinary };
}

/** Name -> value, for assertions that do not care about the other fields. */
function valuesOf(variables: readonly InjectedVariable[]): [string, string][] {
  return variables.map((variable) => [variable.name, variable.value]);
}

/**
 * The errors `run` throws, flattened; each must have the code, a one-line message holding every
 * fragment, a hint, and none of the `secretTexts` in its message or hint.
 */
function errorsOf(
  run: () => unknown,
  code: ErrorCode,
  secretTexts: readonly string[] = [],
): WithsecretsError[] {
  try {
    run();
  } catch (thrown) {
    const errors = thrown instanceof WithsecretsErrors ? [...thrown.errors] : [thrown];
    return errors.map((error) => {
      assert.ok(error instanceof WithsecretsError, String(error));
      assert.equal(error.code, code, error.message);
      assert.ok(!/[\r\n]/.test(error.message), 'one line');
      assert.ok(error.hint !== undefined && error.hint.length > 0);
      for (const text of secretTexts) {
        assert.ok(!error.message.includes(text), `message holds a secret: ${error.message}`);
        assert.ok(!error.hint.includes(text), `hint holds a secret: ${error.hint}`);
      }
      return error;
    });
  }
  assert.fail(`expected ${code}`);
}

function onlyError(
  run: () => unknown,
  code: ErrorCode,
  secretTexts: readonly string[] = [],
): WithsecretsError {
  const errors = errorsOf(run, code, secretTexts);
  assert.equal(errors.length, 1, errors.map((error) => error.message).join('; '));
  return errors[0] as WithsecretsError;
}

describe('variablesFromSecret: a single value', () => {
  it('names plain text after the secret name, sanitised and upper-cased', () => {
    assert.deepEqual(
      variablesFromSecret(stringSecret('prod/api-key', 's3cr3t value'), { label: 'prod/api-key' }, UPPER),
      [{ name: 'PROD_API_KEY', value: 's3cr3t value', secret: true, source: 'prod/api-key' }],
    );
  });

  it('keeps the case with --name-case keep', () => {
    const [variable] = variablesFromSecret(
      stringSecret('prod/Api-key', 'x'),
      { label: 'prod/Api-key' },
      KEEP,
    );
    assert.equal(variable?.name, 'prod_Api_key');
  });

  it('uses the name AWS returns, not the label (an ARN label gives the short name)', () => {
    const [variable] = variablesFromSecret(stringSecret('9lives', 'x'), { label: ARN_OF('9lives') }, UPPER);
    assert.equal(variable?.name, '_9LIVES');
    assert.equal(variable?.source, ARN_OF('9lives'));
  });

  it('uses an alias exactly as written, never sanitised or upper-cased', () => {
    const variables = variablesFromSecret(
      stringSecret('ci/npm', 'tok'),
      { alias: 'npm_Token', label: 'ci/npm' },
      UPPER,
    );
    assert.deepEqual(valuesOf(variables), [['npm_Token', 'tok']]);
  });

  it('puts --prefix in front of a derived name and of an alias, exactly as written', () => {
    const prefix: NamingOptions = { prefix: 'app_', nameCase: 'upper' };
    assert.deepEqual(
      valuesOf(variablesFromSecret(stringSecret('prod/key', 'x'), { label: 'prod/key' }, prefix)),
      [['app_PROD_KEY', 'x']],
    );
    const aliased = variablesFromSecret(
      stringSecret('prod/key', 'x'),
      { alias: 'KEY', label: 'prod/key' },
      prefix,
    );
    assert.deepEqual(valuesOf(aliased), [['app_KEY', 'x']]);
  });

  it('uses an alias as a prefix of a wildcard match, which keeps the secret name', () => {
    const secret = stringSecret('prod/api-key', 'x');
    const matched = { alias: 'APP', label: 'APP=prod/* (prod/api-key)', wildcard: true };
    assert.deepEqual(variablesFromSecret(secret, matched, UPPER), [
      { name: 'APP_PROD_API_KEY', value: 'x', secret: true, source: 'APP=prod/* (prod/api-key)' },
    ]);
    const json = stringSecret('prod/db', '{"host":"h"}');
    assert.deepEqual(valuesOf(variablesFromSecret(json, matched, UPPER)), [['APP_HOST', 'h']]);
    assert.deepEqual(valuesOf(variablesFromSecret(secret, { label: 'prod/*', wildcard: true }, UPPER)), [
      ['PROD_API_KEY', 'x'],
    ]);
  });

  it('keeps JSON that is not an object as one value, exactly the SecretString', () => {
    for (const text of ['12345', '"str"', '[1, 2]', 'true', 'null', '{"a":1,}', '{"a":', ' {} x', '']) {
      assert.deepEqual(variablesFromSecret(stringSecret('p', text), { label: 'p' }, UPPER), [
        { name: 'P', value: text, secret: true, source: 'p' },
      ]);
    }
  });

  it('keeps JSON nested beyond the depth limit as one value instead of failing', () => {
    const deep = `{"a":${'['.repeat(1000)}${']'.repeat(1000)}}`;
    assert.deepEqual(valuesOf(variablesFromSecret(stringSecret('p', deep), { label: 'p' }, UPPER)), [
      ['P', deep],
    ]);
  });

  it('base64-encodes a binary secret (standard alphabet, padded), honouring the view offset', () => {
    const bytes = new Uint8Array([0xff, 0xfb, 0x00, 0x01, 0x02, 0x3e, 0x3f]);
    assert.deepEqual(variablesFromSecret(binarySecret('prod/cert', bytes), { label: 'prod/cert' }, UPPER), [
      { name: 'PROD_CERT', value: '//sAAQI+Pw==', secret: true, source: 'prod/cert' },
    ]);
    const view = bytes.subarray(3, 5);
    assert.deepEqual(valuesOf(variablesFromSecret(binarySecret('b', view), { label: 'b' }, UPPER)), [
      ['B', 'AQI='],
    ]);
  });

  it('keeps a 64 KiB value exactly', () => {
    const value = `${'a'.repeat(65_536 - 3)}é\n`;
    const [variable] = variablesFromSecret(stringSecret('big', value), { label: 'big' }, UPPER);
    assert.equal(variable?.value, value);
  });

  it('refuses a secret with neither a string nor a binary value', () => {
    const error = onlyError(
      () => variablesFromSecret({ name: 'p', arn: ARN_OF('p') }, { label: 'p' }, UPPER),
      'BAD_VALUE',
    );
    assert.equal(error.message, 'secret "p" has no value');
  });
});

describe('variablesFromSecret: JSON expansion', () => {
  const db = stringSecret(
    'prod/db',
    '{"host":"db.local","port":5432.0,"ssl":true,"id":12345678901234567890,"note":null,"tags":["a", 1],' +
      '"creds":{"user":"app","pass":"p@ss","opts":{"timeout":1E+2}},"empty":{}}',
  );

  it('gives one variable per key: nested objects flattened, numbers as written, null empty, arrays as text', () => {
    assert.deepEqual(variablesFromSecret(db, { label: 'prod/db' }, UPPER), [
      { name: 'HOST', value: 'db.local', secret: true, source: 'prod/db#host' },
      { name: 'PORT', value: '5432.0', secret: false, source: 'prod/db#port' },
      { name: 'SSL', value: 'true', secret: false, source: 'prod/db#ssl' },
      { name: 'ID', value: '12345678901234567890', secret: false, source: 'prod/db#id' },
      { name: 'NOTE', value: '', secret: true, source: 'prod/db#note' },
      { name: 'TAGS', value: '["a", 1]', secret: true, source: 'prod/db#tags' },
      { name: 'CREDS_USER', value: 'app', secret: true, source: 'prod/db#creds.user' },
      { name: 'CREDS_PASS', value: 'p@ss', secret: true, source: 'prod/db#creds.pass' },
      { name: 'CREDS_OPTS_TIMEOUT', value: '1E+2', secret: false, source: 'prod/db#creds.opts.timeout' },
    ]);
  });

  it('uses an alias as the prefix of every variable, joined with _', () => {
    const names = variablesFromSecret(db, { alias: 'DB', label: 'prod/db' }, UPPER).map((v) => v.name);
    assert.deepEqual(names, [
      'DB_HOST',
      'DB_PORT',
      'DB_SSL',
      'DB_ID',
      'DB_NOTE',
      'DB_TAGS',
      'DB_CREDS_USER',
      'DB_CREDS_PASS',
      'DB_CREDS_OPTS_TIMEOUT',
    ]);
  });

  it('puts --prefix before the alias and before derived names', () => {
    const secret = stringSecret('s', '{"host":"h"}');
    const naming: NamingOptions = { prefix: 'APP_', nameCase: 'upper' };
    assert.deepEqual(valuesOf(variablesFromSecret(secret, { label: 's' }, naming)), [['APP_HOST', 'h']]);
    assert.deepEqual(valuesOf(variablesFromSecret(secret, { alias: 'Db', label: 's' }, naming)), [
      ['APP_Db_HOST', 'h'],
    ]);
  });

  it('sanitises each key path: a leading digit, dots, dashes and non-ASCII', () => {
    const secret = stringSecret('s', '{"9lives":"1","a.b":"2","api-key":"3","clé":"4","x":{"2y":"5"}}');
    assert.deepEqual(valuesOf(variablesFromSecret(secret, { label: 's' }, UPPER)), [
      ['_9LIVES', '1'],
      ['A_B', '2'],
      ['API_KEY', '3'],
      ['CL_', '4'],
      ['X_2Y', '5'],
    ]);
    // With an alias the derived part is a name of its own, so its leading digit gets the _ too.
    assert.deepEqual(
      valuesOf(variablesFromSecret(stringSecret('s', '{"9x":"1"}'), { alias: 'P', label: 's' }, UPPER)),
      [['P__9X', '1']],
    );
  });

  it('keeps the case of keys with --name-case keep', () => {
    const secret = stringSecret('s', '{"dbHost":"h","db":{"Port":1}}');
    assert.deepEqual(valuesOf(variablesFromSecret(secret, { label: 's' }, KEEP)), [
      ['dbHost', 'h'],
      ['db_Port', '1'],
    ]);
  });

  it('decodes strings, escapes and surrogate pairs included', () => {
    const secret = stringSecret('s', '{"a":"line1\\nline2 \\"q\\" \\ud83d\\ude00 \\u00e9"}');
    assert.deepEqual(valuesOf(variablesFromSecret(secret, { label: 's' }, UPPER)), [
      ['A', 'line1\nline2 "q" 😀 é'],
    ]);
  });

  it('lets the last duplicate key win, giving one variable', () => {
    const secret = stringSecret('s', '{"a":"first","b":"x","a":"last"}');
    assert.deepEqual(valuesOf(variablesFromSecret(secret, { label: 's' }, UPPER)), [
      ['A', 'last'],
      ['B', 'x'],
    ]);
  });

  it('gives no variable for an empty object', () => {
    assert.deepEqual(variablesFromSecret(stringSecret('s', ' {} '), { label: 's' }, UPPER), []);
  });

  it('labels the variables of a wildcard match with the label it is given', () => {
    const [variable] = variablesFromSecret(
      stringSecret('prod/db', '{"host":"h"}'),
      { label: 'prod/* (prod/db)' },
      UPPER,
    );
    assert.equal(variable?.source, 'prod/* (prod/db)#host');
  });

  it('expands 1,000 keys in order', () => {
    const source = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`key-${i}`, `v${i}`]));
    const variables = variablesFromSecret(stringSecret('s', JSON.stringify(source)), { label: 's' }, UPPER);
    assert.equal(variables.length, 1000);
    assert.deepEqual(variables[0], { name: 'KEY_0', value: 'v0', secret: true, source: 's#key-0' });
    assert.deepEqual(variables[999], { name: 'KEY_999', value: 'v999', secret: true, source: 's#key-999' });
  });

  it('keeps a 64 KiB value inside JSON exactly', () => {
    const value = `${'x'.repeat(60_000)}${'"\\\n'.repeat(1500)}`;
    const [variable] = variablesFromSecret(
      stringSecret('s', JSON.stringify({ big: value })),
      { label: 's' },
      UPPER,
    );
    assert.equal(variable?.value, value);
  });
});

describe('variablesFromSecret: #KEY', () => {
  const db = stringSecret(
    'prod/db',
    '{"host":"h","password":"hunter2","port":5432,"a.b":"exact","a":{"b":"nested","c":"c"},' +
      '"creds":{"user":"u","9x":"n","deep":{"k":false}},"list":[1,2],"none":null}',
  );

  it('names a scalar after the key, sanitised', () => {
    assert.deepEqual(variablesFromSecret(db, { key: 'password', label: 'prod/db' }, UPPER), [
      { name: 'PASSWORD', value: 'hunter2', secret: true, source: 'prod/db#password' },
    ]);
  });

  it('names a scalar after the alias when there is one, with --prefix in front', () => {
    assert.deepEqual(
      valuesOf(variablesFromSecret(db, { alias: 'PGPASSWORD', key: 'password', label: 'prod/db' }, UPPER)),
      [['PGPASSWORD', 'hunter2']],
    );
    const naming: NamingOptions = { prefix: 'X_', nameCase: 'upper' };
    assert.deepEqual(valuesOf(variablesFromSecret(db, { key: 'password', label: 'prod/db' }, naming)), [
      ['X_PASSWORD', 'hunter2'],
    ]);
  });

  it('marks a number or boolean as not secret, and gives arrays as text and null as ""', () => {
    assert.deepEqual(variablesFromSecret(db, { key: 'port', label: 'prod/db' }, UPPER), [
      { name: 'PORT', value: '5432', secret: false, source: 'prod/db#port' },
    ]);
    assert.deepEqual(variablesFromSecret(db, { key: 'creds.deep.k', label: 'prod/db' }, UPPER), [
      { name: 'CREDS_DEEP_K', value: 'false', secret: false, source: 'prod/db#creds.deep.k' },
    ]);
    assert.deepEqual(valuesOf(variablesFromSecret(db, { key: 'list', label: 'prod/db' }, UPPER)), [
      ['LIST', '[1,2]'],
    ]);
    assert.deepEqual(variablesFromSecret(db, { key: 'none', label: 'prod/db' }, UPPER), [
      { name: 'NONE', value: '', secret: true, source: 'prod/db#none' },
    ]);
  });

  it('prefers an exact top-level key over a dotted path', () => {
    assert.deepEqual(valuesOf(variablesFromSecret(db, { key: 'a.b', label: 'prod/db' }, UPPER)), [
      ['A_B', 'exact'],
    ]);
  });

  it('follows a dotted path through nested objects', () => {
    assert.deepEqual(variablesFromSecret(db, { key: 'a.c', label: 'prod/db' }, UPPER), [
      { name: 'A_C', value: 'c', secret: true, source: 'prod/db#a.c' },
    ]);
  });

  it('expands a key naming an object, with the key or the alias as the prefix', () => {
    assert.deepEqual(variablesFromSecret(db, { key: 'creds', label: 'prod/db' }, UPPER), [
      { name: 'CREDS_USER', value: 'u', secret: true, source: 'prod/db#creds.user' },
      { name: 'CREDS_9X', value: 'n', secret: true, source: 'prod/db#creds.9x' },
      { name: 'CREDS_DEEP_K', value: 'false', secret: false, source: 'prod/db#creds.deep.k' },
    ]);
    assert.deepEqual(
      valuesOf(variablesFromSecret(db, { alias: 'DB', key: 'creds.deep', label: 'prod/db' }, UPPER)),
      [['DB_K', 'false']],
    );
  });

  it('names the missing key and lists the available ones, sorted', () => {
    const error = onlyError(
      () => variablesFromSecret(db, { key: 'pasword', label: 'prod/db' }, UPPER),
      'KEY_NOT_FOUND',
      ['hunter2'],
    );
    assert.equal(error.message, 'secret "prod/db" has no key "pasword"');
    assert.equal(error.hint, 'use one of its keys: a, a.b, creds, host, list, none, password, port');
  });

  it('lists the keys where a dotted path stopped, as full paths', () => {
    const error = onlyError(
      () => variablesFromSecret(db, { key: 'creds.usr', label: 'prod/db' }, UPPER),
      'KEY_NOT_FOUND',
    );
    assert.equal(error.message, 'secret "prod/db" has no key "creds.usr"');
    assert.equal(error.hint, 'use one of its keys: creds.9x, creds.deep, creds.user');
  });

  it('refuses a path through a value that is not an object', () => {
    const error = onlyError(
      () => variablesFromSecret(db, { key: 'host.x', label: 'prod/db' }, UPPER),
      'KEY_NOT_FOUND',
    );
    assert.equal(error.message, 'secret "prod/db" has no key "host.x"');
  });

  it('lists at most 10 keys', () => {
    const many = stringSecret(
      'm',
      JSON.stringify(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]))),
    );
    const error = onlyError(
      () => variablesFromSecret(many, { key: 'x', label: 'm' }, UPPER),
      'KEY_NOT_FOUND',
    );
    assert.equal(error.hint, 'use one of its keys: k0, k1, k10, k11, k2, k3, k4, k5, k6, k7 and 2 more');
  });

  it('says so when a key is asked of an empty object', () => {
    const error = onlyError(
      () => variablesFromSecret(stringSecret('e', '{}'), { key: 'x', label: 'e' }, UPPER),
      'KEY_NOT_FOUND',
    );
    assert.equal(error.hint, 'its JSON object is empty');
  });

  it('refuses a key on a secret that is not a JSON object, without quoting its value', () => {
    const error = onlyError(
      () =>
        variablesFromSecret(stringSecret('prod/pw', 'hunter2'), { key: 'password', label: 'prod/pw' }, UPPER),
      'KEY_NOT_FOUND',
      ['hunter2'],
    );
    assert.equal(error.message, 'secret "prod/pw" is not a JSON object, so it has no key "password"');
    assert.equal(error.hint, 'drop the key "password" to use the whole value');
  });

  it('refuses a key on invalid JSON without surfacing the parse error', () => {
    const error = onlyError(
      () =>
        variablesFromSecret(
          stringSecret('p', '{"password":"hunter2",}'),
          { key: 'password', label: 'p' },
          UPPER,
        ),
      'KEY_NOT_FOUND',
      ['hunter2', 'position', 'Unexpected'],
    );
    assert.equal(error.message, 'secret "p" is not a JSON object, so it has no key "password"');
  });

  it('refuses a key on a binary secret, saying it is binary', () => {
    const error = onlyError(
      () =>
        variablesFromSecret(binarySecret('cert', new Uint8Array([1])), { key: 'pem', label: 'cert' }, UPPER),
      'KEY_NOT_FOUND',
    );
    assert.equal(error.message, 'secret "cert" is binary, so it has no key "pem"');
  });
});

describe('variablesFromSecret: names and values it refuses', () => {
  it('refuses two keys that give the same variable, naming both keys and the variable', () => {
    const secret = stringSecret('prod/db', '{"db-host":"hunter2","db_host":"other"}');
    const error = onlyError(() => variablesFromSecret(secret, { label: 'prod/db' }, UPPER), 'INVALID_NAME', [
      'hunter2',
      'other',
    ]);
    assert.equal(
      error.message,
      'secret "prod/db": keys "db-host" and "db_host" both give the variable DB_HOST',
    );
    assert.ok(error.hint?.includes('VAR=ID#KEY'));
    assert.ok(error.hint?.includes('--name-case keep'));
  });

  it('refuses keys that differ only in case under upper, and accepts them with keep', () => {
    const secret = stringSecret('s', '{"host":"a","HOST":"b"}');
    const error = onlyError(() => variablesFromSecret(secret, { label: 's' }, UPPER), 'INVALID_NAME');
    assert.equal(error.message, 'secret "s": keys "host" and "HOST" both give the variable HOST');
    assert.deepEqual(valuesOf(variablesFromSecret(secret, { label: 's' }, KEEP)), [
      ['host', 'a'],
      ['HOST', 'b'],
    ]);
  });

  it('refuses a nested key and a flat key that give the same variable', () => {
    const secret = stringSecret('s', '{"a_b":"1","a":{"b":"2"}}');
    const error = onlyError(() => variablesFromSecret(secret, { label: 's' }, UPPER), 'INVALID_NAME');
    assert.equal(error.message, 'secret "s": keys "a_b" and "a.b" both give the variable A_B');
  });

  it('refuses an empty key, even with an alias, naming the secret', () => {
    const secret = stringSecret('s', '{"":"hunter2","ok":"1"}');
    const error = onlyError(() => variablesFromSecret(secret, { label: 's' }, UPPER), 'INVALID_NAME', [
      'hunter2',
    ]);
    assert.equal(error.message, 'secret "s": key "" gives an empty variable name');
    onlyError(() => variablesFromSecret(secret, { alias: 'P', label: 's' }, UPPER), 'INVALID_NAME');
    const nested = stringSecret('s', '{"creds":{"":"x"}}');
    const inKey = onlyError(
      () => variablesFromSecret(nested, { key: 'creds', label: 's' }, UPPER),
      'INVALID_NAME',
    );
    assert.equal(inKey.message, 'secret "s": key "creds." gives an empty variable name');
  });

  it('refuses a NUL byte in a plain value, naming the variable and the secret, never the value', () => {
    const error = onlyError(
      () => variablesFromSecret(stringSecret('prod/pw', 'hunter2\u0000tail'), { label: 'prod/pw' }, UPPER),
      'BAD_VALUE',
      ['hunter2', 'tail', '\u0000'],
    );
    assert.equal(
      error.message,
      'variable PROD_PW from secret "prod/pw" holds a NUL byte, which no environment value can hold',
    );
  });

  it('refuses a NUL from a JSON escape, and reports every error of the secret at once', () => {
    const secret = stringSecret('s', '{"a":"hunter2\\u0000","b":"ok","c":"\\u0000x","d-e":"1","d_e":"2"}');
    assert.throws(
      () => variablesFromSecret(secret, { label: 's' }, UPPER),
      (thrown: unknown) => {
        assert.ok(thrown instanceof WithsecretsErrors);
        assert.deepEqual(
          thrown.errors.map((error) => [error.code, error.message]),
          [
            ['INVALID_NAME', 'secret "s": keys "d-e" and "d_e" both give the variable D_E'],
            ['BAD_VALUE', 'variable A from secret "s" holds a NUL byte, which no environment value can hold'],
            ['BAD_VALUE', 'variable C from secret "s" holds a NUL byte, which no environment value can hold'],
          ],
        );
        assert.ok(!thrown.message.includes('hunter2'));
        return true;
      },
    );
  });

  it('refuses a NUL in a key selected with #KEY', () => {
    const secret = stringSecret('s', '{"pw":"hunter2\\u0000"}');
    const error = onlyError(
      () => variablesFromSecret(secret, { key: 'pw', label: 's' }, UPPER),
      'BAD_VALUE',
      ['hunter2'],
    );
    assert.equal(
      error.message,
      'variable PW from secret "s" holds a NUL byte, which no environment value can hold',
    );
  });
});

describe('valueForEnvReference', () => {
  const db = stringSecret(
    'prod/db',
    '{"password":"hunter2","port":5432.0,"creds":{ "user": "u" },"none":null}',
  );
  const reference = (
    fields: Omit<EnvReference, 'variable' | 'text'>,
    variable = 'DB_PASSWORD',
  ): EnvReference => ({
    variable,
    text: `secretsmanager://${fields.id}${fields.key === undefined ? '' : `#${fields.key}`}`,
    ...fields,
  });

  it('keeps the variable name exactly and gives the whole SecretString, JSON or not', () => {
    assert.deepEqual(valueForEnvReference(db, reference({ id: 'prod/db' }, 'db_Url')), {
      name: 'db_Url',
      value: db.secretString,
      secret: true,
      source: 'secretsmanager://prod/db',
    });
  });

  it('gives a key value, numbers as written and not secret', () => {
    assert.deepEqual(valueForEnvReference(db, reference({ id: 'prod/db', key: 'password' })), {
      name: 'DB_PASSWORD',
      value: 'hunter2',
      secret: true,
      source: 'secretsmanager://prod/db#password',
    });
    const port = valueForEnvReference(db, reference({ id: 'prod/db', key: 'port' }, 'PGPORT'));
    assert.deepEqual([port.value, port.secret], ['5432.0', false]);
    assert.equal(valueForEnvReference(db, reference({ id: 'prod/db', key: 'none' })).value, '');
  });

  it('gives a key naming an object as that object’s JSON text', () => {
    assert.equal(
      valueForEnvReference(db, reference({ id: 'prod/db', key: 'creds' })).value,
      '{ "user": "u" }',
    );
    assert.equal(valueForEnvReference(db, reference({ id: 'prod/db', key: 'creds.user' })).value, 'u');
  });

  it('base64-encodes a binary secret', () => {
    const cert = binarySecret('cert', new Uint8Array([104, 105]));
    assert.equal(valueForEnvReference(cert, reference({ id: 'cert' }, 'CERT')).value, 'aGk=');
  });

  it('ignores --prefix-like naming entirely: the name is the variable', () => {
    assert.equal(
      valueForEnvReference(db, reference({ id: 'prod/db' }, 'lower-case.name')).name,
      'lower-case.name',
    );
  });

  it('names the variable and the secret when the key is missing', () => {
    const error = onlyError(
      () => valueForEnvReference(db, reference({ id: 'prod/db', key: 'pasword' })),
      'KEY_NOT_FOUND',
      ['hunter2'],
    );
    assert.equal(error.message, 'secret "prod/db" (referenced by DB_PASSWORD) has no key "pasword"');
    assert.equal(error.hint, 'use one of its keys: creds, none, password, port');
  });

  it('refuses a key on plain text and on binary', () => {
    const plain = onlyError(
      () => valueForEnvReference(stringSecret('pw', 'hunter2'), reference({ id: 'pw', key: 'k' })),
      'KEY_NOT_FOUND',
      ['hunter2'],
    );
    assert.equal(
      plain.message,
      'secret "pw" (referenced by DB_PASSWORD) is not a JSON object, so it has no key "k"',
    );
    const binary = onlyError(
      () => valueForEnvReference(binarySecret('b', new Uint8Array([1])), reference({ id: 'b', key: 'k' })),
      'KEY_NOT_FOUND',
    );
    assert.equal(binary.message, 'secret "b" (referenced by DB_PASSWORD) is binary, so it has no key "k"');
  });

  it('refuses a NUL byte, naming the variable, never the value', () => {
    const error = onlyError(
      () => valueForEnvReference(stringSecret('pw', 'hunter2\u0000'), reference({ id: 'pw' })),
      'BAD_VALUE',
      ['hunter2'],
    );
    assert.equal(
      error.message,
      'variable DB_PASSWORD from secret "pw" (referenced by DB_PASSWORD) holds a NUL byte, which no environment value can hold',
    );
  });
});
