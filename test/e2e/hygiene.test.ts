// Nothing leaks: no secret byte in withsecrets' own writes, files, argv or messages; the child gets exactly its environment.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import {
  awsEnv,
  BIN,
  emulatorWith,
  type Finished,
  fixture,
  NODE,
  printedEnv,
  ROUTES,
  runBin,
  startBin,
  track,
} from './harness.ts';
import { killQuietly } from './process-helpers.ts';

// Obvious fakes, each with a distinctive tail so that even a piece of one is recognisable in output.
const PLAIN = 'FAKE-hygiene-plain-Vq3nT8wLz1Kd';
const USER = 'FAKE-hygiene-user-Rk5Mw0YaPe';
const PASSWORD = 'FAKE-hygiene-pass-Hs9Pd2XcQe';
const JSON_TEXT = JSON.stringify({ user: USER, password: PASSWORD, port: 5432 });
const BINARY = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0xc3]), Buffer.from('FAKE-hygiene-bin-Mb7Cx4')]);
const BINARY_VALUE = BINARY.toString('base64');
const NUL_VALUE = 'FAKE-hygiene-nul-Bn4\u0000Wq7ZtUo';
const NUL_JSON = JSON.stringify({ token: 'FAKE-hygiene-nulkey-Ej6\u0000Ka1Lp' });
const COLLIDING = JSON.stringify({
  'db-host': 'FAKE-hygiene-col-a-Pz6TrGi',
  db_host: 'FAKE-hygiene-col-b-Ly8NsOv',
});
const EMPTY_KEY = JSON.stringify({ '': 'FAKE-hygiene-empty-Jc2VdRu' });
const KMS = 'FAKE-hygiene-kms-Gx3HfWm5';
const DELETED = 'FAKE-hygiene-gone-Wt5KqZr8';
const LOCKED = 'FAKE-hygiene-locked-Yd2SbNc4';

const SECRETS: Record<string, string | Uint8Array> = {
  'hyg/plain': PLAIN,
  'hyg/json': JSON_TEXT,
  'hyg/binary': BINARY,
  'hyg/nul': NUL_VALUE,
  'hyg/nul-json': NUL_JSON,
  'hyg/colliding': COLLIDING,
  'hyg/empty-key': EMPTY_KEY,
  'hyg/kms': KMS,
  'hyg/deleted': DELETED,
  'hyg/locked': LOCKED,
};
/** Every string that would be a leak: each leaf value and each whole SecretString. */
const LEAVES = [
  PLAIN,
  USER,
  PASSWORD,
  BINARY_VALUE,
  NUL_VALUE,
  ...[NUL_JSON, COLLIDING, EMPTY_KEY].flatMap((text) => Object.values(JSON.parse(text) as object)),
  KMS,
  DELETED,
  LOCKED,
] as string[];
const SECRET_STRINGS = [JSON_TEXT, NUL_JSON, COLLIDING, EMPTY_KEY];
/** A run of this many characters of a leaf value is already a leak (a value cut short is still a secret). */
const WINDOW = 12;

const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** The base64 text that encodes `bytes` wherever they sit in a longer base64 stream (offset 0, 1 or 2). */
function base64Cores(bytes: Buffer): string[] {
  return [0, 1, 2].map((offset) => {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    return text.slice(offset === 0 ? 0 : 4, Math.floor((bytes.length + offset) / 3) * 4);
  });
}

/** Byte strings whose presence in any output means a secret leaked, each with a label that never shows it. */
const NEEDLES: readonly { label: string; bytes: Buffer }[] = (() => {
  const needles: { label: string; bytes: Buffer }[] = [];
  const add = (label: string, text: string | Buffer) => {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    if (bytes.length >= 4) needles.push({ label, bytes });
  };
  [...LEAVES, ...SECRET_STRINGS].forEach((value, index) => {
    const label = `secret #${index}`;
    const bytes = Buffer.from(value);
    add(label, bytes);
    add(`${label} JSON-escaped`, JSON.stringify(value).slice(1, -1));
    add(`${label} URL-encoded`, encodeURIComponent(value));
    for (const core of base64Cores(bytes)) {
      add(`${label} base64`, core);
      add(`${label} base64url`, core.replaceAll('+', '-').replaceAll('/', '_'));
    }
  });
  add('raw SecretBinary', BINARY);
  // A piece of a value, or of its base64 (16 base64 characters hold 12 bytes), is a leak too.
  const pieces = (text: string, size: number) =>
    Array.from({ length: Math.max(0, text.length - size + 1) }, (_, start) =>
      text.slice(start, start + size),
    );
  LEAVES.forEach((value, index) => {
    for (const piece of pieces(value, WINDOW)) add(`${WINDOW} characters of secret #${index}`, piece);
    for (const core of base64Cores(Buffer.from(value))) {
      for (const piece of pieces(core, (WINDOW / 3) * 4)) {
        add(`part of secret #${index} in base64`, piece);
        add(`part of secret #${index} in base64url`, piece.replaceAll('+', '-').replaceAll('/', '_'));
      }
    }
  });
  return needles;
})();

