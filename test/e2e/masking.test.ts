// Proves output masking end to end: the built bin, the emulator, and real pipes, files and terminals.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, BIN, emulatorWith, fixture, NODE } from './harness.ts';
import { hasEnded, killQuietly, waitUntil } from './process-helpers.ts';

const TOKEN = 'FAKE-secret-token-0001';
/** Space, slash, plus, quote, `~`, a non-ASCII letter: every encoding differs, and its base64 has `+` and `/`. */
const PASSWORD = 'FAKE-secret pw/ü+">>?~02';
const DB_JSON = `{"user":"admin-user","password":${JSON.stringify(PASSWORD)},"port":5432,"ssl":true,"ratio":0.75}`;
const SECRETS = ['-s', 'TOKEN=mask/token', '-s', 'mask/db'];
const HOLD_LONG_MS = 1000;
/** The long hold where the output is not a terminal, as in these tests' pipes. */
const HOLD_LONG_PIPE_MS = 5000;
/** Over 57 bytes, so `base64` wraps it; `/`, `*`, `&`, `<`, `ü`: strict URL and JSON encoders differ. */
const LONG = 'FAKE-long-value/for*wrapping&<percent>-and-escapes-ü-0123456789-abcdefghijklmnop';
const PEM =
  '-----BEGIN FAKE KEY-----\nRkFLRS1wZW0tbGluZS0xLW5vdC1hLWtleQ==\nRkFLRS1wZW0tbGluZS0yLW5vdC1hLWtleQ==\n-----END FAKE KEY-----\n';
const LIST = '{"keys":["FAKE-list-element-one","FAKE-list-element-two"]}';
const HAS_PYTHON = spawnSync('python3', ['-c', 'import json, urllib.parse']).status === 0;
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Run {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  stdoutBytes(): Buffer;
  /** Resolves once everything read so far on that stream holds `wanted` (not only whole lines). */
  waitFor(stream: 'stdout' | 'stderr', wanted: string | RegExp | Buffer, timeoutMs?: number): Promise<void>;
  readonly finished: Promise<Finished>;
}

let emulator: Emulator;
let scratch: string;
const running = new Set<ChildProcess>();
const strayPids = new Set<number>();

