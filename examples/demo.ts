// `npm run demo`: try withsecrets without an AWS account. Starts the Secrets Manager emulator seeded with
// examples/seed.json, runs a few withsecrets commands against it and shows what each command received.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../test/emulator/emulator.ts';

interface Step {
  readonly title: string;
  /** Variables set for this command only, shown before it as `NAME=value withsecrets ...`. */
  readonly env?: Readonly<Record<string, string>>;
  /** The words after `withsecrets`, as a user would type them. */
  readonly args: readonly string[];
  readonly expectedStatus: number;
}

const BIN = join(__dirname, '..', 'bin', 'withsecrets.js');
/** Words shown short but run with a full path. */
const RUN_AS: Readonly<Record<string, string>> = {
  node: process.execPath,
  'show-env.js': join(__dirname, 'show-env.js'),
};

const STEPS: readonly Step[] = [
  {
    title: 'A JSON secret becomes one variable per key (DB= is their prefix); NAME=ID#KEY picks one key',
    args: [
      ...['--no-mask', '-s', 'DB=prod/db', '-s', 'NPM_TOKEN=ci/npm#token', '--'],
      ...['node', 'show-env.js', 'DB_HOST', 'DB_PORT', 'DB_PASSWORD', 'NPM_TOKEN'],
    ],
    expectedStatus: 0,
  },
  {
    title: 'A wildcard takes every secret under a prefix; --dry-run lists names and sources, never values',
    args: ['--dry-run', '-s', 'prod/app/*', '--', './server'],
    expectedStatus: 0,
  },
  {
    title:
      'An inherited secretsmanager:// reference is replaced by its value (the container ENTRYPOINT case)',
    env: { DB_PASSWORD: 'secretsmanager://prod/db#password' },
    args: ['--no-mask', '--', 'node', 'show-env.js', 'DB_PASSWORD'],
    expectedStatus: 0,
  },
  {
    title:
      'An SSM Parameter Store parameter, decrypted, beside a secret in the same run (named from its last level)',
    args: [
      '--no-mask',
      '--param',
      '/demo/app/api-url',
      '-s',
      'NPM_TOKEN=ci/npm#token',
      '--',
      'node',
      'show-env.js',
      'API_URL',
      'NPM_TOKEN',
    ],
    expectedStatus: 0,
  },
  {
    title: 'Without --no-mask, output to a pipe, a file or a CI log is masked, encoded forms included',
    args: [
      ...['-s', 'NPM_TOKEN=ci/npm#token', '--', 'node', '-e'],
      'const t = process.env.NPM_TOKEN; console.log(t, btoa(t), JSON.stringify({ t }))',
    ],
    expectedStatus: 0,
  },
  {
    title: 'A secret that cannot be read stops everything: every failure is reported, the command never runs',
    args: ['-s', 'prod/dbx', '-s', 'NPM_TOKEN=ci/npm#tokn', '--', 'node', 'show-env.js', 'NPM_TOKEN'],
    expectedStatus: 125,
  },
];

async function main(): Promise<number> {
  const seed = readFileSync(join(__dirname, 'seed.json'), 'utf8');
  const emulator = await startEmulator({ seed });
  // Parameter Store is served on the same port; one SecureString for the demo.
  emulator.putParameter('/demo/app/api-url', 'https://api.example.internal/v1?key=FAKE-0000');
  const awsEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: emulator.region,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.url,
    AWS_ENDPOINT_URL_SSM: emulator.url,
    // Only the emulator: never this machine's AWS config files or instance metadata.
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  write(
    `An emulated Secrets Manager at ${emulator.url} holds the fake secrets of examples/seed.json.`,
    `Every command runs with AWS_REGION=${emulator.region} and AWS_ENDPOINT_URL_SECRETS_MANAGER pointing at it.`,
    '(--no-mask only lets this demo show values: withsecrets masks them wherever output is not a terminal.)',
  );
  let failures = 0;
  try {
    for (const step of STEPS) {
      write('', `# ${step.title}`, `$ ${shownCommand(step)}`);
      const status = await runStep(step, { ...awsEnv, ...step.env });
      if (status !== 0) write(`(exit status ${status})`);
      if (status !== step.expectedStatus) {
        write(`demo: expected exit status ${step.expectedStatus}, got ${status}`);
        failures += 1;
      }
    }
  } finally {
    await emulator.close();
  }
  return failures === 0 ? 0 : 1;
}

/** Runs withsecrets with the step's arguments and shows its output, indented, as it arrives. */
function runStep(step: Step, env: Record<string, string>): Promise<number> {
  const args = step.args.map((word) => RUN_AS[word] ?? word);
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8').on('data', (text: string) => {
      process.stdout.write(text.replace(/^(?=.)/gm, '  '));
    });
  }
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal: NodeJS.Signals | null) =>
      resolve(status ?? 128 + (signal === null ? 0 : constants.signals[signal])),
    );
  });
}

function shownCommand(step: Step): string {
  const assignments = Object.entries(step.env ?? {}).map(([name, value]) => `${name}=${quote(value)}`);
  return [...assignments, 'withsecrets', ...step.args.map(quote)].join(' ');
}

/** Quotes a word for a POSIX shell when it holds anything but plain characters. */
function quote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./#-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function write(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
