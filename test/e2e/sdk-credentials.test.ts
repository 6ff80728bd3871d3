// Each credential source the SDK route resolves (src/aws/sdk-credentials.ts) still works end to end against the emulator.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTAINER_CREDENTIAL } from '../emulator/container-credentials.ts';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, EMPTY_AWS_CONFIG, emulatorWith, fixture, NODE, printedEnv, runBin } from './harness.ts';

const PRINT_ENV = [NODE, fixture('print-env.js')];
const PROFILE_KEY = { accessKeyId: 'fake-profile-key', secretAccessKey: 'profile-secret' };
const PROCESS_KEY = { accessKeyId: 'fake-process-key', secretAccessKey: 'process-secret' };

describe('credential sources through the SDK', () => {
  let emulator: Emulator;
  let scratch: string;
  let keyless: Record<string, string>;
  before(async () => {
    emulator = await emulatorWith({ 'cred/one': 'FAKE-cred-one-Jw3' });
    emulator.addCredentials(PROFILE_KEY);
    emulator.addCredentials(PROCESS_KEY);
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-creds-'));
    const { AWS_ACCESS_KEY_ID: _, AWS_SECRET_ACCESS_KEY: __, ...rest } = awsEnv(emulator);
    keyless = rest;
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  });

  /** Runs withsecrets for cred/one; answers the key ids its requests were signed with. */
  async function keysUsed(env: Record<string, string>, args: readonly string[] = []): Promise<string[]> {
    emulator.clearCalls();
    const result = await runBin([...args, '--no-mask', '-s', 'ONE=cred/one', '--', ...PRINT_ENV, 'ONE'], env);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), { ONE: 'FAKE-cred-one-Jw3' });
    assert.ok(
      emulator.calls.every(({ userAgent = '' }) => /aws-sdk-js/.test(userAgent)),
      'every request went through the SDK',
    );
    return [...new Set(emulator.calls.map((call) => call.accessKeyId ?? '?'))];
  }

  function configFile(name: string, text: string): string {
    const file = join(scratch, name);
    writeFileSync(file, text);
    return file;
  }

  it('keys in the environment, with an AWS config file that says nothing', async () => {
    assert.deepEqual(await keysUsed(awsEnv(emulator, { AWS_CONFIG_FILE: EMPTY_AWS_CONFIG })), ['test']);
  });

  it('a profile with static keys in the config file, by AWS_PROFILE and by --profile', async () => {
    const config = configFile(
      'static',
      `[profile ci]\naws_access_key_id = ${PROFILE_KEY.accessKeyId}\naws_secret_access_key = ${PROFILE_KEY.secretAccessKey}\n`,
    );
    const env = { ...keyless, AWS_CONFIG_FILE: config };
    assert.deepEqual(await keysUsed({ ...env, AWS_PROFILE: 'ci' }), [PROFILE_KEY.accessKeyId]);
    assert.deepEqual(await keysUsed(env, ['--profile', 'ci']), [PROFILE_KEY.accessKeyId]);
    // AWS_PROFILE wins over keys in the environment, as in the SDK's default chain.
    assert.deepEqual(await keysUsed({ ...awsEnv(emulator), AWS_CONFIG_FILE: config, AWS_PROFILE: 'ci' }), [
      PROFILE_KEY.accessKeyId,
    ]);
  });

  it('a credential_process profile', async () => {
    const config = configFile(
      'process',
      `[profile proc]\ncredential_process = ${NODE} ${fixture('credential-process.js')} ${PROCESS_KEY.accessKeyId} ${PROCESS_KEY.secretAccessKey}\n`,
    );
    assert.deepEqual(await keysUsed({ ...keyless, AWS_CONFIG_FILE: config, AWS_PROFILE: 'proc' }), [
      PROCESS_KEY.accessKeyId,
    ]);
  });

  it('container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI), with and without an AWS config file', async () => {
    const container = { ...keyless, AWS_CONTAINER_CREDENTIALS_FULL_URI: emulator.containerCredentialsUrl };
    assert.deepEqual(await keysUsed(container), [CONTAINER_CREDENTIAL.accessKeyId]);
    assert.deepEqual(await keysUsed({ ...container, AWS_CONFIG_FILE: EMPTY_AWS_CONFIG }), [
      CONTAINER_CREDENTIAL.accessKeyId,
    ]);
    // Keys in the environment come first in the chain, before any endpoint is asked.
    assert.deepEqual(
      await keysUsed({
        ...awsEnv(emulator),
        AWS_CONTAINER_CREDENTIALS_FULL_URI: emulator.containerCredentialsUrl,
        AWS_CONFIG_FILE: EMPTY_AWS_CONFIG,
      }),
      ['test'],
    );
  });
});
