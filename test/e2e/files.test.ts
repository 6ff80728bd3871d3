// --file end to end: byte-exact 0600 files in a 0700 memory-backed directory, removed on every way out, swept
// after a SIGKILL, refused on disk or where nothing is writable, masked, listed by --dry-run, replaced on rotation.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, emulatorWith, fixture, NODE, runBin } from './harness.ts';
import { ended, startWrapper, waitUntil } from './process-helpers.ts';

const TMPFS = 0x01021994;
const READER = [NODE, fixture('file-reader.js')];
const JSON_KEY = `${JSON.stringify({ type: 'service_account', private_key: 'FAKE-files-key-Tq8\nline2' })}\n`;
const BINARY = Buffer.concat([Buffer.from([0x00, 0xff, 0x0a, 0x00]), Buffer.from('FAKE-files-bin-Lw3\n')]);
const TOKEN = 'FAKE-files-token-Zr5Kp9';
const sha = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
const shmIsTmpfs = (() => {
  try {
    return statfsSync('/dev/shm').type === TMPFS;
  } catch {
    return false;
  }
})();

interface FileSeen {
  readonly path: string;
  readonly sha256: string;
  readonly same: boolean;
  readonly mode: string;
  readonly directoryMode: string;
  readonly uid: number;
  readonly ino: number;
}

/** The JSON line file-reader.js prints (after `GOT SIGNAL ` when it answers one). */
function seen(line: string): Record<string, FileSeen> {
  return JSON.parse(line.slice(line.indexOf('{'))) as Record<string, FileSeen>;
}

function firstJsonLine(stdout: string): Record<string, FileSeen> {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
  assert.ok(line !== undefined, `no JSON line in: ${stdout}`);
  return seen(line);
}

