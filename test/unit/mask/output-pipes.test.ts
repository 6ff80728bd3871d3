// Issue #21: each FIFO is opened without following a symlink and checked by its descriptor before the child's
// output goes into it; the private directory is checked after mkdtemp. Every refusal below was accepted by the
// plain openSync these checks replace.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openOutputPipes, openVerifiedFifo } from '../../../src/mask/output-pipes.ts';
import { verifyPrivateDirectory } from '../../../src/private-directory.ts';

const READ = constants.O_RDONLY | constants.O_NONBLOCK;
const isRoot = process.getuid?.() === 0;
let scratch: string;
let count = 0;

function fifo(mode = '600'): string {
  const path = join(scratch, `fifo${count++}`);
  execFileSync('mkfifo', ['-m', mode, path]);
  return path;
}

describe('openVerifiedFifo', () => {
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-test-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('accepts a FIFO of ours with mode 0600, at both ends', () => {
    const path = fifo();
    const read = openVerifiedFifo(path, READ);
    assert.ok(read.stats.isFIFO());
    const write = openVerifiedFifo(path, constants.O_WRONLY, read.stats);
    closeSync(write.fd);
    closeSync(read.fd);
  });

  it('refuses a symlink to a FIFO (O_NOFOLLOW: ELOOP)', () => {
    const target = fifo();
    const link = join(scratch, `link${count++}`);
    symlinkSync(target, link);
    assert.throws(() => openVerifiedFifo(link, READ), { code: 'ELOOP' });
  });

  it('refuses a FIFO with mode 0644', () => {
    assert.throws(() => openVerifiedFifo(fifo('644'), READ), /has mode 0644, not 0600/);
  });

  it('refuses a regular file', () => {
    const path = join(scratch, `file${count++}`);
    writeFileSync(path, '', { mode: 0o600 });
    assert.throws(() => openVerifiedFifo(path, READ), /is not a FIFO/);
  });

  it('refuses a FIFO owned by another uid', { skip: !isRoot && 'needs root to chown' }, () => {
    const path = fifo();
    chownSync(path, 65534, 65534);
    assert.throws(() => openVerifiedFifo(path, READ), /is owned by uid 65534/);
  });

  it('refuses a write end that is not the FIFO opened for reading', () => {
    const first = openVerifiedFifo(fifo(), READ);
    const otherPath = fifo();
    const other = openVerifiedFifo(otherPath, READ);
    try {
      assert.throws(
        () => openVerifiedFifo(otherPath, constants.O_WRONLY, first.stats),
        /is not the FIFO opened for reading/,
      );
    } finally {
      closeSync(other.fd);
      closeSync(first.fd);
    }
  });
});

describe('verifyPrivateDirectory', () => {
  let base: string;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'withsecrets-test-'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('accepts what mkdtemp makes', () => {
    verifyPrivateDirectory(mkdtempSync(join(base, 'd-')));
  });

  it('refuses a symlink to a private directory', () => {
    const real = mkdtempSync(join(base, 'd-'));
    const link = join(base, 'link');
    symlinkSync(real, link);
    assert.throws(() => verifyPrivateDirectory(link), /is not a directory/);
  });

  it('refuses a directory with mode 0755', () => {
    const path = join(base, 'open');
    mkdirSync(path);
    chmodSync(path, 0o755);
    assert.throws(() => verifyPrivateDirectory(path), /has mode 0755, not 0700/);
  });

  it('refuses a directory owned by another uid', { skip: !isRoot && 'needs root to chown' }, () => {
    const path = mkdtempSync(join(base, 'd-'));
    chownSync(path, 65534, 65534);
    assert.throws(() => verifyPrivateDirectory(path), /is owned by uid 65534/);
  });
});

describe('openOutputPipes', () => {
  it('still makes working pipes that leave nothing behind', async () => {
    const pipes = await openOutputPipes(2);
    assert.ok(pipes !== undefined && pipes.length === 2);
    for (const pipe of pipes) {
      pipe.closeChildEnd();
      pipe.parentEnd.destroy();
    }
  });
});
