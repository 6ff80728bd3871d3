// The bytes a --file or --stdin delivers, exactly; what is masked of them; and when a rotation changed them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedDeliveries, deliveredValue } from '../../../src/environment/deliveries.ts';
import { WithsecretsError } from '../../../src/errors.ts';

const secret = (value: string | Uint8Array) =>
  typeof value === 'string'
    ? { name: 's', arn: 'arn', secretString: value }
    : { name: 's', arn: 'arn', secretBinary: value };

describe('deliveredValue', () => {
  it('keeps a whole SecretString as it is: a JSON secret stays one JSON text, its newline and NUL kept', () => {
    const text = '{"type": "service_account", "key": "FAKE\\nkey"}\n\u0000tail\n';
    const value = deliveredValue(secret(text), undefined, 'ci/gcp');
    assert.deepEqual(Buffer.from(value.bytes), Buffer.from(text, 'utf8'));
    assert.deepEqual(value.maskTexts, [text]);
    assert.equal(value.source, 'ci/gcp');
  });

  it('keeps SecretBinary bytes as they are; masks bytes that are no text by their base64', () => {
    const bytes = new Uint8Array([0xff, 0x00, 0xfe, 0x0a]);
    const value = deliveredValue(secret(bytes), undefined, 'ci/bin');
    assert.deepEqual(Buffer.from(value.bytes), Buffer.from(bytes));
    assert.deepEqual(value.maskTexts, ['/wD+Cg==']);
  });

  it('masks binary bytes that are UTF-8 text (a PEM stored as binary) as that text, a BOM kept', () => {
    const text = '\ufeff-----BEGIN FAKE-----\n';
    const value = deliveredValue(secret(new Uint8Array(Buffer.from(text))), undefined, 'ci/pem');
    assert.deepEqual(value.maskTexts, [text]);
  });

  it("gives a key's value as --secret gives it: a string's text, a number as written, an array's JSON text", () => {
    const json = secret('{"password":"FAKE-p","port":5432.0,"hosts":["a","b"],"nested":{"token":"t"}}');
    assert.equal(Buffer.from(deliveredValue(json, 'password', 'x').bytes).toString(), 'FAKE-p');
    assert.equal(Buffer.from(deliveredValue(json, 'port', 'x').bytes).toString(), '5432.0');
    assert.equal(Buffer.from(deliveredValue(json, 'hosts', 'x').bytes).toString(), '["a","b"]');
    assert.equal(Buffer.from(deliveredValue(json, 'nested.token', 'x').bytes).toString(), 't');
  });

  it('masks a key that is a string, and not one that is a number or a boolean, as --secret does', () => {
    const json = secret('{"password":"FAKE-p","port":5432,"tls":true}');
    assert.deepEqual(deliveredValue(json, 'password', 'x').maskTexts, ['FAKE-p']);
    assert.deepEqual(deliveredValue(json, 'port', 'x').maskTexts, []);
    assert.deepEqual(deliveredValue(json, 'tls', 'x').maskTexts, []);
  });

  it('refuses a key whose value is an object (many values), naming the secret and the key', () => {
    const json = secret('{"nested":{"token":"t"}}');
    assert.throws(
      () => deliveredValue(json, 'nested', 'ci/db'),
      (error: unknown) => {
        assert.ok(error instanceof WithsecretsError);
        assert.equal(error.code, 'BAD_VALUE');
        assert.equal(
          error.message,
          'secret "ci/db" key "nested" is a JSON object, which is many values, not one',
        );
        assert.match(error.hint ?? '', /ci\/db#nested\.KEY/);
        return true;
      },
    );
  });

  it('refuses a key of a plain secret as --secret does', () => {
    assert.throws(
      () => deliveredValue(secret('plain'), 'k', 'ci/plain'),
      /^WithsecretsError: secret "ci\/plain" is not a JSON object, so it has no key "k"$/,
    );
  });
});

describe('changedDeliveries', () => {
  const value = (source: string, text: string) => deliveredValue(secret(text), undefined, source);

  it('names the source of each value whose bytes changed, and none of those that did not', () => {
    const before = [value('a', 'one'), value('b', 'two')];
    assert.deepEqual(changedDeliveries(before, [value('a', 'one'), value('b', 'two')]), []);
    assert.deepEqual(changedDeliveries(before, [value('a', 'one'), value('b', 'TWO')]), ['b']);
  });

  it('tells a trailing newline apart', () => {
    assert.deepEqual(changedDeliveries([value('a', 'v')], [value('a', 'v\n')]), ['a']);
  });
});
