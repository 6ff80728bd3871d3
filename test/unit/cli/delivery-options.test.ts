// --file, --file-dir, --file-on-disk and --stdin, from argv and from WITHSECRETS_*; the misuses refused up front.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Invocation, parseCommandLine } from '../../../src/cli/command-line.ts';
import { WithsecretsError } from '../../../src/errors.ts';

async function invocationOf(argv: string[], env: Record<string, string> = {}): Promise<Invocation> {
  const parsed = await parseCommandLine([...argv, '--', 'true'], env);
  assert.equal(parsed.kind, 'run');
  return (parsed as { invocation: Invocation }).invocation;
}

async function usageMessage(argv: string[], env: Record<string, string> = {}): Promise<string> {
  const error = await parseCommandLine([...argv, '--', 'true'], env).then(
    () => assert.fail('no usage error'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof WithsecretsError);
  assert.equal(error.code, 'USAGE');
  assert.ok(error.hint !== undefined);
  return error.message;
}

describe('delivery options', () => {
  it('takes repeated --file in order, --file-dir, --file-on-disk and one --stdin', async () => {
    const invocation = await invocationOf([
      '--file',
      'A=x',
      '--file',
      'B.pem=y#k',
      '--file-dir',
      '/run/app',
      '--file-on-disk',
      '--stdin',
      'z#p',
    ]);
    assert.deepEqual(invocation.files, ['A=x', 'B.pem=y#k']);
    assert.equal(invocation.fileDir, '/run/app');
    assert.equal(invocation.fileOnDisk, true);
    assert.equal(invocation.stdin, 'z#p');
  });

  it('has no files, no directory, no stdin and no disk by default', async () => {
    const invocation = await invocationOf([]);
    assert.deepEqual(invocation.files, []);
    assert.equal(invocation.fileOnDisk, false);
    assert.equal('fileDir' in invocation, false);
    assert.equal('stdin' in invocation, false);
  });

  it('reads WITHSECRETS_FILE (a list), WITHSECRETS_FILE_DIR, WITHSECRETS_FILE_ON_DISK and WITHSECRETS_STDIN', async () => {
    const invocation = await invocationOf([], {
      WITHSECRETS_FILE: 'A=x,B=y',
      WITHSECRETS_FILE_DIR: '/mnt/ram',
      WITHSECRETS_FILE_ON_DISK: 'true',
      WITHSECRETS_STDIN: 'z',
    });
    assert.deepEqual(invocation.files, ['A=x', 'B=y']);
    assert.equal(invocation.fileDir, '/mnt/ram');
    assert.equal(invocation.fileOnDisk, true);
    assert.equal(invocation.stdin, 'z');
  });

  it('refuses two --stdin; WITHSECRETS_STDIN is one reference, not a list', async () => {
    assert.match(await usageMessage(['--stdin', 'a', '--stdin', 'b']), /--stdin was given 2 times/);
    assert.equal((await invocationOf([], { WITHSECRETS_STDIN: 'a,b' })).stdin, 'a,b');
  });

  it('refuses --file-on-disk without --file-dir: the disk is accepted for one named place only', async () => {
    assert.match(await usageMessage(['--file-on-disk']), /--file-on-disk applies only to a --file-dir/);
  });
});
