// The files in examples/ are run, not just read: their withsecrets lines against the emulator, the
// Dockerfile's ENTRYPOINT as PID 1 of a new pid namespace, the IAM policy as the only permissions, the demo.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SSM_OPERATIONS } from '../emulator/access.ts';
import { type Emulator, type Operation, type SecretRef, startEmulator } from '../emulator/emulator.ts';
import { seedFromEntries } from '../emulator/seed.ts';
import { awsEnv, BIN, type Finished, NODE, type Started, track } from './harness.ts';
import { childrenOf, processState, waitUntil } from './process-helpers.ts';

const ROOT = resolve(__dirname, '../..');
const EXAMPLES = join(ROOT, 'examples');
const { $parameters: SEED_PARAMETERS, ...SEED } = JSON.parse(
  readFileSync(join(EXAMPLES, 'seed.json'), 'utf8'),
) as Record<string, string | Record<string, unknown>>;
/** The key examples/iam-policy.json lets the task role decrypt with: the example's SecureStrings are encrypted with it. */
const POLICY_KEY_ID = 'key/11111111-2222-3333-4444-555555555555';

/** Operations the emulator authorises per call rather than per secret. */
const CALL_LEVEL_OPERATIONS: readonly Operation[] = [
  'BatchGetSecretValue',
  'ListSecrets',
  'DescribeSecret',
  'CreateSecret',
  'PutSecretValue',
  'DeleteSecret',
];

const UNSHARE = ['unshare', '--pid', '--fork', '--mount-proc'];

/** A stand-in for npm that prints its arguments and environment as one JSON line. */
const FAKE_NPM = `process.stdout.write(JSON.stringify({ npm: process.argv.slice(2), env: process.env }) + '\\n');\n`;

interface NpmRun {
  readonly npm: string[];
  readonly env: Record<string, string>;
}

function readExample(name: string): string {
  return readFileSync(join(EXAMPLES, name), 'utf8');
}

/** The command lines of a CI file or script that run withsecrets, as a shell would receive them. */
function withsecretsLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .map((line) =>
      line
        .trim()
        .replace(/^- /, '')
        .replace(/^run: /, ''),
    )
    .filter((line) => line.startsWith('withsecrets '));
}