/** Starts `command` in its own process group (so cleanup reaches withsecrets and its child) and records its output. */
function start(
  command: readonly string[],
  options: { env?: Record<string, string>; stdin?: 'pipe' | 'ignore' } = {},
): Run {
  const [file, ...args] = command;
  if (file === undefined) throw new Error('empty command');
  const child = spawn(file, args, {
    env: options.env ?? awsEnv(emulator),
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start ${file}`);
  running.add(child);
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const bytes = (stream: 'stdout' | 'stderr') => Buffer.concat(chunks[stream]);
  const text = (stream: 'stdout' | 'stderr') => bytes(stream).toString('utf8');
  child.stdout?.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  const finished = once(child, 'close').then(([status, signal]) => {
    running.delete(child);
    return {
      status: status as number | null,
      signal: signal as NodeJS.Signals | null,
      stdout: text('stdout'),
      stderr: text('stderr'),
    };
  });
  return {
    child,
    pid: child.pid,
    stdout: () => text('stdout'),
    stderr: () => text('stderr'),
    stdoutBytes: () => bytes('stdout'),
    waitFor: (stream, wanted, timeoutMs = 10_000) =>
      waitForOutput(child[stream], () => bytes(stream), wanted, timeoutMs),
    finished,
  };
}

/** withsecrets with the test secrets, its stdout and stderr pipes to this test. */
function startBin(args: readonly string[], options: Parameters<typeof start>[1] = {}): Run {
  return start([NODE, BIN, ...args], options);
}

function runBin(args: readonly string[], options: Parameters<typeof start>[1] = {}): Promise<Finished> {
  return startBin(args, options).finished;
}

/** Runs withsecrets from bash, so a test can redirect its stdout and stderr to files as a user would. */
function runInBash(redirections: string, args: readonly string[], env: Record<string, string> = {}) {
  return start(['bash', '-c', `exec "$@" ${redirections}`, 'bash', NODE, BIN, ...args], {
    env: awsEnv(emulator, env),
  }).finished;
}

/** Runs withsecrets on a new pseudo-terminal (util-linux `script`); what the terminal shows, `\r\n` made `\n`. */
async function runOnTerminal(
  args: readonly string[],
  options: { env?: Record<string, string>; redirections?: string } = {},
): Promise<Finished> {
  const line = [NODE, BIN, ...args].map(shellQuote).join(' ');
  const result = await start(['script', '-qec', `${line} ${options.redirections ?? ''}`, '/dev/null'], {
    env: awsEnv(emulator, options.env),
  }).finished;
  return { ...result, stdout: result.stdout.replaceAll('\r\n', '\n') };
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function waitForOutput(
  stream: Readable | null,
  read: () => Buffer,
  wanted: string | RegExp | Buffer,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const found = () =>
      typeof wanted === 'string'
        ? read().toString('utf8').includes(wanted)
        : Buffer.isBuffer(wanted)
          ? read().includes(wanted)
          : wanted.test(read().toString('utf8'));
    const check = () => {
      if (!found()) return;
      cleanup();
      resolve();
    };
    const shown = () => JSON.stringify(read().toString('utf8').slice(-500));
    const onEnd = () => {
      cleanup();
      if (found()) resolve();
      else reject(new Error(`stream ended without ${wanted}; read: ${shown()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${wanted} within ${timeoutMs} ms; read: ${shown()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      stream?.off('data', check).off('end', onEnd);
    };
    // After the recorder's own 'data' listener, so what `read` returns is up to date when `check` runs.
    stream?.on('data', check).on('end', onEnd);
    check();
  });
}

/** Samples a process's peak resident memory (VmHWM) until stopped; `stop` returns the highest, in MiB. */
function sampleMemory(pid: number): { stop(): number } {
  let peakKiB = 0;
  const sample = () => {
    try {
      const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
      peakKiB = Math.max(peakKiB, Number(kib ?? 0));
    } catch {
      // Gone: the last sample stands.
    }
  };
  sample();
  const timer = setInterval(sample, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return peakKiB / 1024;
    },
  };
}

before(async () => {
  emulator = await emulatorWith({
    'mask/token': TOKEN,
    'mask/db': DB_JSON,
    'mask/short': 'abc',
    'mask/mid': 'FAKE-mid',
    'mask/long': LONG,
    'mask/pem': PEM,
    'mask/list': LIST,
  });
  scratch = mkdtempSync(join(tmpdir(), 'withsecrets-masking-'));
});

after(async () => {
  for (const child of running) if (child.pid !== undefined) killQuietly(-child.pid);
  for (const pid of strayPids) killQuietly(pid);
  rmSync(scratch, { recursive: true, force: true });
  await emulator.close();
});