/** The labels of the secrets found in `output`; empty when nothing leaked. */
function findLeaks(output: string | Buffer): string[] {
  const haystack = typeof output === 'string' ? Buffer.from(output) : output;
  return [...new Set(NEEDLES.filter(({ bytes }) => haystack.includes(bytes)).map(({ label }) => label))];
}

async function seededEmulator(): Promise<Emulator> {
  const emulator = await emulatorWith(SECRETS);
  emulator.failDecryption('hyg/kms');
  emulator.deleteSecret('hyg/deleted');
  emulator.deny({ accessKeyId: 'test', operation: 'GetSecretValue', secretId: 'hyg/locked' });
  return emulator;
}

describe('nothing leaks', () => {
  let scratch: string;
  let closedUrl: string;
  let garbage: Server;
  let garbageUrl: string;
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-hygiene-'));
    const closed = await emulatorWith();
    closedUrl = closed.url;
    await closed.close();
    // A 200 whose JSON body is cut inside the SecretString: the SDK's parser error could quote the body.
    garbage = createServer((request, response) => {
      request.resume().on('end', () => {
        const body = Buffer.from(`{"SecretValues":[{"Name":"hyg/plain","SecretString":"${PLAIN}`);
        response.writeHead(200, {
          'Content-Type': 'application/x-amz-json-1.1',
          'Content-Length': String(body.length),
        });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    garbage.closeAllConnections();
    await new Promise((resolve) => garbage.close(resolve));
  });

  /**
   * Every error path, one row each: withsecrets must exit with `status` (125 unless given), print only
   * `withsecrets: [CODE]` lines of the expected code, run nothing, and show no secret on stdout or stderr.
   * Each row gets its own emulator, so rows run in parallel and faults cannot cross rows. Every row runs with
   * --no-mask: a value must be absent from the message itself, not merely masked on its way out.
   */
  interface ErrorCase {
    readonly name: string;
    readonly args: readonly string[];
    /** Merged over the base environment; `undefined` removes a variable. */
    readonly env?: Record<string, string | undefined>;
    /** Shapes the row's emulator; may return more environment (an endpoint of its own). */
    readonly setup?: (emulator: Emulator) => Record<string, string> | undefined;
    /** The command after `--`; a command that leaves a marker file when not given. */
    readonly command?: readonly string[];
    /** null for a run that succeeds (--dry-run). */
    readonly expectCode: RegExp | null;
    readonly status?: number;
  }
  const WITH_VALUES = ['-s', 'hyg/plain', '-s', 'hyg/json', '-s', 'hyg/binary'];
  const REFERENCE = { DB_PASSWORD: 'secretsmanager://hyg/json#password' };
  const ERROR_CASES: readonly ErrorCase[] = [
    { name: 'not found', args: [...WITH_VALUES, '-s', 'hyg/missing'], expectCode: /\[SECRET_NOT_FOUND\]/ },
    { name: 'access denied', args: [...WITH_VALUES, '-s', 'hyg/locked'], expectCode: /\[ACCESS_DENIED\]/ },
    {
      name: 'wildcard without a match',
      args: [...WITH_VALUES, '-s', 'nomatch/*'],
      expectCode: /\[NO_MATCH\]/,
    },
    {
      name: 'missing JSON key',
      args: [...WITH_VALUES, '-s', 'hyg/json#passwd'],
      expectCode: /\[KEY_NOT_FOUND\]/,
    },
    { name: 'key of a plain secret', args: ['-s', 'hyg/plain#password'], expectCode: /\[KEY_NOT_FOUND\]/ },
    { name: 'key of a binary secret', args: ['-s', 'hyg/binary#k'], expectCode: /\[KEY_NOT_FOUND\]/ },
    {
      name: 'reference to a missing key',
      args: WITH_VALUES,
      env: { DB_PASSWORD: 'secretsmanager://hyg/json#nope' },
      expectCode: /\[KEY_NOT_FOUND\]/,
    },
    { name: 'NUL byte in a value', args: [...WITH_VALUES, '-s', 'hyg/nul'], expectCode: /\[BAD_VALUE\]/ },
    {
      name: 'NUL byte in a JSON key',
      args: [...WITH_VALUES, '-s', 'hyg/nul-json'],
      expectCode: /\[BAD_VALUE\]/,
    },
    {
      name: 'NUL byte through a reference',
      args: WITH_VALUES,
      env: { NUL_REF: 'secretsmanager://hyg/nul' },
      expectCode: /\[BAD_VALUE\]/,
    },
    {
      name: 'keys that give one name',
      args: [...WITH_VALUES, '-s', 'hyg/colliding'],
      expectCode: /\[INVALID_NAME\]/,
    },
    {
      name: 'key that gives no name',
      args: [...WITH_VALUES, '-s', 'hyg/empty-key'],
      expectCode: /\[INVALID_NAME\]/,
    },
    { name: 'invalid --prefix', args: ['--prefix', '9x', ...WITH_VALUES], expectCode: /\[USAGE\]/ },
    {
      name: 'invalid secret name',
      args: [...WITH_VALUES, '-s', 'bad name'],
      expectCode: /\[BAD_REFERENCE\]/,
    },
    {
      name: 'malformed reference in the environment',
      args: WITH_VALUES,
      env: { BROKEN: 'secretsmanager://' },
      expectCode: /\[BAD_REFERENCE\]/,
    },
    { name: 'undecryptable', args: [...WITH_VALUES, '-s', 'hyg/kms'], expectCode: /\[DECRYPTION_FAILED\]/ },
    {
      name: 'scheduled for deletion',
      args: [...WITH_VALUES, '-s', 'hyg/deleted'],
      expectCode: /\[SECRET_UNAVAILABLE\]/,
    },
    {
      name: 'throttling beyond the retries',
      args: WITH_VALUES,
      setup: (emulator) => void emulator.inject({ fault: 'throttle', times: 10 }),
      expectCode: /\[THROTTLED\]/,
    },
    {
      name: 'timeout',
      args: WITH_VALUES,
      setup: (emulator) => void emulator.inject({ fault: 'hang', times: 10 }),
      expectCode: /\[TIMEOUT\]/,
    },
    {
      name: '5xx beyond the retries',
      args: WITH_VALUES,
      setup: (emulator) => void emulator.inject({ fault: 'error500', times: 10 }),
      expectCode: /\[AWS_ERROR\]/,
    },
    {
      name: 'a body cut inside the secret value',
      args: ['-s', 'hyg/plain'],
      setup: () => ({ AWS_ENDPOINT_URL_SECRETS_MANAGER: garbageUrl }),
      expectCode: /\[AWS_ERROR\]/,
    },
    {
      name: 'refused connection',
      args: WITH_VALUES,
      setup: () => ({ AWS_ENDPOINT_URL_SECRETS_MANAGER: closedUrl }),
      expectCode: /\[NETWORK\]/,
    },
    {
      name: 'rejected credentials',
      args: WITH_VALUES,
      env: { AWS_SECRET_ACCESS_KEY: 'wrong' },
      expectCode: /\[BAD_CREDENTIALS\]/,
    },
    {
      name: 'no credentials',
      args: WITH_VALUES,
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      expectCode: /\[NO_CREDENTIALS\]/,
    },
    { name: 'no region', args: WITH_VALUES, env: { AWS_REGION: undefined }, expectCode: /\[NO_REGION\]/ },
    { name: 'unknown option', args: [...WITH_VALUES, '--bogus'], expectCode: /\[USAGE\]/ },
    { name: 'no command', args: WITH_VALUES, command: [], expectCode: /\[USAGE\]/ },
    {
      name: 'conflicting options',
      args: ['--version-stage', 'AWSCURRENT', '--version-id', 'x', ...WITH_VALUES],
      expectCode: /\[USAGE\]/,
    },
    { name: 'bad --watch', args: ['--watch', '10ms', ...WITH_VALUES], expectCode: /\[USAGE\]/ },
    {
      name: 'command not found, after the fetch',
      args: WITH_VALUES,
      env: REFERENCE,
      command: ['withsecrets-no-such-command'],
      expectCode: /\[COMMAND_NOT_FOUND\]/,
      status: 127,
    },
    {
      name: 'command not executable, after the fetch',
      args: WITH_VALUES,
      env: REFERENCE,
      // A fixture without the execute bit.
      command: [fixture('hygiene-hold.js')],
      expectCode: /\[COMMAND_NOT_EXECUTABLE\]/,
      status: 126,
    },
    { name: '--dry-run', args: ['--dry-run', ...WITH_VALUES], env: REFERENCE, expectCode: null, status: 0 },
  ];

  describe('in every message', { concurrency: 4 }, () => {
    for (const route of ROUTES)
      for (const [index, row] of ERROR_CASES.entries()) {
        it(`${route.name}: ${row.name}: ${row.expectCode?.source ?? 'no error'}, no secret in stdout or stderr`, async () => {
          const emulator = await seededEmulator();
          try {
            const marker = join(scratch, `ran-${route.name}-${index}`);
            const extra = row.setup?.(emulator) ?? {};
            const env = Object.fromEntries(
              Object.entries({ ...awsEnv(emulator, route.env), ...extra, ...row.env }).filter(
                (entry): entry is [string, string] => entry[1] !== undefined,
              ),
            );
            const command = row.command ?? [
              NODE,
              '-e',
              `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
            ];
            const dashDash = row.command?.length === 0 ? [] : ['--'];
            const result = await runBin(['--no-mask', ...row.args, ...dashDash, ...command], env);

            assert.equal(result.status, row.status ?? 125, result.stderr);
            assert.deepEqual(findLeaks(result.stdout), [], 'stdout holds a secret');
            assert.deepEqual(findLeaks(result.stderr), [], 'stderr holds a secret');
            assert.equal(existsSync(marker), false, 'the command ran');
            if (row.expectCode === null) {
              assert.equal(result.stderr, '');
              return;
            }
            const lines = result.stderr.split('\n').filter((line) => line !== '');
            assert.ok(lines.length > 0, 'no error line');
            for (const line of lines) {
              assert.match(line, /^withsecrets: \[[A-Z_]+\] /, 'every stderr line is one of withsecrets');
              assert.match(line, row.expectCode);
            }
          } finally {
            await emulator.close();
          }
        });
      }
  });

  describe('outside the messages', () => {
    let emulator: Emulator;
    before(async () => {
      emulator = await seededEmulator();
    });
    after(() => emulator.close());

    it('gives the child exactly the inherited environment plus the secrets, nothing of its own', async () => {
      const inherited = {
        ...awsEnv(emulator),
        HOME: '/nowhere',
        LANG: 'C.UTF-8',
        EMPTY: '',
        WITHSECRETS_NAME_CASE: 'upper',
        DB_PASSWORD: 'secretsmanager://hyg/json#password',
      };
      const result = await runBin([...WITH_VALUES, '--', NODE, fixture('hygiene-env-digest.js')], inherited);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, '');
      const expected = {
        ...inherited,
        DB_PASSWORD: PASSWORD,
        HYG_PLAIN: PLAIN,
        USER,
        PASSWORD,
        PORT: '5432',
        HYG_BINARY: BINARY_VALUE,
      };
      const digests = Object.fromEntries(
        Object.entries(expected).map(([name, value]) => [name, sha256(value)]),
      );
      assert.deepEqual(printedEnv(result.stdout), digests);
    });

    it('puts no secret in the argv of withsecrets or of the child', async () => {
      const started = startBin([...WITH_VALUES, '--', NODE, fixture('hygiene-hold.js')], {
        ...awsEnv(emulator),
        ...REFERENCE,
      });
      let childPid: number | undefined;
      try {
        const ready = await started.waitForLine(/^READY \d+$/);
        childPid = Number(ready.split(' ')[1]);
        const wrapperPid = started.child.pid as number;
        for (const pid of [wrapperPid, childPid]) {
          for (const task of readdirSync(`/proc/${pid}/task`)) {
            const cmdline = readFileSync(`/proc/${pid}/task/${task}/cmdline`);
            assert.ok(cmdline.length > 0, `no cmdline for ${pid}/${task}`);
            assert.deepEqual(findLeaks(cmdline), [], `/proc/${pid}/task/${task}/cmdline holds a secret`);
          }
        }
        // The control, and the limit docs/security.md states: the same user can read the child's environment.
        const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${childPid}/environ`)]);
        assert.ok(
          environ.includes(Buffer.from(`\0HYG_PLAIN=${PLAIN}\0`)),
          'the secret is not in the environment',
        );
        assert.ok(
          environ.includes(Buffer.from(`\0DB_PASSWORD=${PASSWORD}\0`)),
          'the reference was not resolved',
        );
        started.child.kill('SIGTERM');
        const finished = await started.finished;
        assert.equal(finished.signal, 'SIGTERM');
      } finally {
        started.child.kill('SIGKILL');
        if (childPid !== undefined) killQuietly(childPid);
      }
    });

    for (const route of ROUTES)
      it(`${route.name}: writes no secret byte and opens no file for writing, under strace`, async (t) => {
        const unusable = whyStraceIsUnusable();
        if (unusable !== undefined) {
          t.skip(unusable);
          return;
        }
        const dir = mkdtempSync(join(tmpdir(), 'withsecrets-strace-'));
        try {
          const expectations = [
            `HYG_PLAIN=${sha256(PLAIN)}`,
            `USER=${sha256(USER)}`,
            `PASSWORD=${sha256(PASSWORD)}`,
            `HYG_BINARY=${sha256(BINARY_VALUE)}`,
            `DB_PASSWORD=${sha256(PASSWORD)}`,
          ];
          // The child prints nothing: every byte written in withsecrets' process is withsecrets' own. A binary value
          // goes to a --file and a plain one on --stdin: the two writes of a secret that withsecrets makes on purpose.
          const result = await runStraced(
            join(dir, 'trace'),
            [
              ...WITH_VALUES,
              '--file',
              'HYG_FILE=hyg/binary',
              '--stdin',
              'hyg/plain',
              '--',
              NODE,
              fixture('hygiene-expect.js'),
              ...expectations,
            ],
            { ...awsEnv(emulator, route.env), ...REFERENCE },
          );
          assert.equal(result.status, 0, `the child did not get its secrets: ${result.stderr}`);
          assert.equal(result.stdout + result.stderr, '');

          const trace = readTrace(dir);
          const own = trace.files.filter((file) => file.tgid === trace.root);
          const others = trace.files.filter((file) => file.tgid !== trace.root);
          // Controls: the child is told apart from withsecrets, and withsecrets' request is seen and decoded.
          assert.ok(
            others.some((file) => file.lines.some((line) => isExecOf(line, 'hygiene-expect.js'))),
            'the child was not found in the trace',
          );
          /*
           * The two intended writes of a secret, held narrowly: all the bytes written to one fd opened on a file in the
           * run's memory-backed directory are exactly the --file value, and all those written to one end of a socket
           * pair are exactly the --stdin value. Any other write to such an fd is searched like every write.
           */
          const delivered = (kind: (into: string) => boolean, value: Buffer) =>
            own.flatMap((file) => {
              const byFd = new Map<number, Buffer[]>();
              for (const write of file.writes) {
                if (write.into !== undefined && kind(write.into))
                  byFd.set(write.fd, [...(byFd.get(write.fd) ?? []), write.data]);
              }
              return [...byFd]
                .filter(([, chunks]) => Buffer.concat(chunks).equals(value))
                .map(([fd]) => `${file.tid}:${fd}`);
            });
          // Written to a new file beside its name, then renamed to it (src/files/secret-file.ts).
          const toFile = delivered((into) => /\/\.hyg_file\.[0-9a-f]{12}$/.test(into), BINARY);
          const toStdin = delivered((into) => into === 'socketpair', Buffer.from(PLAIN));
          assert.equal(toFile.length, 1, 'the --file value was not seen written, whole, to its file');
          assert.equal(toStdin.length, 1, 'the --stdin value was not seen written, whole, to the pipe');
          const exempt = new Set([...toFile, ...toStdin]);
          for (const file of own)
            file.writes = file.writes.filter((write) => !exempt.has(`${file.tid}:${write.fd}`));
          const ownWrites = own.flatMap((file) => file.writes);
          assert.ok(
            ownWrites.some((write) => write.data.includes('secretsmanager.GetSecretValue')),
            "withsecrets' request was not seen",
          );

          assert.deepEqual(
            own.flatMap((file) => file.truncated),
            [],
            'strace cut some writes short: raise -s',
          );
          const leaks = ownWrites.flatMap((write) =>
            findLeaks(write.data).map((label) => `fd ${write.fd}: ${label}`),
          );
          // A value split over two writes to one fd: search each fd's bytes joined, per thread, too.
          for (const file of own) {
            const byFd = new Map<number, Buffer[]>();
            for (const write of file.writes) byFd.set(write.fd, [...(byFd.get(write.fd) ?? []), write.data]);
            for (const [fd, chunks] of byFd) {
              leaks.push(...findLeaks(Buffer.concat(chunks)).map((label) => `fd ${fd} joined: ${label}`));
            }
          }
          assert.deepEqual([...new Set(leaks)], [], 'withsecrets wrote a secret');
          const opens = own.flatMap((file) =>
            file.lines.filter((line) => /^(open|openat|openat2|creat)\(/.test(line)),
          );
          t.diagnostic(
            `withsecrets: ${own.length} threads, ${ownWrites.length} writes, ${opens.length} opens; child: ${others.length} threads`,
          );
          /*
           * Two exceptions. Named pipes (FIFOs) that withsecrets' own process tree made, and that withsecrets
           * unlinked, carry the command's output to the masker (src/mask/output-pipes.ts): what flows through a pipe
           * never reaches the disk. And the core-dump filters in /proc, opened without O_CREAT: withsecrets empties
           * its own and gives the command back the original (src/process/core-dumps.ts). Any other open that could
           * write is a failure.
           */
          const commandTgids = new Set(
            others
              .filter((file) => file.lines.some((line) => isExecOf(line, 'hygiene-expect.js')))
              .map((file) => file.tgid),
          );
          const tree = trace.files.filter((file) => !commandTgids.has(file.tgid));
          const fifos = new Set(
            tree.flatMap((file) => file.made.filter((node) => node.fifo).map((node) => node.path)),
          );
          const unlinked = new Set(own.flatMap((file) => file.removed));
          const isOwnPipe = (open: TracedOpen) =>
            fifos.has(open.path) && unlinked.has(open.path) && !/O_CREAT|O_TRUNC|O_APPEND/.test(open.flags);
          const isCoreDumpFilter = (open: TracedOpen) =>
            /^\/proc\/(?:self|\d+)\/coredump_filter$/.test(open.path) &&
            !/O_CREAT|O_TRUNC|O_APPEND/.test(open.flags);
          // And the files of the run's --file directory: made new (O_EXCL), never through a link, in a directory
          // that withsecrets made in the memory-backed place and removed again.
          const madeDirectories = new Set(tree.flatMap((file) => file.made.map((node) => node.path)));
          const removedPaths = new Set(tree.flatMap((file) => file.removed));
          const isRunDirectoryFile = (open: TracedOpen) =>
            RUN_DIRECTORY.test(dirname(open.path)) &&
            madeDirectories.has(dirname(open.path)) &&
            removedPaths.has(dirname(open.path)) &&
            /O_EXCL/.test(open.flags) &&
            /O_NOFOLLOW/.test(open.flags);
          const writableOpens = own
            .flatMap((file) => file.writableOpens)
            .filter((open) => !isCoreDumpFilter(open) && !isRunDirectoryFile(open));
          t.diagnostic(`named pipes opened for writing: ${writableOpens.filter(isOwnPipe).length}`);
          assert.deepEqual(
            writableOpens.filter((open) => !isOwnPipe(open)).map((open) => `${open.path} ${open.flags}`),
            [],
            'withsecrets opened a file for writing',
          );
          // Nothing is left behind: every directory or node that withsecrets' tree made is removed again.
          const removed = new Set(tree.flatMap((file) => file.removed));
          assert.deepEqual(
            tree.flatMap((file) => file.made.map((node) => node.path)).filter((path) => !removed.has(path)),
            [],
            'withsecrets left files behind',
          );
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
  });

  /*
   * withsecrets is a Node program, so Node's own debugging settings that a user sets for the command (which
   * inherits them) apply to withsecrets too. Each must either be refused up front (125, naming the setting)
   * or leave no secret behind. These runs use the default options, as a CI job would.
   */
  describe("Node's debugging settings meant for the command", () => {
    let emulator: Emulator;
    before(async () => {
      emulator = await seededEmulator();
    });
    after(() => emulator.close());

    /** A refusal: exit 125, one withsecrets line naming the setting, and no secret ever fetched. */
    function isRefusal(result: Finished, setting: string, callsBefore: number): boolean {
      if (result.status !== 125) return false;
      assert.match(result.stderr, new RegExp(`^withsecrets: \\[[A-Z_]+\\] .*${setting}.*\\n$`));
      assert.equal(emulator.count(), callsBefore, 'refused, but after fetching the secrets');
      return true;
    }

    it('NODE_DEBUG=child_process puts no secret on stderr', async () => {
      const callsBefore = emulator.count();
      const result = await runBin(
        [...WITH_VALUES, '--', NODE, fixture('hygiene-expect.js'), `HYG_PLAIN=${sha256(PLAIN)}`],
        { ...awsEnv(emulator), NODE_DEBUG: 'child_process' },
      );
      assert.deepEqual(findLeaks(result.stdout + result.stderr), [], 'Node printed the spawn options');
      if (!isRefusal(result, 'NODE_DEBUG', callsBefore)) assert.equal(result.status, 0, result.stderr);
    });

    // Every debuglog section of Node, on both routes, with a session token: refused before any call, or quiet.
    const SECTIONS = [
      'http',
      'https',
      'net',
      'tls',
      'http2',
      'stream',
      'fs',
      'timer',
      'module',
      'dns',
      'esm',
      'worker',
      '*',
    ];
    for (const route of ROUTES)
      it(`${route.name}: no NODE_DEBUG section prints the session token, a request signature or a value`, async () => {
        const token = 'FAKE-hygiene-session-Tq8RmZ3x';
        const signed = await emulatorWith({ 'hyg/debug': PLAIN });
        try {
          signed.addCredentials({
            accessKeyId: 'session',
            secretAccessKey: 'session-secret',
            sessionToken: token,
          });
          const env = {
            ...awsEnv(signed, route.env),
            AWS_ACCESS_KEY_ID: 'session',
            AWS_SECRET_ACCESS_KEY: 'session-secret',
            AWS_SESSION_TOKEN: token,
          };
          const refused: string[] = [];
          for (const section of SECTIONS) {
            const callsBefore = signed.count();
            const result = await runBin(['-s', 'hyg/debug', '--', 'true'], { ...env, NODE_DEBUG: section });
            const output = result.stdout + result.stderr;
            for (const needle of [token, 'Signature=', PLAIN])
              assert.equal(
                output.includes(needle),
                false,
                `NODE_DEBUG=${section} printed ${needle === PLAIN ? 'the value' : needle}`,
              );
            if (result.status === 125 && /NODE_DEBUG names/.test(result.stderr)) {
              assert.equal(signed.count(), callsBefore, `NODE_DEBUG=${section}: refused after fetching`);
              refused.push(section);
            } else assert.equal(result.status, 0, `NODE_DEBUG=${section}: ${result.stderr.slice(0, 200)}`);
          }
          // The control: the sections that print connection options are the ones refused.
          assert.deepEqual(refused, ['http', 'https', 'net', 'tls', 'http2', '*']);
        } finally {
          await signed.close();
        }
      });

    it('NODE_OPTIONS=--inspect leaves no debugger open on withsecrets while it holds the secrets', async () => {
      const callsBefore = emulator.count();
      // The command is not Node, so a debugger announced on stderr can only be withsecrets' own.
      const result = await runBin([...WITH_VALUES, '--', 'true'], {
        ...awsEnv(emulator),
        NODE_OPTIONS: '--inspect=127.0.0.1:0',
      });
      // Node announces the debugger before any code of withsecrets runs: a refusal before the fetch is enough.
      const withoutNode = result.stderr.replace(/^(Debugger listening on|For help, see:) .*\n/gm, '');
      if (isRefusal({ ...result, stderr: withoutNode }, 'NODE_OPTIONS', callsBefore)) return;
      // bin/withsecrets.js runs withsecrets again without NODE_OPTIONS: the only debugger announced is the
      // launcher's, closed at once, in a process that never holds a secret (test/e2e/node-options.test.ts).
      assert.ok((result.stderr.match(/Debugger listening/g) ?? []).length <= 1, result.stderr);
      assert.equal(result.status, 0, result.stderr);
    });

    it('NODE_OPTIONS=--heapsnapshot-signal writes no heap of withsecrets to disk on that signal', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'withsecrets-heap-'));
      const callsBefore = emulator.count();
      const started = track(
        spawn(NODE, [BIN, ...WITH_VALUES, '--', NODE, fixture('trap.js')], {
          cwd,
          env: { ...awsEnv(emulator), NODE_OPTIONS: '--heapsnapshot-signal=SIGUSR2' },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      const wrapperPid = started.child.pid as number;
      try {
        const ready = await started.waitForLine(/^READY$/, 10_000).then(
          () => true,
          () => false,
        );
        if (!ready) {
          const result = await started.finished;
          assert.ok(isRefusal(result, 'NODE_OPTIONS', callsBefore), result.stderr);
          return;
        }
        // Node's snapshot listener runs before withsecrets relays the signal: once the child reports it,
        // any snapshot of withsecrets is on disk.
        started.child.kill('SIGUSR2');
        await started.waitForLine(/^GOT SIGUSR2$/, 30_000);
        started.child.kill('SIGTERM');
        await started.finished;
        const own = readdirSync(cwd).filter((name) => name.includes(`.${wrapperPid}.`));
        const leaking = own.filter((name) => findLeaks(readFileSync(join(cwd, name))).length > 0);
        assert.deepEqual(own, [], `withsecrets wrote ${own.join(', ')}; with secrets: ${leaking.join(', ')}`);
      } finally {
        started.child.kill('SIGKILL');
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
});

const TRACED = [
  'execve',
  'clone',
  'clone3',
  '?fork',
  '?vfork',
  'write',
  'pwrite64',
  'writev',
  'pwritev',
  'pwritev2',
  '?open',
  'openat',
  'openat2',
  '?creat',
  '?mknod',
  'mknodat',
  '?mkdir',
  'mkdirat',
  '?rmdir',
  '?unlink',
  'unlinkat',
  // Where a write goes: the end of a --file write, and the socket pair of --stdin.
  'close',
  'socketpair',
].join(',');

/** Undefined when strace can trace here; else why the strace test is skipped. */
function whyStraceIsUnusable(): string | undefined {
  const probe = spawnSync('strace', ['-o', '/dev/null', '-e', `trace=${TRACED}`, 'true'], {
    encoding: 'utf8',
  });
  if ((probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return 'strace is not installed (Debian: apt-get install strace; .ci/run installs it)';
  }
  if (probe.status !== 0) return `strace cannot trace here: ${probe.stderr.split('\n')[0] ?? ''}`;
  return undefined;
}

/** Runs withsecrets under `strace -ff`, one trace file per thread: `prefix.TID`. */
function runStraced(prefix: string, args: readonly string[], env: Record<string, string>): Promise<Finished> {
  const child = spawn(
    'strace',
    ['-ff', '-e', `trace=${TRACED}`, '-s', '65536', '-xx', '-o', prefix, NODE, BIN, ...args],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return track(child).finished;
}

interface TracedWrite {
  readonly fd: number;
  readonly data: Buffer;
  /** The file of a --file run directory the fd was opened on (until its close), or a socket pair's end. */
  readonly into?: string;
}

/** A --file run directory in the memory-backed place the strace run uses (src/files/run-directory.ts). */
const RUN_DIRECTORY = /^\/dev\/shm\/withsecrets-files-\d+-[A-Za-z0-9]{6}$/;

interface TraceFile {
  readonly tid: number;
  /** The process (thread group) the thread belongs to. */
  tgid: number;
  readonly lines: readonly string[];
  writes: readonly TracedWrite[];
  /** Writes whose data strace printed only in part. */
  readonly truncated: readonly string[];
  /** Each open that could write or create a file. */
  readonly writableOpens: readonly TracedOpen[];
  /** Directories and nodes made (mkdir, mknod), and paths removed (unlink, rmdir), successfully. */
  readonly made: readonly { readonly path: string; readonly fifo: boolean }[];
  readonly removed: readonly string[];
}

interface TracedOpen {
  readonly path: string;
  /** The call as traced, with its path left out. */
  readonly flags: string;
}

const decodeStrings = (line: string): Buffer[] =>
  [...line.matchAll(/"((?:\\x[0-9a-f]{2})*)"/g)].map((match) =>
    Buffer.from((match[1] ?? '').replaceAll('\\x', ''), 'hex'),
  );

/**
 * Reads every `trace.TID` file and works out which process each thread belongs to from the clone results:
 * a clone with CLONE_THREAD adds a thread to its parent's process, any other starts a new process. The root
 * is the one thread no traced clone created: withsecrets itself, the process strace started.
 */
function readTrace(dir: string): { root: number; files: TraceFile[] } {
  const files = readdirSync(dir).map((name): TraceFile => {
    const tid = Number(name.slice(name.lastIndexOf('.') + 1));
    const lines = readFileSync(join(dir, name), 'latin1').split('\n');
    const writes: TracedWrite[] = [];
    const truncated: string[] = [];
    const writableOpens: TracedOpen[] = [];
    const made: { path: string; fifo: boolean }[] = [];
    const removed: string[] = [];
    // What each fd of this thread is, from its open (or socketpair) to its close: an fd number is reused.
    const fdInto = new Map<number, string>();
    for (const line of lines) {
      const closed = /^close\((\d+)\)/.exec(line);
      if (closed !== null) fdInto.delete(Number(closed[1]));
      const pair = /^socketpair\(.*\[(\d+), (\d+)\]\) = 0$/.exec(line);
      if (pair !== null) for (const fd of [pair[1], pair[2]]) fdInto.set(Number(fd), 'socketpair');
      const openedFd = /^(?:open|openat|openat2)\(.* = (\d+)$/.exec(line);
      const openedPath = decodeStrings(line)[0]?.toString();
      if (openedFd !== null && openedPath !== undefined && RUN_DIRECTORY.test(dirname(openedPath))) {
        fdInto.set(Number(openedFd[1]), openedPath);
      }
      const write = /^(?:write|pwrite64|writev|pwritev2?)\((\d+),/.exec(line);
      if (write !== null) {
        const fd = Number(write[1]);
        const into = fdInto.get(fd);
        writes.push({
          fd,
          data: Buffer.concat(decodeStrings(line)),
          ...(into === undefined ? {} : { into }),
        });
        if (line.includes('"...') || line.includes(', ...]')) truncated.push(line.slice(0, 80));
      }
      const open = /^(open|openat|openat2|creat)\(/.exec(line);
      if (open !== null) {
        const flags = line.replace(/"(?:\\x[0-9a-f]{2})*"/g, '""');
        if (open[1] === 'creat' || /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/.test(flags)) {
          writableOpens.push({ path: decodeStrings(line)[0]?.toString() ?? '?', flags });
        }
      }
      const path = decodeStrings(line)[0]?.toString();
      if (path !== undefined && / = 0$/.test(line)) {
        if (/^(mknod|mknodat|mkdir|mkdirat)\(/.test(line))
          made.push({ path, fifo: line.includes('S_IFIFO') });
        if (/^(unlink|unlinkat|rmdir)\(/.test(line)) removed.push(path);
      }
    }
    return { tid, tgid: tid, lines, writes, truncated, writableOpens, made, removed };
  });
  const byTid = new Map(files.map((file) => [file.tid, file]));
  const created = new Map<number, { parent: number; thread: boolean }>();
  for (const file of files) {
    for (const line of file.lines) {
      const clone = /^(?:clone3?|fork|vfork)\(.* = (\d+)$/.exec(line);
      if (clone !== null)
        created.set(Number(clone[1]), { parent: file.tid, thread: line.includes('CLONE_THREAD') });
    }
  }
  const roots = files.filter((file) => !created.has(file.tid));
  assert.equal(roots.length, 1, `expected one root thread, found ${roots.map((file) => file.tid)}`);
  const tgidOf = (tid: number): number => {
    const origin = created.get(tid);
    return origin?.thread === true ? tgidOf(origin.parent) : tid;
  };
  for (const file of files) file.tgid = tgidOf(file.tid);
  const root = roots[0]?.tid as number;
  assert.ok(byTid.has(root));
  return { root, files };
}

function isExecOf(line: string, script: string): boolean {
  return (
    line.startsWith('execve(') &&
    / = 0$/.test(line) &&
    decodeStrings(line).some((text) => text.toString().endsWith(script))
  );
}
