// The single executable's examples stay true: release.yml's publish line runs, the Dockerfiles copy what build:exe makes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { version } from '../../package.json';
import { TARGETS } from '../../src/build/node-binaries.ts';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, emulatorWith, NODE, track } from './harness.ts';
import { singleExecutable } from './single-executable.ts';

const EXAMPLES = resolve(__dirname, '../../examples');
const NPM_TOKEN = 'npm_FAKE_release_token_0001';
const APP_DOCKERFILES = ['Dockerfile.python-slim', 'Dockerfile.distroless', 'Dockerfile.debian'];
/** A stand-in for npm that prints its arguments and the token it was given as one JSON line. */
const FAKE_NPM = `#!${NODE}\nprocess.stdout.write(JSON.stringify({ args: process.argv.slice(2), token: process.env.NODE_AUTH_TOKEN }));\n`;

function readExample(name: string): string {
  return readFileSync(join(EXAMPLES, name), 'utf8');
}

/** The value of `ENTRYPOINT ["a", "b"]` (the exec form, the only one that passes signals on). */
function entrypointOf(dockerfile: string): string[] {
  const line = dockerfile.split('\n').find((candidate) => candidate.startsWith('ENTRYPOINT ['));
  assert.ok(line !== undefined, 'an exec-form ENTRYPOINT');
  return JSON.parse(line.slice('ENTRYPOINT'.length)) as string[];
}

describe('the single executable examples', () => {
  it('each app Dockerfile copies /withsecrets from the image of this version to the path its ENTRYPOINT runs', () => {
    for (const name of APP_DOCKERFILES) {
      const text = readExample(name);
      const copy = new RegExp(
        `^COPY --from=withsecrets:${version.replaceAll('.', '\\.')} /withsecrets (\\S+)$`,
        'm',
      );
      const target = copy.exec(text)?.[1];
      assert.ok(target !== undefined, `${name} copies the executable from withsecrets:${version}`);
      const entrypoint = entrypointOf(text);
      const at = entrypoint.indexOf(target);
      assert.ok(at !== -1, `${name}: ENTRYPOINT ${JSON.stringify(entrypoint)} runs ${target}`);
      assert.equal(entrypoint[at + 1], '--', `${name}: the command follows withsecrets' --`);
      assert.ok(!/\bnpm\b|\bnode\b/.test(text.replace(/^#.*$/gm, '')), `${name} installs no Node`);
    }
  });

  it('Dockerfile.executable is FROM scratch and copies each file npm run build:exe writes', () => {
    const text = readExample('Dockerfile.executable');
    const copied = [...text.matchAll(/^COPY dist\/(\S+) \/withsecrets$/gm)].map((match) => match[1]);
    assert.deepEqual(
      copied,
      TARGETS.map((target) => `withsecrets-${target}`),
    );
    assert.deepEqual(
      [...text.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile's own substitution, not a template
      ['scratch', 'scratch', '${TARGETARCH}'],
    );
  });

  describe('release.yml', () => {
    const exe = singleExecutable();
    let emulator: Emulator;
    let scratch: string;
    before(async () => {
      emulator = await emulatorWith({ 'ci/npm': { token: NPM_TOKEN } });
      scratch = mkdtempSync(join(tmpdir(), 'withsecrets-release-'));
    });
    after(async () => {
      rmSync(scratch, { recursive: true, force: true });
      await emulator.close();
    });

    it('publishes with the executable it released giving npm publish --provenance the token', {
      skip: 'unavailable' in exe ? exe.unavailable : false,
    }, async () => {
      assert.ok('path' in exe);
      const publish = readExample('release.yml')
        .split('\n')
        .map((line) => line.trim().replace(/^- run: /, ''))
        .filter((line) => line.includes('withsecrets-linux-x64 --secret'));
      assert.deepEqual(publish, [
        'release/withsecrets-linux-x64 --secret NODE_AUTH_TOKEN=ci/npm#token -- npm publish --provenance',
      ]);
      mkdirSync(join(scratch, 'release'));
      symlinkSync(exe.path, join(scratch, 'release', 'withsecrets-linux-x64'));
      mkdirSync(join(scratch, 'bin'));
      writeFileSync(join(scratch, 'bin', 'npm'), FAKE_NPM);
      chmodSync(join(scratch, 'bin', 'npm'), 0o755);
      const env = awsEnv(emulator, {
        PATH: `${join(scratch, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      });
      const result = await track(
        spawn('sh', ['-c', publish[0] ?? ''], {
          cwd: scratch,
          env: { ...env, WITHSECRETS_MASK: 'false' },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      ).finished;
      assert.deepEqual([result.status, result.stderr], [0, '']);
      assert.deepEqual(JSON.parse(result.stdout), { args: ['publish', '--provenance'], token: NPM_TOKEN });
    });
  });
});
