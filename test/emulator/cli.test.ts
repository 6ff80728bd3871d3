// The emulator as a process: it announces its URL on stdout, serves the seed, and exits 0 on SIGTERM or SIGINT.

import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TEST_CREDENTIALS } from './helpers.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:(\d+))\n/;

type Emulated = ChildProcessByStdio<null, Readable, Readable>;

let directory: string;
let seedFile: string;

before(() => {
  directory = mkdtempSync(join(tmpdir(), 'emulator-cli-'));
  seedFile = join(directory, 'seed.json');
  writeFileSync(seedFile, '{"ci/db": {"port": 5432.0}, "ci/token": "t0ken"}');
});
after(() => rmSync(directory, { recursive: true, force: true }));

function startCli(args: string[]): Emulated {
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with stdout once the `listening on` line is complete; rejects if the process ends first. */
function waitForListening(child: Emulated): Promise<{ url: string; stdout: () => string }> {
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = LISTENING.exec(stdout);
      if (match?.[1] !== undefined) resolve({ url: match[1], stdout: () => stdout });
    });
    child.on('exit', (code) =>
      reject(new Error(`emulator exited (${code}) before listening; stdout: ${stdout}`)),
    );
  });
}

const exitOf = (child: Emulated): Promise<[number | null, NodeJS.Signals | null]> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) resolve([child.exitCode, null]);
    else child.on('exit', (code, signal) => resolve([code, signal]));
  });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`--port 0 --seed FILE: announces its URL, serves the seed, exits 0 on ${signal}`, async () => {
    const child = startCli(['--port', '0', '--seed', seedFile]);
    const exited = exitOf(child);
    try {
      const { url, stdout } = await waitForListening(child);
      const client = new SecretsManagerClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
      });
      try {
        const result = await client.send(new GetSecretValueCommand({ SecretId: 'ci/db' }));
        assert.equal(result.SecretString, '{"port": 5432.0}');
      } finally {
        client.destroy();
      }
      child.kill(signal);
      assert.deepEqual(await exited, [0, null]);
      assert.equal(stdout(), announcement(url, 'test', 'test'));
    } finally {
      child.kill('SIGKILL');
    }
  });
}

/** What the emulator prints when it listens: its URL, the keys it accepts, and the lines to point a shell at it. */
function announcement(url: string, accessKeyId: string, secretAccessKey: string): string {
  return (
    `listening on ${url}\n` +
    `accepts the key pair ${accessKeyId} / ${secretAccessKey} (set others with --access-key-id and --secret-access-key); to use it:\n` +
    `  export AWS_ENDPOINT_URL_SECRETS_MANAGER=${url} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey}\n`
  );
}

test('--access-key-id and --secret-access-key: only that pair is accepted, and the announcement names it', async () => {
  const child = startCli([
    '--port',
    '0',
    '--seed',
    seedFile,
    '--access-key-id',
    'AKIDEXAMPLE',
    '--secret-access-key',
    'wJalrXUtnFEMI',
  ]);
  const exited = exitOf(child);
  try {
    const { url, stdout } = await waitForListening(child);
    const read = async (credentials: { accessKeyId: string; secretAccessKey: string }) => {
      const client = new SecretsManagerClient({
        endpoint: url,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
      });
      try {
        return (await client.send(new GetSecretValueCommand({ SecretId: 'ci/token' }))).SecretString;
      } catch (error) {
        return (error as Error).name;
      } finally {
        client.destroy();
      }
    };
    assert.equal(await read({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI' }), 't0ken');
    assert.equal(await read(TEST_CREDENTIALS), 'UnrecognizedClientException');
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
    assert.equal(stdout(), announcement(url, 'AKIDEXAMPLE', 'wJalrXUtnFEMI'));
  } finally {
    child.kill('SIGKILL');
  }
});

test('a bad argument: exit 2 with the reason and the usage on stderr', async () => {
  const child = startCli(['--port', 'eighty']);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = await exitOf(child);
  assert.equal(code, 2);
  assert.equal(
    stderr,
    'emulator: --port must be 0..65535: eighty\n' +
      'usage: emulator [--port PORT] [--seed FILE.json] [--region REGION] [--account-id ID] [--access-key-id ID --secret-access-key KEY] [--quota-scale FACTOR]\n',
  );
});