describe('--file', { skip: !shmIsTmpfs && '/dev/shm is not a tmpfs here' }, () => {
  let emulator: Emulator;
  let env: Record<string, string>;
  /** A tmpfs directory of this file's own, as --file-dir: only these tests' runs make directories in it. */
  let place: string;
  before(async () => {
    emulator = await emulatorWith({
      'files/gcp': JSON_KEY,
      'files/bin': BINARY,
      'files/app': JSON.stringify({ token: TOKEN, nested: { a: 'FAKE-files-nested-a' } }),
    });
    env = awsEnv(emulator);
    place = mkdtempSync('/dev/shm/withsecrets-e2e-files-');
  });
  after(async () => {
    rmSync(place, { recursive: true, force: true });
    await emulator.close();
  });
  const runDirectories = () => readdirSync(place).filter((name) => name.startsWith('withsecrets-files-'));

  it('gives each VAR the path of a byte-exact 0600 file in a 0700 directory of its own, then removes them', async () => {
    const result = await runBin(
      [
        '--file-dir',
        place,
        '--file',
        'GOOGLE_APPLICATION_CREDENTIALS.json=files/gcp',
        '--file',
        'BLOB=files/bin',
        '--file',
        'TOKEN_FILE=files/app#token',
        '--',
        ...READER,
        'GOOGLE_APPLICATION_CREDENTIALS',
        'BLOB',
        'TOKEN_FILE',
      ],
      env,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    const files = firstJsonLine(result.stdout);
    const expected = {
      GOOGLE_APPLICATION_CREDENTIALS: { name: 'google_application_credentials.json', sha256: sha(JSON_KEY) },
      BLOB: { name: 'blob', sha256: sha(BINARY) },
      TOKEN_FILE: { name: 'token_file', sha256: sha(TOKEN) },
    };
    const directories = new Set<string>();
    for (const [variable, { name, sha256 }] of Object.entries(expected)) {
      const file = files[variable];
      assert.ok(file !== undefined, variable);
      assert.equal(file.sha256, sha256, `${variable}: not byte for byte`);
      assert.equal(file.same, true);
      assert.equal(file.mode, '600');
      assert.equal(file.directoryMode, '700');
      assert.equal(file.uid, process.getuid?.());
      assert.equal(file.path.split('/').at(-1), name);
      directories.add(dirname(file.path));
    }
    assert.equal(directories.size, 1, 'one directory for the run');
    const [directory] = [...directories];
    assert.match(directory ?? '', new RegExp(`^${place}/withsecrets-files-\\d+-[A-Za-z0-9]{6}$`));
    assert.equal(existsSync(directory ?? ''), false, 'the directory outlived the run');
    assert.deepEqual(runDirectories(), []);
  });

  it('puts the files in /dev/shm without --file-dir when XDG_RUNTIME_DIR is unset, never in the working directory', async () => {
    const result = await runBin(['--file', 'TOKEN_FILE=files/app#token', '--', ...READER, 'TOKEN_FILE'], env);
    assert.equal(result.status, 0, result.stderr);
    const path = firstJsonLine(result.stdout).TOKEN_FILE?.path ?? '';
    assert.match(path, /^\/dev\/shm\/withsecrets-files-\d+-[A-Za-z0-9]{6}\/token_file$/);
    assert.equal(existsSync(dirname(path)), false);
  });

  it('gives ssh-keygen a private key it accepts (it refuses a key file others could read)', async (t) => {
    const scratch = mkdtempSync(join(tmpdir(), 'withsecrets-ssh-'));
    t.after(() => rmSync(scratch, { recursive: true, force: true }));
    const made = spawnSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'fake',
      '-f',
      join(scratch, 'id'),
    ]);
    if (made.error !== undefined) return t.skip('ssh-keygen is not installed');
    emulator.createSecret('files/ssh', readFileSync(join(scratch, 'id'), 'utf8'));
    const result = await runBin(
      ['--file-dir', place, '--file', 'KEY=files/ssh', '--', 'sh', '-c', 'ssh-keygen -y -f "$KEY"'],
      env,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), readFileSync(join(scratch, 'id.pub'), 'utf8').trim());
    assert.deepEqual(runDirectories(), []);
  });

  it('masks the values delivered as files in the output, like --secret values', async () => {
    const result = await runBin(
      ['--file-dir', place, '--file', 'T=files/app#token', '--', 'sh', '-c', 'cat "$T"; echo; echo done'],
      env,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '***\ndone\n');
  });

  it('masks each field of a JSON secret delivered whole, as -s would: the command may print one alone', async () => {
    const script = `const o = JSON.parse(require('fs').readFileSync(process.env.T, 'utf8')); console.log(o.token, o.nested.a)`;
    const result = await runBin(
      ['--file-dir', place, '--file', 'T=files/app', '--', NODE, '-e', script],
      env,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '*** ***\n');
  });

  describe('removes the files on every way out', () => {
    for (const [name, args, status] of [
      ['a non-zero exit', ['--exit=3'], 3],
      ['a command that is not found (127)', null, 127],
    ] as const) {
      it(`after ${name}`, async () => {
        const command = args === null ? ['withsecrets-no-such-command'] : [...READER, 'T', ...args];
        const result = await runBin(
          ['--file-dir', place, '--file', 'T=files/app#token', '--', ...command],
          env,
        );
        assert.equal(result.status, status, result.stderr);
        if (args !== null) assert.equal(existsSync(firstJsonLine(result.stdout).T?.path ?? '/'), false);
        assert.deepEqual(runDirectories(), []);
      });
    }

    it('after the command dies of a signal, which withsecrets then dies of too (no exit handler runs)', async () => {
      const result = await runBin(
        [
          '--file-dir',
          place,
          '--file',
          'T=files/app#token',
          '--',
          'sh',
          '-c',
          'test -f "$T" && kill -KILL $$',
        ],
        env,
      );
      assert.equal(result.signal, 'SIGKILL', result.stderr);
      assert.deepEqual(runDirectories(), []);
    });

    it('after a fetch error: nothing runs and nothing is left', async () => {
      const result = await runBin(
        ['--file-dir', place, '--file', 'T=files/app#token', '--file', 'M=files/missing', '--', 'true'],
        env,
      );
      assert.equal(result.status, 125);
      assert.match(result.stderr, /\[SECRET_NOT_FOUND\] .*files\/missing/);
      assert.deepEqual(runDirectories(), []);
    });

    it('after SIGTERM while the values are being fetched: withsecrets dies of it, and the directory is gone', async (t) => {
      const own = await emulatorWith({ 'files/app': JSON.stringify({ token: TOKEN }) });
      t.after(() => own.close());
      own.inject({ fault: 'hang', times: 10 });
      const wrapper = startWrapper(['--file-dir', place, '--file', 'T=files/app#token', '--', 'true'], {
        env: awsEnv(own),
      });
      try {
        // The place is chosen and the directory made before the fetch: once the call is in, it exists.
        await waitUntil(
          () => own.count() > 0 && runDirectories().length === 1,
          'the run directory and the call',
        );
        process.kill(wrapper.pid, 'SIGTERM');
        const finished = await ended(wrapper);
        assert.equal(finished.signal, 'SIGTERM', finished.stderr);
        assert.deepEqual(runDirectories(), []);
      } finally {
        wrapper.kill();
      }
    });

    it('SIGXFSZ while the values are being fetched changes nothing: the run goes on and the file is there', async (t) => {
      // Node ignores SIGXFSZ; signal-exit, alone on it before the command starts, once took it for a death.
      const own = await emulatorWith({ 'files/app': JSON.stringify({ token: TOKEN }) });
      t.after(() => own.close());
      own.inject({ fault: 'delay', delayMs: 1500 });
      const wrapper = startWrapper(
        ['--no-mask', '--file-dir', place, '--file', 'T=files/app#token', '--', 'sh', '-c', 'cat "$T"'],
        { env: awsEnv(own) },
      );
      try {
        await waitUntil(
          () => own.count() > 0 && runDirectories().length === 1,
          'the run directory and the call',
        );
        process.kill(wrapper.pid, 'SIGXFSZ');
        const finished = await ended(wrapper);
        assert.deepEqual([finished.status, finished.stdout, finished.stderr], [0, TOKEN, '']);
        assert.deepEqual(runDirectories(), []);
      } finally {
        wrapper.kill();
      }
    });

    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      it(`after ${signal} to withsecrets, which the command gets and answers while its file is still there`, async () => {
        const wrapper = startWrapper(
          ['--file-dir', place, '--file', 'T=files/app#token', '--', ...READER, 'T', '--hold'],
          { env },
        );
        try {
          await wrapper.waitForLine(/^READY$/);
          const path = firstJsonLine(wrapper.stdout()).T?.path ?? '';
          assert.equal(existsSync(path), true);
          process.kill(wrapper.pid, signal);
          const finished = await ended(wrapper);
          assert.equal(finished.status, 0, finished.stderr);
          const answered = finished.stdout.split('\n').find((line) => line.startsWith(`GOT ${signal} `));
          assert.equal(
            seen(answered ?? '{}').T?.sha256,
            sha(TOKEN),
            'the file was gone before the command ended',
          );
          assert.equal(existsSync(path), false);
          assert.deepEqual(runDirectories(), []);
        } finally {
          wrapper.kill();
        }
      });
    }
  });

  it("sweeps the directory of a SIGKILLed run on a later run, and never a live run's", async () => {
    const killed = startWrapper(
      ['--file-dir', place, '--file', 'T=files/app#token', '--', ...READER, 'T', '--hold'],
      {
        env,
      },
    );
    const live = startWrapper(
      ['--file-dir', place, '--file', 'T=files/app#token', '--', ...READER, 'T', '--hold'],
      {
        env,
      },
    );
    try {
      await killed.waitForLine(/^READY$/);
      await live.waitForLine(/^READY$/);
      const left = dirname(firstJsonLine(killed.stdout()).T?.path ?? '');
      const kept = dirname(firstJsonLine(live.stdout()).T?.path ?? '');
      // SIGKILL withsecrets alone (it cannot clean up), then its command, which no one would stop otherwise.
      process.kill(killed.pid, 'SIGKILL');
      await ended(killed);
      killed.kill();
      assert.equal(existsSync(left), true, 'a SIGKILLed run cannot remove its directory');
      const later = await runBin(['--file-dir', place, '--file', 'T=files/app#token', '--', 'true'], env);
      assert.equal(later.status, 0, later.stderr);
      assert.equal(existsSync(left), false, "the later run did not sweep the killed run's directory");
      assert.equal(existsSync(kept), true, "the later run removed a live run's directory");
    } finally {
      killed.kill();
      live.kill();
    }
    // The live run's group got SIGKILL too: its directory is the next run's to sweep.
    const sweeper = await runBin(['--file-dir', place, '--file', 'T=files/app#token', '--', 'true'], env);
    assert.equal(sweeper.status, 0, sweeper.stderr);
    await waitUntil(() => runDirectories().length === 0, 'every run directory swept');
  });

  it('refuses a --file-dir on disk before fetching anything, and takes it with --file-on-disk', async (t) => {
    const disk = mkdtempSync(join(tmpdir(), 'withsecrets-disk-'));
    t.after(() => rmSync(disk, { recursive: true, force: true }));
    if (statfsSync(disk).type === TMPFS) return t.skip(`${tmpdir()} is a tmpfs here`);
    const calls = emulator.count();
    const marker = join(disk, 'ran');
    const command = [NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`];
    const refused = await runBin(['--file-dir', disk, '--file', 'T=files/app#token', '--', ...command], env);
    assert.equal(refused.status, 125);
    assert.match(
      refused.stderr,
      new RegExp(
        `^withsecrets: \\[FILE_DIR\\] --file-dir ${disk} is on .+, not in memory \\(tmpfs, ramfs\\) \\(fix: .*--file-on-disk.*\\)\\n$`,
      ),
    );
    assert.equal(existsSync(marker), false, 'the command ran');
    assert.equal(emulator.count(), calls, 'secrets were fetched for a run that could not go on');

    const accepted = await runBin(
      ['--file-dir', disk, '--file-on-disk', '--file', 'T=files/app#token', '--', ...READER, 'T'],
      env,
    );
    assert.equal(accepted.status, 0, accepted.stderr);
    assert.equal(firstJsonLine(accepted.stdout).T?.sha256, sha(TOKEN));
    assert.deepEqual(readdirSync(disk), [], 'the files on disk outlived the run');
  });

  it('with XDG_RUNTIME_DIR unset and /dev/shm read-only, exits 125 naming each place tried and how to choose one', async (t) => {
    // A mount namespace of its own, where /dev/shm is a read-only tmpfs (root can write anywhere else).
    const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']);
    if (probe.status !== 0) return t.skip('unshare --mount needs root here');
    const script = 'mount -t tmpfs -o ro tmpfs /dev/shm && exec "$@"';
    const wrapper = startWrapper(['--file', 'T=files/app#token', '--', 'true'], {
      env,
      command: ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', NODE],
    });
    const finished = await ended(wrapper);
    const uid = process.getuid?.() ?? 0;
    assert.equal(finished.status, 125, finished.stderr);
    assert.ok(
      finished.stderr.startsWith(
        `withsecrets: [FILE_DIR] no memory-backed directory for --file: XDG_RUNTIME_DIR is unset; /dev/shm is not writable (EROFS); /run/user/${uid} `,
      ),
      finished.stderr,
    );
    assert.ok(
      finished.stderr.endsWith(
        ' (fix: give a tmpfs with --file-dir DIR (or accept the disk with --file-dir DIR --file-on-disk); the command was not run)\n',
      ),
      finished.stderr,
    );
    assert.equal(finished.stderr.split('\n').length, 2, 'one line');
  });

  it('--dry-run lists each file variable and stdin by name and source, never a value, and makes no file', async () => {
    const result = await runBin(
      [
        '--dry-run',
        '--file-dir',
        place,
        '--file',
        'CREDS.json=files/gcp',
        '--stdin',
        'files/app#token',
        '--',
        'true',
      ],
      env,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'CREDS <- file of files/gcp\nstandard input <- files/app#token\n');
    assert.deepEqual(runDirectories(), []);
  });

  it('refuses bad input with one line and exit 125 before anything runs or is fetched', async () => {
    const calls = emulator.count();
    for (const [args, fragment] of [
      [['--file', '9T=files/app'], '[BAD_REFERENCE] bad --file "9T=files/app": "9T" is not VAR or VAR.EXT'],
      [['--file', 'T=files/*'], '[BAD_REFERENCE] bad --file "T=files/*": a wildcard selects many secrets'],
      [
        ['-s', 'T=files/app#token', '--file', 'T=files/gcp'],
        '[USAGE] T is named by --secret "T=files/app#token"',
      ],
      [['--stdin', 'files/gcp', '--stdin', 'files/bin'], '[USAGE] --stdin was given 2 times'],
      [
        ['--file', 'T=files/app', '--file-dir', join(place, 'missing')],
        `[FILE_DIR] --file-dir ${place}/missing does not exist`,
      ],
    ] as const) {
      const result = await runBin([...args, '--', 'true'], env);
      assert.equal(result.status, 125, args.join(' '));
      assert.ok(result.stderr.startsWith(`withsecrets: ${fragment}`), result.stderr);
      assert.equal(result.stderr.split('\n').length, 2, 'one line');
    }
    assert.equal(emulator.count(), calls);
  });

  it('refuses a key whose value is a JSON object, naming it, and leaves nothing', async () => {
    const result = await runBin(['--file-dir', place, '--file', 'N=files/app#nested', '--', 'true'], env);
    assert.equal(result.status, 125);
    assert.match(
      result.stderr,
      /^withsecrets: \[BAD_VALUE\] secret "files\/app" key "nested" is a JSON object/,
    );
    assert.deepEqual(runDirectories(), []);
  });
});