function npmRuns(stdout: string): NpmRun[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{"npm"'))
    .map((line) => JSON.parse(line) as NpmRun);
}

/** The value of `KEY ["a", "b"]` in a Dockerfile (the exec form). */
function dockerfileArray(text: string, instruction: 'ENTRYPOINT' | 'CMD'): string[] {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${instruction} [`));
  assert.ok(line !== undefined, `the Dockerfile has an exec-form ${instruction}`);
  return JSON.parse(line.slice(instruction.length)) as string[];
}

describe('examples/', () => {
  let emulator: Emulator;
  let secrets: Map<string, SecretRef>;
  /** examples/seed.json's parameters, by name: their ARNs, and whether they are SecureStrings. */
  let parameters: Map<string, { arn: string; secure: boolean }>;
  let scratch: string;
  /** PATH with withsecrets (the built bin) and the fake npm first. */
  let path: string;

  before(async () => {
    emulator = await startEmulator();
    // Created one by one (not seeded) so the tests know each ARN and its random suffix.
    secrets = new Map(
      Object.entries(SEED).map(([name, value]) => [name, emulator.createSecret(name, value)]),
    );
    parameters = new Map(
      seedFromEntries({ $parameters: SEED_PARAMETERS ?? {} }).map(({ name, parameter }) => {
        const type = parameter?.type ?? 'SecureString';
        const { arn } = emulator.putParameter(name, parameter?.value ?? '', { type, keyId: POLICY_KEY_ID });
        return [name, { arn, secure: type === 'SecureString' }];
      }),
    );
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-examples-'));
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    writeFileSync(join(scratch, 'fake-npm.js'), FAKE_NPM);
    const shim = (name: string, script: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\nexec "${NODE}" "${script}" "$@"\n`);
      chmodSync(join(bin, name), 0o755);
    };
    shim('withsecrets', BIN);
    shim('npm', join(scratch, 'fake-npm.js'));
    path = `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`;
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  });

  /** A CI job's environment: the emulator's endpoint and fake credentials, nothing from the test runner. */
  function jobEnv(extra: Record<string, string> = {}): Record<string, string> {
    return awsEnv(emulator, { PATH: path, ...extra });
  }

  function run(command: readonly string[], env: Record<string, string>): Promise<Finished> {
    const [file = 'true', ...args] = command;
    return track(spawn(file, args, { env, cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] })).finished;
  }

  it('.gitlab-ci.yml: each job gives its command only the secrets it names', async () => {
    const lines = withsecretsLines(readExample('.gitlab-ci.yml'));
    assert.deepEqual(lines, [
      'withsecrets -s ci/db -- npm run test:integration',
      'withsecrets -s NPM_TOKEN=ci/npm#token -- npm publish',
    ]);
    const [integration, publish] = await Promise.all(
      lines.map((line) => run(['sh', '-c', line], jobEnv({ WITHSECRETS_MASK: 'false' }))),
    );
    assert.equal(integration?.status, 0, integration?.stderr);
    const [tests] = npmRuns(integration?.stdout ?? '');
    assert.deepEqual(tests?.npm, ['run', 'test:integration']);
    assert.deepEqual(
      [tests?.env.PGHOST, tests?.env.PGPORT, tests?.env.PGUSER, tests?.env.PGPASSWORD, tests?.env.NPM_TOKEN],
      ['ci-db.example.internal', '5432', 'ci', 'pw-FAKE-ci-db', undefined],
    );
    assert.equal(publish?.status, 0, publish?.stderr);
    const [published] = npmRuns(publish?.stdout ?? '');
    assert.deepEqual(published?.npm, ['publish']);
    assert.equal(published?.env.NPM_TOKEN, 'npm_FAKE_ci_token_0000');
    assert.equal(published?.env.PGPASSWORD, undefined);
  });

  it('.gitlab-ci.yml: what the job prints about its token is masked in the job log', async () => {
    const publish = withsecretsLines(readExample('.gitlab-ci.yml'))[1] ?? '';
    const result = await run(['sh', '-c', publish], jobEnv());
    assert.equal(result.status, 0, result.stderr);
    assert.equal(npmRuns(result.stdout)[0]?.env.NPM_TOKEN, '***');
    assert.equal(result.stdout.includes('npm_FAKE_ci_token_0000'), false);
  });

  it('github-release.yml: npm publish gets the token as NODE_AUTH_TOKEN', async () => {
    const lines = withsecretsLines(readExample('github-release.yml'));
    assert.deepEqual(lines, ['withsecrets -s NODE_AUTH_TOKEN=ci/npm#token -- npm publish']);
    const result = await run(['sh', '-c', lines[0] ?? ''], jobEnv({ WITHSECRETS_MASK: 'false' }));
    assert.equal(result.status, 0, result.stderr);
    const [published] = npmRuns(result.stdout);
    assert.deepEqual(published?.npm, ['publish']);
    assert.equal(published?.env.NODE_AUTH_TOKEN, 'npm_FAKE_ci_token_0000');
  });

  it('deploy.sh: migrates with prod/db, lists the release variables, releases with prod/app/*', async () => {
    const result = await run(['sh', join(EXAMPLES, 'deploy.sh')], jobEnv({ WITHSECRETS_MASK: 'false' }));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    const [migrate, release] = npmRuns(result.stdout);
    assert.deepEqual(migrate?.npm, ['run', 'migrate']);
    assert.deepEqual(
      [migrate?.env.DB_HOST, migrate?.env.DB_PORT, migrate?.env.DB_USERNAME, migrate?.env.DB_PASSWORD],
      ['prod-db.example.internal', '5432', 'app', 'pw-FAKE-prod-db'],
    );
    assert.equal(migrate?.env.SMTP_PASSWORD, undefined);
    const listing = result.stdout.split('\n').filter((line) => line.includes(' <- '));
    assert.deepEqual(listing, [
      'PROD_APP_SESSION_KEY <- prod/app/* (prod/app/session-key)',
      'SMTP_USER <- prod/app/* (prod/app/smtp)#SMTP_USER',
      'SMTP_PASSWORD <- prod/app/* (prod/app/smtp)#SMTP_PASSWORD',
    ]);
    assert.deepEqual(release?.npm, ['run', 'release']);
    assert.deepEqual(
      [release?.env.PROD_APP_SESSION_KEY, release?.env.SMTP_USER, release?.env.SMTP_PASSWORD],
      ['sess-FAKE-prod-0000', 'mailer', 'pw-FAKE-smtp'],
    );
    assert.equal(release?.env.DB_PASSWORD, undefined);
  });

  describe('ecs-task-definition.json with iam-policy.json as the task role', () => {
    const TASK_ROLE = { accessKeyId: 'app-task', secretAccessKey: 'app-task-secret' };
    const policy = JSON.parse(readExample('iam-policy.json')) as Policy;

    before(() => {
      emulator.addCredentials(TASK_ROLE);
      // The emulator knows deny rules, not policies: deny the task role whatever the policy does not allow.
      for (const operation of CALL_LEVEL_OPERATIONS) {
        if (!isAllowed(policy, `secretsmanager:${operation}`, '*'))
          emulator.deny({ accessKeyId: TASK_ROLE.accessKeyId, operation });
      }
      for (const secret of secrets.values()) {
        if (!isAllowed(policy, 'secretsmanager:GetSecretValue', secret.arn))
          emulator.deny({
            accessKeyId: TASK_ROLE.accessKeyId,
            operation: 'GetSecretValue',
            secretId: secret.arn,
          });
      }
      // Parameter Store: GetParameters on each parameter's ARN, GetParametersByPath on each path's (every level
      // above a parameter), kms:Decrypt on the key a SecureString is encrypted with (kms:ViaService aside).
      const keyArn = `arn:aws:kms:${emulator.region}:123456789012:${POLICY_KEY_ID}`;
      for (const [name, { arn, secure }] of parameters) {
        if (!isAllowed(policy, 'ssm:GetParameters', arn))
          emulator.deny({ accessKeyId: TASK_ROLE.accessKeyId, operation: 'GetParameters', parameter: arn });
        if (secure && !isAllowed(policy, 'kms:Decrypt', keyArn, `ssm.${emulator.region}.amazonaws.com`))
          emulator.denyParameterDecrypt(name);
        const levels = name.split('/').slice(1, -1);
        for (let depth = 1; depth <= levels.length; depth++) {
          const path = `/${levels.slice(0, depth).join('/')}`;
          if (!isAllowed(policy, 'ssm:GetParametersByPath', arn.replace(name, path)))
            emulator.deny({
              accessKeyId: TASK_ROLE.accessKeyId,
              operation: 'GetParametersByPath',
              parameter: path,
            });
        }
      }
    });

    function taskEnv(): Record<string, string> {
      const definition = JSON.parse(readExample('ecs-task-definition.json')) as TaskDefinition;
      const [container] = definition.containerDefinitions;
      assert.ok(container !== undefined);
      const fromTask = Object.fromEntries(container.environment.map(({ name, value }) => [name, value]));
      return {
        ...jobEnv({
          AWS_ACCESS_KEY_ID: TASK_ROLE.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TASK_ROLE.secretAccessKey,
        }),
        ...fromTask,
        WITHSECRETS_MASK: 'false',
      };
    }

    it('starts the image ENTRYPOINT with every reference resolved and the bare ARN left alone', async () => {
      emulator.clearCalls();
      const entrypoint = dockerfileArray(readExample('Dockerfile'), 'ENTRYPOINT');
      const withsecrets = entrypoint.slice(entrypoint.indexOf('withsecrets'));
      const result = await run([...withsecrets, 'npm', 'start'], taskEnv());
      assert.equal(result.status, 0, result.stderr);
      const [server] = npmRuns(result.stdout);
      assert.deepEqual(
        {
          DB_HOST: server?.env.DB_HOST,
          DB_PASSWORD: server?.env.DB_PASSWORD,
          DB_SECRET_ARN: server?.env.DB_SECRET_ARN,
          API_TOKEN: server?.env.API_TOKEN,
          PROD_APP_SESSION_KEY: server?.env.PROD_APP_SESSION_KEY,
          SMTP_PASSWORD: server?.env.SMTP_PASSWORD,
        },
        {
          DB_HOST: 'prod-db.example.internal',
          DB_PASSWORD: 'pw-FAKE-prod-db',
          DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf',
          API_TOKEN: 'tok-FAKE-api-0000',
          PROD_APP_SESSION_KEY: 'sess-FAKE-prod-0000',
          SMTP_PASSWORD: 'pw-FAKE-smtp',
        },
      );
      // Least privilege: every call withsecrets made is one the policy allows, and it allows no other.
      const made = new Set(
        emulator.calls.map(
          (call) =>
            `${SSM_OPERATIONS.includes(call.operation as Operation) ? 'ssm' : 'secretsmanager'}:${call.operation}`,
        ),
      );
      // A few names are fetched one GetSecretValue each (src/aws/secret-values.ts); the policy also allows the
      // BatchGetSecretValue that more names would take, and GetParametersByPath for a --param '/prod/app/*'.
      assert.deepEqual([...made].sort(), [
        'secretsmanager:GetSecretValue',
        'secretsmanager:ListSecrets',
        'ssm:GetParameters',
      ]);
      assert.deepEqual(allowedActions(policy), [
        'kms:Decrypt',
        'secretsmanager:BatchGetSecretValue',
        'secretsmanager:GetSecretValue',
        'secretsmanager:ListSecrets',
        'ssm:GetParameters',
        'ssm:GetParametersByPath',
      ]);
    });

    it('is denied a secret the policy does not name, and the command never runs', async () => {
      const result = await run(['withsecrets', '-s', 'ci/npm', '--', 'npm', 'start'], taskEnv());
      assert.equal(result.status, 125);
      assert.deepEqual(npmRuns(result.stdout), []);
      assert.match(
        result.stderr,
        /^withsecrets: \[ACCESS_DENIED\] access denied to secret "ci\/npm" in us-east-1/,
      );
    });

    it('is denied a parameter and a path the policy does not name, and the command never runs', async () => {
      const result = await run(
        ['withsecrets', '--param', '/ci/deploy-token', '--param', 'CI=/ci/*', '--', 'npm', 'start'],
        taskEnv(),
      );
      assert.equal(result.status, 125);
      assert.deepEqual(npmRuns(result.stdout), []);
      assert.match(
        result.stderr,
        /^withsecrets: \[ACCESS_DENIED\] access denied to parameter "\/ci\/deploy-token" in us-east-1/m,
      );
      assert.match(result.stderr, /^withsecrets: \[ACCESS_DENIED\] .*"\/ci\/\*"/m);
      assert.doesNotMatch(result.stderr, /tok-FAKE/);
      const allowed = await run(['withsecrets', '--param', 'P=/prod/app/*', '--', 'npm', 'start'], taskEnv());
      assert.equal(allowed.status, 0, allowed.stderr);
      assert.equal(npmRuns(allowed.stdout)[0]?.env.P_API_TOKEN, 'tok-FAKE-api-0000');
    });
  });

  describe('Dockerfile ENTRYPOINT', () => {
    const dockerfile = readExample('Dockerfile');
    const entrypoint = dockerfileArray(dockerfile, 'ENTRYPOINT');
    /** The form the Dockerfile's comment gives for images without tini (with docker run --init). */
    const bare = ['withsecrets', '--'];

    it('is tini, then withsecrets; the bare form is documented beside it', () => {
      assert.deepEqual(entrypoint, ['tini', '--', 'withsecrets', '--']);
      assert.deepEqual(dockerfileArray(dockerfile, 'CMD'), ['node', 'server.js']);
      assert.ok(dockerfile.includes('ENTRYPOINT ["withsecrets", "--"]'));
    });

    it('runs the command as is with no secret and no reference, without any AWS configuration', async () => {
      const isolated = {
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      const result = await run([...bare, 'npm', 'start'], { PATH: path, PLAIN: 'kept', ...isolated });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, '');
      // The shims are shell scripts, and a shell exports PWD: everything else is the environment as given.
      const env = Object.entries(npmRuns(result.stdout)[0]?.env ?? {}).filter(([name]) => name !== 'PWD');
      assert.deepEqual(Object.fromEntries(env), { PATH: path, PLAIN: 'kept', ...isolated });
    });

    describe('as PID 1 of a new pid namespace', { skip: whyNoPidNamespace() ?? false }, () => {
      /** The container's process: reports what it got, exits 3 on SIGTERM, can leave an orphan behind. */
      const APP = [
        "const { spawn } = require('node:child_process');",
        "process.on('SIGTERM', () => { console.log('GOT SIGTERM'); process.exit(3); });",
        "process.on('SIGUSR2', () => console.log('GOT SIGUSR2'));",
        "console.log('PPID ' + process.ppid + ' DB_PASSWORD=' + process.env.DB_PASSWORD);",
        "if (process.argv.includes('orphan')) {",
        // sh exits at once; its background sleep is orphaned and re-parented to PID 1, where it dies.
        "  const sh = spawn('sh', ['-c', 'sleep 0.5 & echo $!'], { stdio: ['ignore', 'pipe', 'inherit'] });",
        "  let pid = ''; sh.stdout.on('data', (text) => { pid += text; });",
        "  sh.on('exit', () => console.log('ORPHAN ' + pid.trim() + '\\nREADY'));",
        "} else console.log('READY');",
        'setInterval(() => {}, 1000);',
      ].join('\n');

      function startContainer(form: readonly string[], orphan: boolean): Container {
        const env = {
          ...jobEnv({ WITHSECRETS_MASK: 'false' }),
          DB_PASSWORD: 'secretsmanager://prod/db#password',
        };
        const command = [...UNSHARE, ...form, NODE, '-e', APP, ...(orphan ? ['orphan'] : [])];
        const [file = 'unshare', ...args] = command;
        const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        return { ...track(child), child };
      }

      it('tini -> withsecrets: references resolved, orphans reaped, TERM ends it with the command status', async () => {
        const container = startContainer(entrypoint, true);
        try {
          await container.waitForLine(/^READY$/);
          assert.match(container.stdout(), /^PPID \d+ DB_PASSWORD=pw-FAKE-prod-db$/m);
          const init = await pid1Of(container.child);
          const orphan = await orphanOf(container, init);
          // tini is PID 1: the orphan is re-parented to it, and reaped once it dies.
          await waitUntil(() => processState(orphan) === undefined, 'tini to reap the orphan');
          process.kill(init, 'SIGTERM');
          const result = await container.finished;
          assert.deepEqual([result.status, result.signal, result.stderr], [3, null, '']);
          assert.match(result.stdout, /^GOT SIGTERM$/m);
        } finally {
          killGroup(container.child);
        }
      });

      it('withsecrets alone: PID 1 with the parent pid 1 seen by the command, TERM ends it with its status', async () => {
        const container = startContainer(bare, false);
        try {
          await container.waitForLine(/^READY$/);
          assert.match(container.stdout(), /^PPID 1 DB_PASSWORD=pw-FAKE-prod-db$/m);
          process.kill(await pid1Of(container.child), 'SIGTERM');
          const result = await container.finished;
          assert.deepEqual([result.status, result.signal, result.stderr], [3, null, '']);
        } finally {
          killGroup(container.child);
        }
      });

      it('withsecrets alone does not reap orphans, as docs/containers.md says (hence tini or --init)', async () => {
        const container = startContainer(bare, true);
        try {
          await container.waitForLine(/^READY$/);
          const init = await pid1Of(container.child);
          const orphan = await orphanOf(container, init);
          await waitUntil(() => processState(orphan) === 'Z', 'the orphan to die');
          // A round trip through withsecrets' event loop after the orphan's SIGCHLD: still not reaped.
          process.kill(init, 'SIGUSR2');
          await container.waitForLine(/^GOT SIGUSR2$/);
          assert.equal(processState(orphan), 'Z');
          process.kill(init, 'SIGTERM');
          const result = await container.finished;
          assert.equal(result.status, 3, result.stderr);
        } finally {
          killGroup(container.child);
        }
      });
    });
  });

  it('npm run demo: runs its commands against the emulator and exits 0', async () => {
    const demo = track(
      spawn(NODE, ['--import', 'tsx', 'examples/demo.ts'], {
        cwd: ROOT,
        // Nothing of the runner's AWS configuration: the demo must talk to its emulator only.
        env: Object.fromEntries(
          Object.entries(process.env).filter(
            ([name]) => !name.startsWith('AWS_') && name !== 'NODE_TEST_CONTEXT',
          ),
        ),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const result = await demo.finished;
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.equal(result.stderr, '');
    for (const line of [
      '  DB_PASSWORD=pw-FAKE-prod-db',
      '  NPM_TOKEN=npm_FAKE_ci_token_0000',
      '  SMTP_PASSWORD <- prod/app/* (prod/app/smtp)#SMTP_PASSWORD',
      '  *** *** {"t":"***"}',
      '(exit status 125)',
    ]) {
      assert.ok(result.stdout.split('\n').includes(line), `the demo shows ${JSON.stringify(line)}`);
    }
    assert.match(result.stdout, /^ {2}withsecrets: \[SECRET_NOT_FOUND\] secret "prod\/dbx" not found/m);
  });
});

interface Container extends Started {
  readonly child: ChildProcess;
}

interface TaskDefinition {
  readonly containerDefinitions: readonly {
    readonly environment: readonly { readonly name: string; readonly value: string }[];
  }[];
}

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: { readonly StringEquals?: { readonly 'kms:ViaService'?: string } };
}

