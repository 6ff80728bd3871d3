// Both ways to Secrets Manager, side by side: withsecrets' own signed requests and the SDK give the child the same environment.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import {
  awsEnv,
  EMPTY_AWS_CONFIG,
  emulatorWith,
  fixture,
  NODE,
  printedEnv,
  ROUTES,
  runBin,
  sendersOf,
} from './harness.ts';

const BINARY = new Uint8Array([0x66, 0x61, 0x6b, 0x65, 0x00, 0xff, 0x10]);

describe('routes to Secrets Manager', () => {
  let emulator: Emulator;
  let scratch: string;
  let otherRegionArn: string;
  before(async () => {
    emulator = await emulatorWith({
      'route/text': 'FAKE-route-text-Hq2',
      'route/json': { user: 'app', password: 'FAKE-route-pw-Zt7' },
      'route/many/a': 'FAKE-route-many-a-Lp4',
      'route/many/b': 'FAKE-route-many-b-Wd8',
    });
    emulator.createSecret('route/binary', BINARY);
    // Two wildcards with two ListSecrets pages each, and ten with one match each.
    for (let index = 0; index < 130; index++) {
      emulator.createSecret(`route/big-a/${index}`, `FAKE-route-big-a-${index}-Qx`);
      emulator.createSecret(`route/big-b/${index}`, `FAKE-route-big-b-${index}-Qx`);
    }
    for (let index = 0; index < 12; index++)
      emulator.createSecret(`route/solo-${index}/x`, `FAKE-solo-${index}-Mv`);
    otherRegionArn = emulator.createSecret('route/far', 'FAKE-route-far-Vn5', { region: 'eu-west-1' }).arn;
    emulator.addCredentials({
      accessKeyId: 'session-key',
      secretAccessKey: 'session-secret',
      sessionToken: 'tok-1',
    });
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-routes-'));
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  });

  /** Who sent each request this run made: `direct` for withsecrets' own, `SDK` for the AWS SDK's. */
  async function senders(args: readonly string[], env: Record<string, string>): Promise<string[]> {
    emulator.clearCalls();
    const result = await runBin([...args, '--', 'true'], env);
    assert.equal(result.status, 0, result.stderr);
    return sendersOf(emulator);
  }

  it('signs its own requests with keys in the environment and no AWS files, else leaves them to the SDK', async () => {
    const one = ['-s', 'route/text'];
    assert.deepEqual(await senders(one, awsEnv(emulator)), ['direct']);
    assert.deepEqual(await senders(one, awsEnv(emulator, { AWS_CONFIG_FILE: EMPTY_AWS_CONFIG })), ['SDK']);
    assert.deepEqual(
      await senders(one, awsEnv(emulator, { AWS_USE_FIPS_ENDPOINT: 'false', AWS_PROFILE: '' })),
      ['SDK'],
    );

    const credentials = join(scratch, 'credentials');
    writeFileSync(credentials, '[ci]\naws_access_key_id = test\naws_secret_access_key = test\n');
    const { AWS_ACCESS_KEY_ID: _, AWS_SECRET_ACCESS_KEY: __, ...keyless } = awsEnv(emulator);
    const withProfile = { ...keyless, AWS_SHARED_CREDENTIALS_FILE: credentials };
    assert.deepEqual(await senders([...one, '--profile', 'ci'], withProfile), ['SDK']);
    assert.deepEqual(await senders(one, { ...withProfile, AWS_PROFILE: 'ci' }), ['SDK']);
  });

  it('takes session credentials from the environment on the direct route', async () => {
    const env = awsEnv(emulator, {
      AWS_ACCESS_KEY_ID: 'session-key',
      AWS_SECRET_ACCESS_KEY: 'session-secret',
      AWS_SESSION_TOKEN: 'tok-1',
    });
    assert.deepEqual(await senders(['-s', 'route/text'], env), ['direct']);
  });

  /** Each case as a function of the ARN of a secret in another region (known only once the emulator runs). */
  const cases: readonly (readonly [string, (farArn: string) => string[]])[] = [
    [
      'a string, a JSON and a binary secret',
      () => ['-s', 'route/text', '-s', 'route/json', '-s', 'route/binary'],
    ],
    [
      'a wildcard, a JSON key and an ARN of another region',
      (farArn) => ['-s', 'route/many/*', '-s', 'PW=route/json#password', '-s', `FAR=${farArn}`],
    ],
    ['a version stage', () => ['--version-stage', 'AWSCURRENT', '-s', 'route/text', '-s', 'route/json']],
  ];
  for (const [name, argsFor] of cases) {
    it(`gives the child the same environment either way: ${name}`, async () => {
      const resolved = argsFor(otherRegionArn);
      const digests: Record<string, string | null>[] = [];
      for (const route of ROUTES) {
        emulator.clearCalls();
        const result = await runBin(
          [...resolved, '--', NODE, fixture('hygiene-env-digest.js')],
          awsEnv(emulator, route.env),
        );
        assert.equal(result.status, 0, `${route.name}: ${result.stderr}`);
        assert.deepEqual(sendersOf(emulator), [route.name]);
        digests.push(printedEnv(result.stdout));
      }
      const [direct, sdk] = digests;
      assert.ok(direct !== undefined && sdk !== undefined);
      // The two runs differ only in the config file they were given.
      delete direct.AWS_CONFIG_FILE;
      delete sdk.AWS_CONFIG_FILE;
      assert.deepEqual(direct, sdk);
      assert.ok(Object.keys(direct).length > Object.keys(awsEnv(emulator)).length, 'secrets were injected');
    });
  }
  for (const route of ROUTES) {
    it(`${route.name}: wildcards of several pages print nothing of Node's and inject every match`, async () => {
      for (const args of [
        ['-s', 'route/big-a/*', '-s', 'route/big-b/*'],
        ['--version-stage', 'AWSCURRENT', '-s', 'route/big-a/*', '-s', 'route/big-b/*'],
      ]) {
        emulator.clearCalls();
        const result = await runBin(
          [...args, '--', NODE, fixture('print-env.js')],
          awsEnv(emulator, route.env),
        );
        assert.deepEqual([result.status, result.stderr], [0, ''], args.join(' '));
        const injected = Object.keys(printedEnv(result.stdout)).filter((name) =>
          name.startsWith('ROUTE_BIG_'),
        );
        assert.equal(injected.length, 260, args.join(' '));
        assert.equal(emulator.count({ operation: 'ListSecrets' }), 4);
      }
    });

    // 12 matches are more than calls in flight, so they take a batch (src/aws/secret-values.ts).
    it(`${route.name}: the matches of one-page wildcards share BatchGetSecretValue calls`, async () => {
      emulator.clearCalls();
      const args = Array.from({ length: 12 }, (_, index) => ['-s', `route/solo-${index}/*`]).flat();
      const result = await runBin([...args, '--', 'true'], awsEnv(emulator, route.env));
      assert.deepEqual([result.status, result.stderr], [0, '']);
      assert.deepEqual(
        [emulator.count({ operation: 'ListSecrets' }), emulator.count({ operation: 'BatchGetSecretValue' })],
        [12, 1],
      );
    });
  }
});