describe('what is masked', () => {
  it('masks injected values on stdout and stderr, but not JSON numbers and booleans', async () => {
    const result = await runBin([
      ...SECRETS,
      '--',
      'sh',
      '-c',
      'echo "token=$TOKEN user=$USER pw=$PASSWORD port=$PORT ssl=$SSL ratio=$RATIO"; echo "err $TOKEN" >&2',
    ]);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, 'token=*** user=*** pw=*** port=5432 ssl=true ratio=0.75\n');
    assert.equal(result.stderr, 'err ***\n');
  });

  it('leaves a --mask-exclude variable alone, and still masks the raw SecretString as a whole', async () => {
    const result = await runBin([
      ...SECRETS,
      '--mask-exclude',
      'USER',
      '--',
      NODE,
      fixture('mask-echo.js'),
      'user=$USER pw=$PASSWORD',
      `raw=${DB_JSON}`,
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'user=admin-user pw=***\nraw=***\n');
  });

  it('masks every encoded form: base64 (standard, URL-safe, padded or not, embedded), URL, JSON', async () => {
    const result = await runBin([...SECRETS, '--', NODE, fixture('mask-encodings.js'), 'PASSWORD']);
    assert.equal(result.status, 0, result.stderr);
    const lines = new Map(
      result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]),
    );
    const whole = ['plain', 'base64', 'base64-bare', 'base64url', 'base64url-bare'];
    for (const label of whole) assert.equal(lines.get(label), '***', label);
    assert.equal(lines.get('uri'), 'https://example.test/?pw=***&next=1');
    assert.equal(lines.get('form'), 'pw=***&next=1');
    assert.equal(lines.get('form-params'), 'pw=***&next=1');
    assert.equal(lines.get('json'), '{"pw":"***"}');
    assert.equal(lines.get('json-ascii'), '{"pw":"***"}');
    // Inside longer base64 only the characters made of the value's bits alone are predictable: those go.
    const bytes = Buffer.from(PASSWORD);
    const filler = Buffer.from('0123456789');
    for (const [label, offset, alphabet] of [
      ['embedded-0', 0, 'base64'],
      ['embedded-1', 1, 'base64'],
      ['embedded-2', 2, 'base64'],
      ['embedded-url-1', 1, 'base64url'],
    ] as const) {
      const before = 3 + offset;
      const full = Buffer.concat([filler.subarray(0, before), bytes, filler.subarray(0, 4)]).toString(
        alphabet,
      );
      const core = full.slice(Math.ceil((8 * before) / 6), Math.floor((8 * (before + bytes.length)) / 6));
      assert.equal(lines.get(label), full.replace(core, '***'), label);
    }
    assert.doesNotMatch(result.stdout, /FAKE|RkFLRS|secret/);
  });

  it('masks wrapped base64, strict URL encoding, an indented CRLF PEM and a JSON array element', async () => {
    const script = [
      'printf %s "$LONG" | base64',
      'printf %s "$LONG" | base64 -w 64 | sed "s/$/\r/"',
      HAS_PYTHON
        ? `python3 -c 'import os,urllib.parse as u,json;v=os.environ["LONG"];print(u.quote(v,safe=""));print(u.quote(v).lower());print(json.dumps(v))'`
        : 'true',
      'printf "key: |\r\n"; printf %s "$PEM" | sed "s/^/    /; s/$/\r/"',
      `node -e 'console.log("second=" + JSON.parse(process.env.KEYS)[1])'`,
    ].join('; ');
    const result = await runBin([
      '-s',
      'LONG=mask/long',
      '-s',
      'PEM=mask/pem',
      '-s',
      'KEYS=mask/list#keys',
      '--',
      'sh',
      '-c',
      script,
    ]);
    assert.equal(result.status, 0, result.stderr);
    const base64 = Buffer.from(LONG).toString('base64');
    const pieces = [
      ...(base64.match(/.{1,76}/g) ?? []),
      ...(base64.match(/.{1,64}/g) ?? []),
      ...PEM.split('\n'),
      'FAKE-list-element-two',
      'FAKE-long',
      'FAKE KEY',
      'RkFLRS1wZW0',
    ].filter((piece) => piece.length >= 8);
    for (const piece of pieces) assert.ok(!result.stdout.includes(piece), `${piece} in ${result.stdout}`);
    assert.match(result.stdout, /second=\*\*\*/);
    if (HAS_PYTHON) assert.doesNotMatch(result.stdout, /%2f|%2F|\\u00fc/);
  });

  it('masks values of --mask-min-length characters or more (4 by default)', async () => {
    const args = ['-s', 'SHORT=mask/short', '-s', 'MID=mask/mid'];
    const echo = [NODE, fixture('mask-echo.js'), '$SHORT $MID'];
    assert.equal((await runBin([...args, '--', ...echo])).stdout, 'abc ***\n');
    assert.equal((await runBin([...args, '--mask-min-length', '3', '--', ...echo])).stdout, '*** ***\n');
    assert.equal((await runBin([...args, '--mask-min-length', '9', '--', ...echo])).stdout, 'abc FAKE-mid\n');
  });

  it("masks withsecrets' own messages with the same values", async () => {
    const result = await runBin([...SECRETS, '--', TOKEN]);
    assert.equal(result.status, 127);
    assert.match(result.stderr, /^withsecrets: \[COMMAND_NOT_FOUND\] command "\*\*\*" not found/);
    assert.doesNotMatch(result.stderr, /FAKE/);
  });
});

