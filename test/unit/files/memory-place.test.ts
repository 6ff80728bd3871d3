// Where --file values may go: memory-backed directories accepted, a disk refused unless accepted, each try named.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WithsecretsError } from '../../../src/errors.ts';
import { chooseFilePlace } from '../../../src/files/memory-place.ts';

const TMPFS = 0x01021994;
const shmIsTmpfs = (() => {
  try {
    return statfsSync('/dev/shm').type === TMPFS;
  } catch {
    return false;
  }
})();
const tmpIsDisk = statfsSync(tmpdir()).type !== TMPFS;

function fileDirError(run: () => unknown): WithsecretsError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof WithsecretsError);
    assert.equal(error.code, 'FILE_DIR');
    assert.ok(!/[\r\n]/.test(error.message));
    return error;
  }
  assert.fail('no FILE_DIR error');
}

describe('chooseFilePlace', { skip: !shmIsTmpfs && '/dev/shm is not a tmpfs here' }, () => {
  let onDisk: string;
  let inMemory: string;
  before(() => {
    onDisk = mkdtempSync(join(tmpdir(), 'withsecrets-place-'));
    inMemory = mkdtempSync('/dev/shm/withsecrets-place-');
  });
  after(() => {
    rmSync(onDisk, { recursive: true, force: true });
    rmSync(inMemory, { recursive: true, force: true });
  });

  it('takes XDG_RUNTIME_DIR first when it is memory-backed, else /dev/shm', () => {
    assert.deepEqual(chooseFilePlace({ fileOnDisk: false }, { XDG_RUNTIME_DIR: inMemory }), {
      directory: inMemory,
      memoryBacked: true,
    });
    assert.equal(chooseFilePlace({ fileOnDisk: false }, {}).directory, '/dev/shm');
  });

  it('passes over an XDG_RUNTIME_DIR on disk or relative, for /dev/shm', { skip: !tmpIsDisk }, () => {
    assert.equal(chooseFilePlace({ fileOnDisk: false }, { XDG_RUNTIME_DIR: onDisk }).directory, '/dev/shm');
    assert.equal(chooseFilePlace({ fileOnDisk: false }, { XDG_RUNTIME_DIR: 'run' }).directory, '/dev/shm');
  });

  it('takes a memory-backed --file-dir, made absolute', () => {
    const place = chooseFilePlace({ fileDir: relative(process.cwd(), inMemory), fileOnDisk: false }, {});
    assert.deepEqual(place, { directory: inMemory, memoryBacked: true });
  });

  it('refuses a --file-dir on disk, saying what it is on and how to accept it', { skip: !tmpIsDisk }, () => {
    const error = fileDirError(() => chooseFilePlace({ fileDir: onDisk, fileOnDisk: false }, {}));
    assert.match(
      error.message,
      new RegExp(`^--file-dir ${onDisk} is on .+, not in memory \\(tmpfs, ramfs\\)$`),
    );
    assert.match(error.hint ?? '', /--file-on-disk/);
  });

  it('accepts a --file-dir on disk with --file-on-disk, and says it is not memory-backed', {
    skip: !tmpIsDisk,
  }, () => {
    assert.deepEqual(chooseFilePlace({ fileDir: onDisk, fileOnDisk: true }, {}), {
      directory: onDisk,
      memoryBacked: false,
    });
  });

  it('refuses a --file-dir that others may write to and that is not sticky, and takes a sticky one', () => {
    const open = join(inMemory, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    assert.match(
      fileDirError(() => chooseFilePlace({ fileDir: open, fileOnDisk: true }, {})).message,
      /is writable by others and not sticky/,
    );
    chmodSync(open, 0o1777);
    assert.equal(chooseFilePlace({ fileDir: open, fileOnDisk: true }, {}).directory, open);
  });

  it('refuses a --file-dir that does not exist or is no directory', () => {
    const missing = join(inMemory, 'missing');
    assert.equal(
      fileDirError(() => chooseFilePlace({ fileDir: missing, fileOnDisk: true }, {})).message,
      `--file-dir ${missing} does not exist`,
    );
  });
});