interface Policy {
  readonly Statement: readonly Statement[];
}

const asList = (value: string | readonly string[]): readonly string[] =>
  typeof value === 'string' ? [value] : value;

/** IAM's wildcard match: `*` any run of characters, `?` exactly one. */
function matchesPattern(pattern: string, text: string, ignoreCase: boolean): boolean {
  const body = pattern
    .split('')
    .map((character) =>
      character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[\\^$.|+()[\]{}]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`, ignoreCase ? 'i' : '').test(text);
}

/**
 * Whether an Allow statement grants `action` on `resource` (the example has no Deny). Of conditions, only
 * kms:ViaService is known: a statement that sets it grants only a call made through that service.
 */
function isAllowed(policy: Policy, action: string, resource: string, viaService?: string): boolean {
  return policy.Statement.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      [undefined, viaService].includes(statement.Condition?.StringEquals?.['kms:ViaService']) &&
      asList(statement.Action).some((pattern) => matchesPattern(pattern, action, true)) &&
      asList(statement.Resource).some((pattern) => matchesPattern(pattern, resource, false)),
  );
}

function allowedActions(policy: Policy): string[] {
  return [...new Set(policy.Statement.flatMap((statement) => asList(statement.Action)))].sort();
}

function whyNoPidNamespace(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create a pid namespace (unshare --pid)';
  const probe = spawnSync(UNSHARE[0] ?? 'unshare', [...UNSHARE.slice(1), 'true']);
  if (probe.error !== undefined) return `unshare is not available: ${probe.error.message}`;
  if (probe.status !== 0) return `unshare cannot create a pid namespace: ${probe.stderr.toString().trim()}`;
  if (spawnSync('tini', ['--version']).error !== undefined) return 'tini is not installed';
  return undefined;
}

/** The container's PID 1 as seen from outside: unshare's one child. */
async function pid1Of(unshare: ChildProcess): Promise<number> {
  const pid = unshare.pid ?? 0;
  await waitUntil(() => childrenOf(pid).length === 1, 'unshare to start the container process');
  return childrenOf(pid)[0] ?? 0;
}

/** The host pid of the orphan the app reported (`ORPHAN <pid in the namespace>`), now a child of PID 1. */
async function orphanOf(container: Started, init: number): Promise<number> {
  const line = await container.waitForLine(/^ORPHAN \d+$/);
  const inside = line.slice('ORPHAN '.length);
  let found: number | undefined;
  await waitUntil(() => {
    found = childrenOf(init).find((pid) => nsPid(pid) === inside);
    return found !== undefined;
  }, 'the orphan to be re-parented to PID 1');
  return found ?? 0;
}

/** A process's pid inside its innermost pid namespace, from /proc/PID/status (Linux). */
function nsPid(pid: number): string | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'latin1')
      .split('\n')
      .find((candidate) => candidate.startsWith('NSpid:'));
    return line?.trim().split(/\s+/).at(-1);
  } catch {
    return undefined;
  }
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