describe('where masking applies', () => {
  const echo = [NODE, fixture('mask-echo.js'), 'token=$TOKEN'];

  it('is off with --no-mask, WITHSECRETS_MASK=false or WITHSECRETS_NO_MASK=1', async () => {
    assert.equal((await runBin([...SECRETS, '--no-mask', '--', ...echo])).stdout, `token=${TOKEN}\n`);
    const env = (extra: Record<string, string>) => ({ env: awsEnv(emulator, extra) });
    const off = await runBin([...SECRETS, '--', ...echo], env({ WITHSECRETS_MASK: 'false' }));
    assert.equal(off.stdout, `token=${TOKEN}\n`);
    const no = await runBin([...SECRETS, '--', ...echo], env({ WITHSECRETS_NO_MASK: '1' }));
    assert.equal(no.stdout, `token=${TOKEN}\n`);
  });

  it('masks stdout redirected to a file, and stderr on its own pipe', async () => {
    const out = join(scratch, 'stdout.log');
    const result = await runInBash(
      '>"$OUT"',
      [...SECRETS, '--', 'sh', '-c', 'echo "out $TOKEN"; echo "err $TOKEN" >&2'],
      { OUT: out },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(out, 'utf8'), 'out ***\n');
    assert.equal(result.stderr, 'err ***\n');
  });

  it('keeps the exact interleaving of stdout and stderr with >log 2>&1', async () => {
    const log = join(scratch, 'both.log');
    const count = 2000;
    const result = await runInBash(
      '>"$OUT" 2>&1',
      [...SECRETS, '--', NODE, fixture('mask-interleave.js'), String(count), 'TOKEN'],
      { OUT: log },
    );
    assert.equal(result.status, 0);
    const expected = Array.from({ length: count }, (_, index) => {
      const line = index + 1;
      return `${line} ${line % 2 === 1 ? 'out' : 'err'} ***\n`;
    });
    assert.equal(readFileSync(log, 'utf8'), expected.join(''));
  });

  it('lets a masked child open /dev/stdout and /dev/stderr by path, as shell scripts do', async () => {
    const script = 'echo "out $TOKEN" > /dev/stdout; echo "err $TOKEN" > /dev/stderr';
    const piped = await runBin([...SECRETS, '--', 'sh', '-c', script]);
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(piped.stdout, 'out ***\n');
    assert.equal(piped.stderr, 'err ***\n');
    const log = join(scratch, 'by-path.log');
    const shared = await runInBash('>"$OUT" 2>&1', [...SECRETS, '--', 'sh', '-c', script], { OUT: log });
    assert.equal(shared.status, 0);
    assert.equal(readFileSync(log, 'utf8'), 'out ***\nerr ***\n');
  });

  it('passes a terminal through untouched by default, and masks it with --mask or WITHSECRETS_MASK', {
    skip: HAS_SCRIPT ? false : 'needs util-linux script to give withsecrets a terminal',
  }, async () => {
    const probe = ['sh', '-c', 'test -t 1 && echo "tty token=$TOKEN" || echo "not a tty token=$TOKEN"'];
    const raw = await runOnTerminal([...SECRETS, '--', ...probe]);
    assert.equal(raw.status, 0, raw.stdout);
    assert.equal(raw.stdout, `tty token=${TOKEN}\n`);
    const masked = await runOnTerminal([...SECRETS, '--mask', '--', ...probe]);
    assert.equal(masked.stdout, 'not a tty token=***\n');
    const fromEnv = await runOnTerminal([...SECRETS, '--', ...probe], { env: { WITHSECRETS_MASK: 'true' } });
    assert.equal(fromEnv.stdout, 'not a tty token=***\n');
  });

  it('masks stderr sent to a file while stdout stays on the terminal', {
    skip: HAS_SCRIPT ? false : 'needs util-linux script to give withsecrets a terminal',
  }, async () => {
    const err = join(scratch, 'stderr.log');
    const result = await runOnTerminal(
      [...SECRETS, '--', 'sh', '-c', 'echo "out $TOKEN"; echo "err $TOKEN" >&2'],
      { redirections: `2>${shellQuote(err)}` },
    );
    assert.equal(result.stdout, `out ${TOKEN}\n`);
    assert.equal(readFileSync(err, 'utf8'), 'err ***\n');
  });
});

