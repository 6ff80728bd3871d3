// No core dump of withsecrets holds a secret: signals it cannot catch, and V8's out-of-memory abort (#21).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, emulatorWith, NODE } from './harness.ts';
import { childrenOf, ended, hasEnded, startWrapper, type Wrapper, waitUntil } from './process-helpers.ts';

const VALUE = 'QZX-core-dump-secret-5F8E2A-distinctive';
/** Enough values to outgrow an 8 MB heap while they are fetched, each with a marker a core would show. */
const BIG_COUNT = 200;
const BIG_MARK = 'QZX-big-core-value-';
/** A Node core with its memory left out is about 70 KB; one with it is 50 MB or more. */
const EMPTY_CORE_BYTES = 1024 * 1024;

/** Why cores cannot be looked at here, or undefined: the pattern must name a file in the working directory. */
function whyCoresAreElsewhere(): string | undefined {
  let pattern: string;
  try {
    pattern = readFileSync('/proc/sys/kernel/core_pattern', 'latin1').trim();
  } catch {
    return 'no /proc/sys/kernel/core_pattern: not Linux';
  }
  if (pattern.startsWith('|') || pattern.includes('/') || pattern === '') {
    return `core_pattern "${pattern}" sends cores elsewhere than the working directory`;
  }
  return undefined;
}

const ownFilter = (): string => readFileSync('/proc/self/coredump_filter', 'latin1').trim();
const filterOf = (pid: number): string => readFileSync(`/proc/${pid}/coredump_filter`, 'latin1').trim();

/** Runs `node [nodeArgs] bin ...` under `ulimit -c unlimited`, in `cwd`. */
function startWithCores(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
  nodeArgs: readonly string[] = [],
): Wrapper {
  const limited = ['sh', '-c', 'ulimit -c unlimited && exec "$@"', 'sh', NODE, ...nodeArgs];
  return startWrapper(args, { env, cwd, command: limited });
}

/** Every core file in `dir`: its name, size and whether it holds any of `needles`. */
function coresIn(
  dir: string,
  needles: readonly string[],
): { name: string; bytes: number; leaks: string[] }[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith('core'))
    .map((name) => {
      const content = readFileSync(join(dir, name));
      return {
        name,
        bytes: statSync(join(dir, name)).size,
        leaks: needles.filter((needle) => content.includes(needle)),
      };
    });
}

describe('core dumps', { skip: whyCoresAreElsewhere() ?? false }, () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await emulatorWith({ 'app/core-token': VALUE });
    for (let index = 0; index < BIG_COUNT; index++) {
      const mark = `${BIG_MARK}${String(index).padStart(3, '0')}-`;
      emulator.createSecret(`big/s${index}`, mark + 'x'.repeat(60_000 - mark.length));
    }
  });
  after(() => emulator.close());

  const inScratch = async (run: (dir: string) => Promise<void>) => {
    const dir = mkdtempSync(join(tmpdir(), 'withsecrets-cores-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  /** The command prints its pid, then waits to be killed: it must outlive withsecrets, as the docs say. */
  const COMMAND = ['--', 'sh', '-c', 'echo "READY $$"; exec sleep 60'];

  for (const signal of ['SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL'] as const)
    it(`kill -${signal.slice(3)} leaves a core of withsecrets without its memory; the command keeps its filter`, () =>
      inScratch(async (dir) => {
        const run = startWithCores(['-s', 'P=app/core-token', ...COMMAND], awsEnv(emulator), dir);
        try {
          const commandPid = Number((await run.waitForLine(/^READY \d+$/)).split(' ')[1]);
          assert.equal(filterOf(run.pid), '00000000', "withsecrets' own filter is not empty");
          assert.equal(filterOf(commandPid), ownFilter(), "the command did not get the user's filter back");
          process.kill(run.pid, signal);
          const result = await ended(run);
          assert.equal(result.signal, signal);
          const cores = coresIn(dir, [VALUE]);
          // The control: a core was written, so the kernel would have written the heap had the filter allowed it.
          assert.equal(cores.length, 1, `no core in ${dir}: ${JSON.stringify(cores)}`);
          assert.deepEqual(cores[0]?.leaks, [], 'the core holds the secret');
          assert.ok((cores[0]?.bytes ?? 0) < EMPTY_CORE_BYTES, `the core has ${cores[0]?.bytes} bytes`);
          // withsecrets could not stop it: the command is left running, as docs/security.md says.
          assert.equal(hasEnded(commandPid), false, 'the command ended with withsecrets');
        } finally {
          run.kill();
        }
      }));

  it("V8's out-of-memory abort leaves a core without the values fetched so far", () =>
    inScratch(async (dir) => {
      const run = startWithCores(
        ['-s', 'P=app/core-token', '-s', 'big/*', '--', 'true'],
        awsEnv(emulator),
        dir,
        ['--max-old-space-size=8'],
      );
      try {
        const result = await ended(run, 30_000);
        assert.equal(result.signal, 'SIGABRT', `withsecrets did not run out of memory: ${result.stderr}`);
        assert.match(result.stderr, /heap out of memory/);
        const needles = [
          VALUE,
          ...Array.from({ length: BIG_COUNT }, (_, index) => `${BIG_MARK}${String(index).padStart(3, '0')}`),
        ];
        assert.deepEqual(result.stderr.includes(BIG_MARK), false, 'the abort printed a value');
        const cores = coresIn(dir, needles);
        assert.equal(cores.length, 1, `no core in ${dir}`);
        assert.deepEqual(cores[0]?.leaks, [], 'the core holds fetched values');
        assert.ok((cores[0]?.bytes ?? 0) < EMPTY_CORE_BYTES, `the core has ${cores[0]?.bytes} bytes`);
      } finally {
        run.kill();
      }
    }));

  it('re-executed without NODE_OPTIONS, the inner withsecrets keeps an empty filter and the command gets the original', () =>
    inScratch(async (dir) => {
      const env = { ...awsEnv(emulator), NODE_OPTIONS: '--max-old-space-size=4096' };
      const run = startWithCores(['-s', 'P=app/core-token', ...COMMAND], env, dir);
      try {
        const commandPid = Number((await run.waitForLine(/^READY \d+$/)).split(' ')[1]);
        await waitUntil(() => childrenOf(run.pid).length === 1, 'the re-executed withsecrets');
        const [inner] = childrenOf(run.pid);
        assert.ok(inner !== undefined && inner !== commandPid);
        assert.equal(filterOf(run.pid), '00000000', "the outer process's filter is not empty");
        assert.equal(filterOf(inner), '00000000', "the inner process's filter is not empty");
        assert.equal(filterOf(commandPid), ownFilter(), "the command did not get the user's filter back");
        process.kill(inner, 'SIGSEGV');
        const result = await ended(run);
        assert.equal(result.signal, 'SIGSEGV');
        const cores = coresIn(dir, [VALUE]);
        assert.ok(cores.length >= 1, `no core in ${dir}`);
        for (const core of cores) {
          assert.deepEqual(core.leaks, [], `${core.name} holds the secret`);
          assert.ok(core.bytes < EMPTY_CORE_BYTES, `${core.name} has ${core.bytes} bytes`);
        }
      } finally {
        run.kill();
      }
    }));
});
