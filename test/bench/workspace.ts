// What the benchmark runs against: a temp dir with the seed, the .env files, a copy of the built package, the emulator.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

export const ONE = 'bench/one';
export const TWENTY = Array.from({ length: 20 }, (_, i) => `bench/twenty/s${String(i).padStart(2, '0')}`);
export const MANY_PREFIX = 'bench/many/';
export const MANY = Array.from({ length: 200 }, (_, i) => `${MANY_PREFIX}s${String(i).padStart(3, '0')}`);
/** Parameter Store's: one parameter, and 200 under one path (20 pages of GetParametersByPath). */
export const ONE_PARAMETER = '/bench/one';
export const MANY_PARAMETERS_PATH = '/bench/many';
const MANY_PARAMETERS = Array.from(
  { length: 200 },
  (_, i) => `${MANY_PARAMETERS_PATH}/p${String(i).padStart(3, '0')}`,
);

export interface Workspace {
  readonly dir: string;
  /** bin/withsecrets.js of a copy of the built package, so a rebuild by someone else cannot change it mid-run. */
  readonly bin: string;
  readonly seedFile: string;
  readonly envOne: string;
  readonly envMany: string;
  remove(): void;
}

/** Values shaped like real tokens: long enough to be masked, one plain string each. */
function valueFor(name: string): string {
  return `${name.replaceAll('/', '-')}-v4lue-${createToken(name)}`;
}

function createToken(seed: string): string {
  let hash = 2166136261;
  for (const char of seed) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash.toString(36).padStart(7, '0');
}

export function createWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'withsecrets-bench-'));
  const seed = {
    ...Object.fromEntries([ONE, ...TWENTY, ...MANY].map((name) => [name, valueFor(name)])),
    $parameters: Object.fromEntries(
      [ONE_PARAMETER, ...MANY_PARAMETERS].map((name) => [name, valueFor(name)]),
    ),
  };
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed));

  const envOne = join(dir, 'one.env');
  const envMany = join(dir, 'many.env');
  writeFileSync(envOne, `BENCH_ONE=${valueFor(ONE)}\n`);
  writeFileSync(
    envMany,
    MANY.map((name) => `${name.replaceAll('/', '_').toUpperCase()}=${valueFor(name)}\n`).join(''),
  );

  const packageDir = join(dir, 'package');
  mkdirSync(packageDir);
  // Not the single executables `npm run build:exe` leaves in dist/ (100 MB each): the bench makes its own.
  for (const part of ['bin', 'dist', 'package.json'])
    cpSync(join(ROOT, part), join(packageDir, part), {
      recursive: true,
      filter: (source) => !/[/\\]dist[/\\]withsecrets-[^/\\]+$/.test(source),
    });
  return {
    dir,
    bin: join(packageDir, 'bin', 'withsecrets.js'),
    seedFile,
    envOne,
    envMany,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A devDependency's bin script, run with `node` like withsecrets so that every command starts the same way. */
export function binOf(packageName: string, binName: string): string {
  const dir = join(ROOT, 'node_modules', packageName);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[binName];
  if (bin === undefined) throw new Error(`${packageName} has no bin ${binName}: run npm ci`);
  return join(dir, bin);
}

export interface EmulatorProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The emulator in a process of its own, so that serving requests never competes with the timing loop. */
export function startEmulatorProcess(seedFile: string): Promise<EmulatorProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/emulator/cli.ts'), '--port', '0', '--seed', seedFile],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the emulator did not start within 30 s: ${out}`)), 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`the emulator exited (${code}) before listening: ${out}`)));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url === undefined || child.pid === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolvePromise({ url, pid: child.pid, stop: () => stopChild(child) });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    child.once('exit', () => resolvePromise());
    child.kill('SIGTERM');
  });
}
