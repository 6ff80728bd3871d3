// withsecrets as users get it: packed by npm, installed globally or into a project, run from another directory.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { version } from '../../package.json';
import type { Emulator } from '../emulator/emulator.ts';
import { emulatorWith, type Finished, NODE, track } from './harness.ts';

const ROOT = resolve(__dirname, '../..');
/** npm's answers when it cannot reach the registry or its cache: the environment's fault, not the package's. */
const OFFLINE = /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENOTCACHED|ENETUNREACH/;
/** Prints the working directory and one variable, to show where the command ran and what it got. */
const SHOW = ['-e', 'console.log(process.cwd() + " " + process.env.NPM_TOKEN)'];

/**
 * The test runner's environment without what `npm test` adds (npm_* lifecycle variables, NODE_OPTIONS), which
 * would steer the npm commands below; the user's npm cache, registry and proxy settings are kept.
 */
function npmEnv(): Record<string, string> {
  const kept = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env = Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined &&
      (!entry[0].toLowerCase().startsWith('npm_') || kept.has(entry[0].toLowerCase())) &&
      !entry[0].startsWith('AWS_') &&
      !['NODE_OPTIONS', 'NODE_TEST_CONTEXT'].includes(entry[0]),
  );
  return {
    ...Object.fromEntries(env),
    PATH: `${dirname(NODE)}${delimiter}${process.env.PATH ?? ''}`,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

function run(
  command: readonly string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<Finished> {
  const [file = 'true', ...args] = command;
  return track(spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })).finished;
}

describe('the npm package', () => {
  let scratch: string;
  let tarball: string | undefined;
  /** Why the package could not be packed or installed here; the tests then skip with it. */
  let unavailable: string | undefined;
  let emulator: Emulator;
  /** A directory that is neither the repository nor the install location. */
  let elsewhere: string;

  before(async () => {
    // Real paths: the command prints its working directory as the kernel knows it (macOS links /tmp).
    scratch = realpathSync(mkdtempSync(join(tmpdir(), 'withsecrets-install-')));
    elsewhere = join(scratch, 'elsewhere');
    mkdirSync(elsewhere);
    emulator = await emulatorWith({ 'ci/npm': 'npm_FAKE_install_token' });
    const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], {
      cwd: ROOT,
      env: npmEnv(),
      encoding: 'utf8',
    });
    if (pack.error !== undefined || pack.status !== 0) {
      unavailable = `npm pack failed: ${pack.error?.message ?? pack.stderr.trim().split('\n').at(-1)}`;
      return;
    }
    const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(packed !== undefined);
    tarball = join(scratch, packed.filename);
    // The bin, the bundles, and what npm always ships; no sources, tests, examples or docs.
    const files = packed.files.map((file) => file.path);
    for (const needed of [
      'LICENSE',
      'README.md',
      'bin/withsecrets.js',
      'dist/withsecrets.cjs',
      'dist/aws-sdk.cjs',
      'dist/aws-ssm.cjs',
      'dist/proxy.cjs',
      'dist/THIRD-PARTY-LICENSES.txt',
      'dist/sbom.cdx.json',
      'package.json',
    ])
      assert.ok(files.includes(needed), `the package holds ${needed}: ${files.join(', ')}`);
    // Nor the single executables that `npm run build:exe` leaves in dist/: 100 MB each.
    assert.deepEqual(
      files.filter((file) => /^(src|test|examples|docs|node_modules)\/|^dist\/withsecrets-/.test(file)),
      [],
    );
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  });

  /** Runs an npm install; skips the test when npm cannot reach the registry or its cache, for environmental reasons. */
  async function install(t: TestContext, args: readonly string[], cwd: string): Promise<boolean> {
    if (unavailable !== undefined || tarball === undefined) {
      t.skip(unavailable);
      return false;
    }
    const result = await run(['npm', 'install', '--prefer-offline', ...args, tarball], {
      cwd,
      env: npmEnv(),
    });
    if (result.status !== 0 && OFFLINE.test(result.stderr)) {
      t.skip(
        `npm install cannot reach the registry or its cache: ${result.stderr.trim().split('\n').at(-1)}`,
      );
      return false;
    }
    assert.equal(result.status, 0, result.stderr);
    return true;
  }

  /** What a user's shell has: PATH (with node), HOME, and the AWS settings that point at the emulator. */
  function userEnv(): Record<string, string> {
    return {
      ...npmEnv(),
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: emulator.region,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.url,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  it('npm install -g: the withsecrets on PATH works from any directory, on both routes, with nothing installed beside it', async (t) => {
    const prefix = join(scratch, 'global');
    if (!(await install(t, ['--global', '--prefix', prefix], elsewhere))) return;
    assert.deepEqual(readdirSync(join(prefix, 'lib', 'node_modules')), ['withsecrets']);
    assert.ok(!existsSync(join(prefix, 'lib', 'node_modules', 'withsecrets', 'node_modules')));
    const bin = join(prefix, 'bin', 'withsecrets');
    const env = { ...userEnv(), PATH: `${join(prefix, 'bin')}${delimiter}${userEnv().PATH}` };

    const shown = await run(['withsecrets', '--version'], { cwd: elsewhere, env });
    assert.deepEqual([shown.status, shown.stdout, shown.stderr], [0, `${version}\n`, '']);

    const result = await run([bin, '--no-mask', '-s', 'NPM_TOKEN=ci/npm', '--', NODE, ...SHOW], {
      cwd: tmpdir(),
      env,
    });
    assert.deepEqual(
      [result.status, result.stdout, result.stderr],
      [0, `${realpathSync(tmpdir())} npm_FAKE_install_token\n`, ''],
    );

    // An AWS config file that exists sends the fetch down the SDK's path: dist/aws-sdk.cjs, loaded from the install.
    const config = join(scratch, 'aws-config');
    writeFileSync(config, '');
    const viaSdk = await run([bin, '--no-mask', '-s', 'NPM_TOKEN=ci/npm', '--', NODE, ...SHOW], {
      cwd: tmpdir(),
      env: { ...env, AWS_CONFIG_FILE: config },
    });
    assert.deepEqual(
      [viaSdk.status, viaSdk.stdout, viaSdk.stderr],
      [0, `${realpathSync(tmpdir())} npm_FAKE_install_token\n`, ''],
    );
  });

  it('npx in a project that depends on it, and npm exec --prefix from outside the project', async (t) => {
    const project = join(scratch, 'project');
    mkdirSync(join(project, 'sub'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{ "name": "uses-withsecrets", "private": true }\n');
    if (!(await install(t, [], project))) return;
    // dist/ bundles every package withsecrets runs: installing it installs it alone (the SBOM names what is inside).
    assert.deepEqual(
      readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.')),
      ['withsecrets'],
    );
    const args = ['withsecrets', '--no-mask', '-s', 'NPM_TOKEN=ci/npm', '--', NODE, ...SHOW];

    const viaNpx = await run(['npx', '--no-install', ...args], { cwd: join(project, 'sub'), env: userEnv() });
    assert.deepEqual(
      [viaNpx.status, viaNpx.stdout, viaNpx.stderr],
      [0, `${join(project, 'sub')} npm_FAKE_install_token\n`, ''],
    );

    const viaExec = await run(['npm', 'exec', '--prefix', project, '--', ...args], {
      cwd: elsewhere,
      env: userEnv(),
    });
    assert.deepEqual(
      [viaExec.status, viaExec.stdout, viaExec.stderr],
      [0, `${elsewhere} npm_FAKE_install_token\n`, ''],
    );
  });
});
