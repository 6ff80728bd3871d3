// Drives the built bin/withsecrets.js as a user would: a clean environment, the emulator, markers not sleeps.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { type Emulator, startEmulator } from '../emulator/emulator.ts';

export const BIN = resolve(__dirname, '../../bin/withsecrets.js');
export const FIXTURES = resolve(__dirname, '../fixtures');
export const NODE = process.execPath;

export function fixture(name: string): string {
  return resolve(FIXTURES, name);
}

/** The environment of a CI job pointed at the emulator: fake credentials, a region, nothing of this machine's. */
export function awsEnv(emulator: Emulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: emulator.region,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.url,
    // The emulator serves Parameter Store on the same port, as LocalStack does.
    AWS_ENDPOINT_URL_SSM: emulator.url,
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    // Without it, a run left with no credentials would ask the instance metadata address, off this machine.
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** An AWS config file that exists and says nothing: that alone sends withsecrets to the SDK (src/aws/direct-route.ts). */
export const EMPTY_AWS_CONFIG = fixture('aws-config-empty');

/** withsecrets' two ways to AWS (Secrets Manager and Parameter Store alike), for the tests that must hold on both: extra environment for each. */
export const ROUTES = [
  { name: 'direct', env: {} },
  { name: 'SDK', env: { AWS_CONFIG_FILE: EMPTY_AWS_CONFIG } },
] as const;

/** Who sent the requests the emulator has seen since its calls were last cleared: `direct` (withsecrets' own) or `SDK`. */
export function sendersOf(emulator: Emulator): string[] {
  return [
    ...new Set(
      emulator.calls.map(({ userAgent = '' }) =>
        userAgent.startsWith('withsecrets ') ? 'direct' : /aws-sdk-js/.test(userAgent) ? 'SDK' : userAgent,
      ),
    ),
  ];
}

export interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Started {
  readonly child: ChildProcess;
  /** Resolves with the first stdout line that matches, and everything read so far. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  readonly finished: Promise<Finished>;
  stdout(): string;
}

/** Starts withsecrets with exactly `env` (nothing leaks in from the test runner). */
export function startBin(args: readonly string[], env: Record<string, string>): Started {
  const child = spawn(NODE, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return track(child);
}

export async function runBin(args: readonly string[], env: Record<string, string>): Promise<Finished> {
  return startBin(args, env).finished;
}

export function track(child: ChildProcess): Started {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const finished = once(child, 'close').then(([status, signal]) => ({
    status: status as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
  }));
  return {
    child,
    finished,
    stdout: () => stdout,
    waitForLine: (pattern, timeoutMs = 10_000) => waitForLine(child.stdout, () => stdout, pattern, timeoutMs),
  };
}

function waitForLine(
  stream: Readable | null,
  read: () => string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const check = (): boolean => {
      const line = read()
        .split('\n')
        .find((candidate) => pattern.test(candidate));
      if (line === undefined) return false;
      cleanup();
      resolvePromise(line);
      return true;
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout so far: ${read()}`));
    }, timeoutMs);
    const onEnd = () => {
      if (!check()) {
        cleanup();
        reject(new Error(`stream ended without a line matching ${pattern}; stdout: ${read()}`));
      }
    };
    const cleanup = () => {
      clearTimeout(timer);
      stream?.off('data', check).off('end', onEnd);
    };
    stream?.on('data', check).on('end', onEnd);
    check();
  });
}

/** An emulator for one test file; close it in `after`. */
export async function emulatorWith(
  secrets: Record<string, string | Uint8Array | object> = {},
): Promise<Emulator> {
  const emulator = await startEmulator();
  for (const [name, value] of Object.entries(secrets)) {
    emulator.createSecret(name, value as string);
  }
  return emulator;
}

/** One JSON line printed by test/fixtures/print-env.js. */
export function printedEnv(stdout: string): Record<string, string | null> {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
  if (line === undefined) throw new Error(`no JSON line in stdout: ${stdout}`);
  return JSON.parse(line) as Record<string, string | null>;
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