describe('streaming', () => {
  it('shows a prompt without a newline before the child gets its answer', async () => {
    const run = startBin([...SECRETS, '--', NODE, fixture('mask-prompt.js')], { stdin: 'pipe' });
    await run.waitFor('stdout', 'Password: ');
    assert.equal(run.stdout(), 'Password: ');
    run.child.stdin?.end('hunter2\n');
    const result = await run.finished;
    assert.equal(result.status, 0);
    assert.equal(result.stdout, 'Password: \nthanks, 7 characters\n');
  });

  /** Every form of PASSWORD the masker knows, as a program would print it. */
  const forms = {
    plain: PASSWORD,
    base64: Buffer.from(PASSWORD).toString('base64'),
    'base64 unpadded': Buffer.from(PASSWORD).toString('base64').replace(/=+$/, ''),
    base64url: Buffer.from(PASSWORD).toString('base64').replaceAll('+', '-').replaceAll('/', '_'),
    'base64url unpadded': Buffer.from(PASSWORD).toString('base64url'),
    encodeURIComponent: encodeURIComponent(PASSWORD),
    'form (+ for space)': encodeURIComponent(PASSWORD).replaceAll('%20', '+'),
    URLSearchParams: new URLSearchParams([['', PASSWORD]]).toString().slice(1),
    'JSON-escaped': JSON.stringify(PASSWORD).slice(1, -1),
    'JSON-escaped, ASCII only': JSON.stringify(PASSWORD)
      .slice(1, -1)
      .replace(/[\u0080-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`),
  };
  /** Split at the middle byte: in the raw value that falls inside the two bytes of `ü`. */
  const splitArgs = (text: string) => [
    NODE,
    fixture('mask-split.js'),
    text,
    String(Buffer.byteLength(text) >> 1),
  ];

  it('masks every form split across two writes by a pause shorter than the hold, showing none of it', async () => {
    assert.equal(new Set(Object.values(forms)).size, Object.keys(forms).length, 'the forms must differ');
    // Side by side: one withsecrets per form. The 100 ms pause is far inside the 1 s hold.
    const results = await Promise.all(
      Object.values(forms).map((text) => runBin([...SECRETS, '--', ...splitArgs(text), '100'])),
    );
    for (const [index, label] of Object.keys(forms).entries()) {
      assert.equal(results[index]?.status, 0, label);
      assert.equal(results[index]?.stdout, 'MARK\nvalue=***\nDONE\n', label);
    }
  });

  /** The first half of the value's standard base64 is a core prefix, masked on its own (for wrapped base64). */
  const halfMaskedAtOnce = (label: string, text: string) =>
    label.startsWith('base64') &&
    Buffer.from(PASSWORD)
      .toString('base64')
      .startsWith(text.slice(0, Buffer.byteLength(text) >> 1));

  it('masks at once the first half of base64 forms that begins the standard base64, and the rest after a pause', async () => {
    const halves = Object.entries(forms).filter(([label, text]) => halfMaskedAtOnce(label, text));
    assert.ok(halves.length > 0);
    for (const [label, text] of halves) {
      const run = startBin([...SECRETS, '--', ...splitArgs(text)], { stdin: 'pipe' });
      await run.waitFor('stdout', 'MARK\nvalue=***', 3 * HOLD_LONG_PIPE_MS);
      run.child.stdin?.end('go on\n');
      const result = await run.finished;
      assert.equal(result.status, 0, label);
      assert.match(result.stdout, /^MARK\nvalue=(\*\*\*)+\nDONE\n$/, label);
    }
  });

  it('releases the held first half of every other form after a longer pause, and masks the rest', async () => {
    const outcomes = await Promise.all(
      Object.entries(forms)
        .filter(([label, text]) => !halfMaskedAtOnce(label, text))
        .map(async ([label, text]) => {
          const run = startBin([...SECRETS, '--', ...splitArgs(text)], { stdin: 'pipe' });
          const released = Buffer.concat([
            Buffer.from('MARK\nvalue='),
            Buffer.from(text).subarray(0, Buffer.byteLength(text) >> 1),
          ]);
          await run.waitFor('stdout', released, 3 * HOLD_LONG_PIPE_MS);
          const before = run.stdoutBytes();
          run.child.stdin?.end('go on\n');
          const result = await run.finished;
          return { label, released, before, status: result.status, after: run.stdoutBytes() };
        }),
    );
    for (const { label, released, before, status, after } of outcomes) {
      assert.equal(status, 0, label);
      assert.deepEqual(before, released, label);
      assert.deepEqual(after, Buffer.concat([released, Buffer.from('***\nDONE\n')]), label);
    }
  });

  // Generous bounds: a loaded machine delays timers. The short hold has no lower bound, since a test runner
  // that stalls may read the marker and the release in one go.
  for (const { cut, holdMs, minMs, maxMs } of [
    { cut: 11, holdMs: HOLD_LONG_PIPE_MS, minMs: 3000, maxMs: 9000 },
    { cut: 2, holdMs: 50, minMs: 0, maxMs: 1000 },
  ]) {
    it(`releases a held ${cut}-character prefix after ${holdMs} ms of quiet and masks the rest`, async (t) => {
      const run = startBin([...SECRETS, '--', NODE, fixture('mask-split.js'), TOKEN, String(cut)], {
        stdin: 'pipe',
      });
      await run.waitFor('stdout', 'MARK\nvalue=');
      const held = Date.now();
      const prefix = `MARK\nvalue=${TOKEN.slice(0, cut)}`;
      await run.waitFor('stdout', prefix, 3 * HOLD_LONG_PIPE_MS);
      const waited = Date.now() - held;
      t.diagnostic(`released after ${waited} ms`);
      assert.ok(waited >= minMs && waited < maxMs, `released after ${waited} ms`);
      assert.equal(run.stdout(), prefix);
      run.child.stdin?.end('go on\n');
      const result = await run.finished;
      assert.equal(result.status, 0);
      assert.equal(result.stdout, `${prefix}***\nDONE\n`);
    });
  }

  it('masks a value whose second half comes 1.5 s after its first, on a pipe', async () => {
    const result = await runBin([...SECRETS, '--', NODE, fixture('mask-split.js'), TOKEN, '11', '1500']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'MARK\nvalue=***\nDONE\n');
  });

  it('writes out a held partial when the child exits, and keeps its exit status', async () => {
    const result = await runBin([...SECRETS, '--', 'sh', '-c', 'printf "tail=FAKE-sec"; exit 7']);
    assert.equal(result.status, 7);
    assert.equal(result.stdout, 'tail=FAKE-sec');
  });

  it('dies of the signal that killed the child, with its output written', async () => {
    const result = await runBin([...SECRETS, '--', 'sh', '-c', 'echo "last $TOKEN"; kill -TERM $$']);
    assert.equal(result.signal, 'SIGTERM');
    assert.equal(result.stdout, 'last ***\n');
  });

  it('passes 50 MB of binary output through byte for byte', async () => {
    const run = start([NODE, BIN, ...SECRETS, '--', NODE, fixture('mask-binary.js'), '50'], {});
    // Hashed as it streams; the recorder keeps a copy too, which is fine at this size.
    const hash = createHash('sha256');
    let length = 0;
    run.child.stdout?.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
    });
    const result = await run.finished;
    assert.equal(result.status, 0, result.stderr);
    assert.equal(length, 50 * 1024 * 1024);
    assert.equal(`SHA256 ${hash.digest('hex')}\n`, result.stderr);
  });

  it('slows a child whose reader does not read, with bounded memory, and loses nothing', async (t) => {
    const megabytes = 128;
    const run = startBin([...SECRETS, '--', NODE, fixture('mask-flood.js'), String(megabytes), 'TOKEN']);
    run.child.stdout?.pause();
    const memory = sampleMemory(run.pid);
    await run.waitFor('stderr', 'BLOCKED\n');
    let received = 0;
    let tail = '';
    run.child.stdout?.on('data', (chunk: Buffer) => {
      received += chunk.length;
      tail = (tail + chunk.toString('latin1')).slice(-200);
    });
    run.child.stdout?.resume();
    const result = await run.finished;
    const peakMiB = memory.stop();
    assert.equal(result.status, 0, result.stderr);
    const end = /END (\d+) (\d+)\n$/.exec(tail);
    const sent = Number(end?.[1]);
    assert.ok(sent > megabytes * 1e6 * 0.99, `sent ${sent}`);
    // Each value became `***`; nothing else was added or lost.
    assert.equal(received, sent - Number(end?.[2]) * (TOKEN.length - 3) + (end?.[0].length ?? 0));
    // Buffering the 128 MB instead of slowing the child would take withsecrets well past this.
    t.diagnostic(`withsecrets' peak resident memory: ${peakMiB.toFixed(1)} MiB`);
    assert.ok(peakMiB > 0 && peakMiB < 150, `peak resident memory ${peakMiB} MiB`);
    assert.doesNotMatch(tail, /FAKE/);
  });

  it('writes out everything the child wrote even when the reader starts long after the child exited', async () => {
    // A real pipe to a reader that starts on a line from the test: `cat`, once the test says so.
    const run = start(
      ['bash', '-c', 'exec 3<&0; "$@" </dev/null 3<&- | { read -r _ <&3; exec cat; }', 'bash'].concat([
        NODE,
        BIN,
        ...SECRETS,
        '--',
        NODE,
        fixture('mask-fill.js'),
      ]),
      { stdin: 'pipe' },
    );
    await run.waitFor('stderr', /FULL \d+ \d+\n/);
    const [, written, pid] = /FULL (\d+) (\d+)/.exec(run.stderr()) ?? [];
    await waitUntil(() => hasEnded(Number(pid)), 'the child to exit');
    // Past withsecrets' 1 s wait for the pipes to close: what the child wrote must not be dropped then.
    await new Promise((resolve) => setTimeout(resolve, HOLD_LONG_MS + 500));
    run.child.stdin?.end('go\n');
    const result = await run.finished;
    assert.equal(result.status, 0);
    assert.equal(result.stdout.length, Number(written));
    assert.match(result.stdout, /^x+$/);
  });

  it('exits within about 1 s when a background grandchild holds the pipes, with the child status', async (t) => {
    const run = startBin([...SECRETS, '--', NODE, fixture('mask-grandchild.js')]);
    await run.waitFor('stdout', /GRANDCHILD \d+\n/);
    const grandchild = Number(/GRANDCHILD (\d+)/.exec(run.stdout())?.[1]);
    strayPids.add(grandchild);
    const seen = Date.now();
    const [status] = (await once(run.child, 'exit')) as [number | null];
    const waited = Date.now() - seen;
    const grandchildStillRan = !hasEnded(grandchild);
    killQuietly(grandchild);
    assert.equal(status, 3);
    assert.ok(grandchildStillRan, 'the grandchild should still hold the pipes when withsecrets exits');
    t.diagnostic(`exited ${waited} ms after the child`);
    assert.ok(
      // Half the wait: the test may see the GRANDCHILD line late; without the wait it would be ~0.
      waited >= HOLD_LONG_MS / 2,
      `exited ${waited} ms after the child: did it wait for the pipes?`,
    );
    assert.ok(waited < HOLD_LONG_MS + 1500, `exited ${waited} ms after the child`);
  });

  it('ends like an unmasked run when its reader goes away: the child dies of SIGPIPE', async () => {
    const pipeline = 'exec 2>&1; "$@" | head -n 1; echo "status $PIPESTATUS"';
    for (const [mask, first] of [
      ['--mask', '***'],
      ['--no-mask', TOKEN],
    ] as const) {
      const run = start([
        'bash',
        '-c',
        pipeline,
        'bash',
        NODE,
        BIN,
        ...SECRETS,
        mask as string,
        '--',
        'yes',
        TOKEN,
      ]);
      const result = await run.finished;
      assert.equal(result.stdout, `${first}\nstatus ${128 + 13}\n`, mask);
    }
  });
});
