// The one write of a secret value: byte for byte, mode 0600 whatever the umask, replaced by rename, never via a link.
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { writeSecretFile } from '../../../src/files/secret-file.ts';

describe('writeSecretFile', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'withsecrets-file-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('writes every byte, NUL, 0xff and a trailing newline kept, mode 0600 even under umask 0', () => {
    const bytes = Buffer.concat([Buffer.from([0, 0xff, 0x0a]), Buffer.alloc(200_000, 7), Buffer.from('\n')]);
    const umask = process.umask(0);
    try {
      writeSecretFile(directory, 'key.pem', bytes);
    } finally {
      process.umask(umask);
    }
    assert.deepEqual(readFileSync(join(directory, 'key.pem')), bytes);
    assert.equal(statSync(join(directory, 'key.pem')).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(directory), ['key.pem']);
  });

  it('replaces an existing file with a new one (a new inode: a reader of the old one keeps the old value whole)', () => {
    writeSecretFile(directory, 'key', Buffer.from('old'));
    const before = statSync(join(directory, 'key')).ino;
    writeSecretFile(directory, 'key', Buffer.from('new value'));
    assert.equal(readFileSync(join(directory, 'key'), 'utf8'), 'new value');
    assert.notEqual(statSync(join(directory, 'key')).ino, before);
    assert.deepEqual(readdirSync(directory), ['key']);
  });

  it('replaces a link planted at the name, never writing through it', () => {
    const target = join(directory, 'target');
    writeFileSync(target, 'untouched');
    symlinkSync(target, join(directory, 'key'));
    writeSecretFile(directory, 'key', Buffer.from('FAKE'));
    assert.equal(readFileSync(target, 'utf8'), 'untouched');
    assert.equal(readFileSync(join(directory, 'key'), 'utf8'), 'FAKE');
  });

  it('leaves nothing behind when the write fails', () => {
    assert.throws(() => writeSecretFile(join(directory, 'missing'), 'key', Buffer.from('FAKE')), /ENOENT/);
    assert.deepEqual(readdirSync(directory), []);
  });
});
