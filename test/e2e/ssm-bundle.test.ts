// The direct route reads Parameter Store without the SSM client's bundle: a --param run works from an install without it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, BIN, emulatorWith, fixture, NODE, printedEnv, ROUTES, track } from './harness.ts';

describe('dist/aws-ssm.cjs, the SSM client, is loaded only on the SDK route', () => {
  let emulator: Emulator;
  let scratch: string;
  let bin: string;
  before(async () => {
    emulator = await emulatorWith({ 'ci/token': 'FAKE-sm-token-Rb3' });
    emulator.putParameter('/ci/param', 'FAKE-ssm-param-Kd9');
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-ssm-bundle-'));
    const install = join(scratch, 'install');
    cpSync(join(BIN, '..', '..', 'bin'), join(install, 'bin'), { recursive: true });
    cpSync(join(BIN, '..', '..', 'dist'), join(install, 'dist'), { recursive: true });
    for (const name of ['aws-ssm.cjs', 'aws-ssm.cache']) rmSync(join(install, 'dist', name), { force: true });
    bin = join(install, 'bin', 'withsecrets.js');
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  });

  const run = (route: (typeof ROUTES)[number], from = bin) =>
    track(
      spawn(
        NODE,
        [
          from,
          '--no-mask',
          '-s',
          'ci/token',
          '--param',
          '/ci/param',
          '--',
          NODE,
          fixture('print-env.js'),
          'CI_TOKEN',
          'PARAM',
        ],
        { env: awsEnv(emulator, route.env), stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    ).finished;

  it('reads parameters and secrets on the direct route from an install without dist/aws-ssm.cjs', async () => {
    const direct = await run(ROUTES[0]);
    assert.equal(direct.stderr, '');
    assert.equal(direct.status, 0);
    assert.deepEqual(printedEnv(direct.stdout), {
      CI_TOKEN: 'FAKE-sm-token-Rb3',
      PARAM: 'FAKE-ssm-param-Kd9',
    });
  });

  it('the control: the SDK route needs dist/aws-ssm.cjs, and fails without it, running nothing', async () => {
    const viaSdk = await run(ROUTES[1]);
    assert.equal(viaSdk.status, 125);
    assert.equal(viaSdk.stdout, '');
    const whole = await run(ROUTES[1], BIN);
    assert.equal(whole.status, 0, `the same run from the whole install: ${whole.stderr}`);
  });
});
