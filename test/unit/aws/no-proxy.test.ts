// NO_PROXY: every form the AWS CLI and curl accept matches what they match, and nothing more.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bypassesProxy, parseNoProxy } from '../../../src/aws/no-proxy.ts';

const bypasses = (noProxy: string | undefined, host: string, port = '443') =>
  bypassesProxy(parseNoProxy(noProxy), host, port);

describe('NO_PROXY', () => {
  it('bypasses nothing when unset or empty', () => {
    assert.equal(bypasses(undefined, 'secretsmanager.us-east-1.amazonaws.com'), false);
    assert.equal(bypasses('', 'localhost'), false);
    assert.equal(bypasses(' , ,', 'localhost'), false);
  });

  it('bypasses every host for *, alone or in a list', () => {
    assert.equal(bypasses('*', 'secretsmanager.us-east-1.amazonaws.com'), true);
    assert.equal(bypasses('example.com, *', '10.1.2.3'), true);
  });

  it('matches a name and every name under it, never a longer name that ends the same', () => {
    for (const entry of ['amazonaws.com', '.amazonaws.com', 'AMAZONAWS.COM', ' amazonaws.com ']) {
      assert.equal(bypasses(entry, 'secretsmanager.eu-west-1.amazonaws.com'), true, entry);
      assert.equal(bypasses(entry, 'amazonaws.com'), true, entry);
      assert.equal(bypasses(entry, 'notamazonaws.com'), false, entry);
      assert.equal(bypasses(entry, 'amazonaws.com.evil.example'), false, entry);
    }
    assert.equal(
      bypasses('Secretsmanager.US-east-1.amazonaws.com', 'secretsmanager.us-east-1.amazonaws.com'),
      true,
    );
    assert.equal(bypasses('localhost', 'localhost.'), true);
  });

  it('matches host:port only on that port', () => {
    assert.equal(bypasses('localhost:4566', 'localhost', '4566'), true);
    assert.equal(bypasses('localhost:4566', 'localhost', '443'), false);
    assert.equal(bypasses('.example.com:8443', 'sm.example.com', '8443'), true);
    assert.equal(bypasses('.example.com:8443', 'sm.example.com', '443'), false);
  });

  it('matches addresses exactly, as text or in brackets, and not as a suffix', () => {
    assert.equal(bypasses('127.0.0.1', '127.0.0.1'), true);
    assert.equal(bypasses('127.0.0.1', '127.0.0.10'), false);
    assert.equal(bypasses('0.0.1', '127.0.0.1'), false);
    assert.equal(bypasses('::1', '[::1]'), true);
    assert.equal(bypasses('[::1]', '::1'), true);
    assert.equal(bypasses('[::1]:8443', '[::1]', '8443'), true);
    assert.equal(bypasses('[::1]:8443', '[::1]', '443'), false);
    assert.equal(bypasses('127.0.0.1:4566', '127.0.0.1', '4566'), true);
    assert.equal(bypasses('127.0.0.1:4566', '127.0.0.1', '4567'), false);
  });

  it('matches CIDR ranges of either family', () => {
    assert.equal(bypasses('10.0.0.0/8', '10.200.3.4'), true);
    assert.equal(bypasses('10.0.0.0/8', '11.0.0.1'), false);
    assert.equal(bypasses('169.254.169.254/32', '169.254.169.254'), true);
    assert.equal(bypasses('fd00::/8', '[fd12::1]'), true);
    assert.equal(bypasses('fd00::/8', '[fe80::1]'), false);
    // A range never matches a name, and a name entry never matches an address by suffix.
    assert.equal(bypasses('10.0.0.0/8', 'ten.example.com'), false);
  });

  it('takes a malformed range as a name that matches nothing real', () => {
    assert.equal(bypasses('10.0.0.0/33', '10.0.0.1'), false);
    assert.equal(bypasses('10.0.0.0/8/1', '10.0.0.1'), false);
  });
});
