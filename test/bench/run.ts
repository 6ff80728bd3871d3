// `npm run bench`: start-up time and peak RSS of withsecrets beside node and its peers, as docs/performance.md quotes.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { singleExecutable } from '../e2e/single-executable.ts';
import { measureEmulatorLatency } from './emulator-latency.ts';
import { formatMasking, LABELS, resultTable, type SettingResult, targetTable } from './report.ts';
import { findRssMethod } from './rss.ts';
import { type BenchCommand, findHyperfine, summarize, type Timings, timeCommands } from './timing.ts';
import {
  binOf,
  createWorkspace,
  MANY,
  MANY_PARAMETERS_PATH,
  MANY_PREFIX,
  ONE,
  ONE_PARAMETER,
  startEmulatorProcess,
  TWENTY,
} from './workspace.ts';

const REGION = 'us-east-1';
/** The bundles bin/withsecrets.js loads, each with its own V8 code cache (src/build/build.ts). */
const BUNDLES = ['withsecrets', 'aws-sdk', 'aws-ssm'] as const;
const USAGE =
  'usage: npm run bench -- [--rounds N] [--runs N] [--rss-runs N] [--loop] [--quick] [--before CHECKOUT]';

interface Setting {
  readonly name: string;
  readonly env: NodeJS.ProcessEnv;
}

function options() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '6' },
      runs: { type: 'string', default: '3' },
      'rss-runs': { type: 'string', default: '5' },
      loop: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      // A built checkout of an earlier commit: its 1-secret runs are timed in the same rounds, side by side.
      before: { type: 'string' },
    },
    strict: true,
  });
  const count = (text: string, name: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a whole number >= 1\n${USAGE}`);
    return value;
  };
  return {
    rounds: values.quick ? 1 : count(values.rounds, 'rounds'),
    runsPerRound: values.quick ? 2 : count(values.runs, 'runs'),
    rssRuns: values.quick ? 1 : count(values['rss-runs'], 'rss-runs'),
    loop: values.loop,
    quick: values.quick,
    before: values.before === undefined ? undefined : resolve(values.before, 'bin', 'withsecrets.js'),
  };
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  return `${cpus().length} CPUs (${cpu}), Linux ${release()}, Node ${process.version}; load average ${one} ${five} ${fifteen}`;
}

async function main(): Promise<void> {
  const plan = options();
  const before = machine();
  const workspace = createWorkspace();
  const emulator = await startEmulatorProcess(workspace.seedFile);
  try {
    const { NODE_OPTIONS: _options, NODE_EXTRA_CA_CERTS: caFile, ...inherited } = process.env;
    const base: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(inherited).filter(([name]) => !name.startsWith('AWS_'))),
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.url,
      AWS_ENDPOINT_URL_SSM: emulator.url,
      // The benchmark machine's own AWS files must not change what is measured.
      AWS_CONFIG_FILE: join(workspace.dir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(workspace.dir, 'no-aws-credentials'),
    };
    const settings: Setting[] = [{ name: 'NODE_EXTRA_CA_CERTS unset', env: base }];
    if (caFile !== undefined && caFile !== '') {
      settings.push({
        name: `NODE_EXTRA_CA_CERTS=${caFile} (as this machine is set up)`,
        env: { ...base, NODE_EXTRA_CA_CERTS: caFile },
      });
    }

    const node = process.execPath;
    const sdkConfig = join(workspace.dir, 'empty-aws-config');
    writeFileSync(sdkConfig, '');
    const withsecrets = (...args: string[]) => [node, workspace.bin, ...args, '--', 'true'];
    const named = (names: readonly string[]) => names.flatMap((name) => ['-s', name]);
    const dotenvx = binOf('@dotenvx/dotenvx', 'dotenvx');
    const dotenv = binOf('dotenv-cli', 'dotenv');
    const commands: BenchCommand[] = [
      { label: LABELS.node, argv: [node, '-e', '0'] },
      { label: LABELS.one, argv: withsecrets('-s', ONE) },
      { label: LABELS.twenty, argv: withsecrets(...named(TWENTY)) },
      { label: LABELS.manyPrefix, argv: withsecrets('-s', `${MANY_PREFIX}*`) },
      { label: LABELS.manyNamed, argv: withsecrets(...named(MANY)) },
      // An AWS config file that exists, even empty, sends a run through the SDK (src/aws/direct-route.ts). hyperfine
      // gives all commands one environment, so `env` sets it: its exec adds about a millisecond.
      {
        label: LABELS.oneViaSdk,
        argv: ['/usr/bin/env', `AWS_CONFIG_FILE=${sdkConfig}`, ...withsecrets('-s', ONE)],
      },
      ...executableCommands(),
      // Parameter Store goes the same route as Secrets Manager: direct, or the SDK's SSM client from its own bundle.
      { label: LABELS.oneParameter, argv: withsecrets('--param', ONE_PARAMETER) },
      { label: LABELS.manyParameters, argv: withsecrets('--param', `${MANY_PARAMETERS_PATH}/*`) },
      {
        label: LABELS.oneParameterViaSdk,
        argv: ['/usr/bin/env', `AWS_CONFIG_FILE=${sdkConfig}`, ...withsecrets('--param', ONE_PARAMETER)],
      },
      ...(plan.before === undefined ? [] : beforeCommands(plan.before, sdkConfig)),
      { label: LABELS.dotenvxOne, argv: [node, dotenvx, 'run', '-f', workspace.envOne, '--', 'true'] },
      { label: LABELS.dotenvxMany, argv: [node, dotenvx, 'run', '-f', workspace.envMany, '--', 'true'] },
      { label: LABELS.dotenvOne, argv: [node, dotenv, '-e', workspace.envOne, '--', 'true'] },
      { label: LABELS.dotenvMany, argv: [node, dotenv, '-e', workspace.envMany, '--', 'true'] },
    ];
    const notes = checkCommands(commands, settings, workspace.bin);

    const latency = await measureEmulatorLatency(emulator.url, REGION, ONE, TWENTY);
    const hyperfine = plan.loop ? undefined : findHyperfine();
    const timingPlan = { ...plan, hyperfine, scratchDir: workspace.dir };
    const timings = new Map<string, Timings>(settings.map((setting) => [setting.name, new Map()]));
    for (let round = 0; round < plan.rounds; round++) {
      // Alternate which setting goes first, so neither always runs on a warmer or quieter machine.
      const order = round % 2 === 0 ? settings : [...settings].reverse();
      for (const setting of order) {
        process.stderr.write(`bench: round ${round + 1}/${plan.rounds}, ${setting.name}\n`);
        await timeCommands(commands, setting.env, timingPlan, round, timings.get(setting.name) ?? new Map());
      }
    }

    const rssMethod = findRssMethod(workspace.dir);
    const results: SettingResult[] = settings.map((setting) => {
      const rss = rssMethod === undefined ? undefined : new Map<string, number[]>();
      for (let run = 0; rss !== undefined && run < plan.rssRuns; run++) {
        for (const command of commands) {
          rss.set(command.label, [
            ...(rss.get(command.label) ?? []),
            rssMethod?.measure(command.argv, setting.env) ?? NaN,
          ]);
        }
      }
      const measured = timings.get(setting.name) ?? new Map<string, number[]>();
      return {
        name: setting.name,
        timings: new Map([...measured].map(([label, ms]) => [label, summarize(ms)])),
        rss: rss === undefined ? undefined : new Map([...rss].map(([label, mb]) => [label, summarize(mb)])),
      };
    });
    const masking = await maskingThroughput(plan.quick);

    const labels = commands.map((command) => command.label);
    const method =
      hyperfine === undefined
        ? 'built-in spawn loop (hyperfine not found or --loop)'
        : `${spawnSync(hyperfine, ['--version'], { encoding: 'utf8' }).stdout.trim()} -N`;
    const lines = [
      `Machine: ${before}`,
      `After the run: load average ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
      `Timing: ${method}; ${plan.rounds} rounds x ${plan.runsPerRound} runs per command, commands shuffled in each round, the CA settings alternating; warm-up run per round.`,
      `Peak RSS: ${rssMethod === undefined ? 'not measured (install GNU time: apt-get install time)' : `${rssMethod.name}, ${plan.rssRuns} runs per command`}.`,
      `Emulator (its own process), per signed GetSecretValue from a warm SDK client in the bench: ${latency.sequentialMs.toFixed(2)} ms one at a time, of which the emulator's own work is ${emulatorShare(latency)} (the same client against a server that answers a canned reply: ${latency.cannedMs.toFixed(2)} ms); ${latency.concurrentMs.toFixed(2)} ms each with 10 in flight; ${latency.batchOf20Ms.toFixed(2)} ms per BatchGetSecretValue of 20.`,
      ...notes,
      '',
      ...results.flatMap((result) => [resultTable(result, labels), '', targetTable(result), '']),
      masking,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await emulator.stop();
    workspace.remove();
  }
}

/** The single executable (`npm run build:exe`'s file for this machine, from the same dist/) beside the npm bin. */
function executableCommands(): BenchCommand[] {
  const exe = singleExecutable();
  if ('unavailable' in exe) {
    process.stderr.write(`bench: no single executable rows: ${exe.unavailable}\n`);
    return [];
  }
  return [
    { label: LABELS.exeOne, argv: [exe.path, '-s', ONE, '--', 'true'] },
    { label: LABELS.exeManyPrefix, argv: [exe.path, '-s', `${MANY_PREFIX}*`, '--', 'true'] },
  ];
}

/** The earlier checkout's runs of one secret and of parameters, direct and through the SDK, against the same emulator. */
function beforeCommands(bin: string, sdkConfig: string): BenchCommand[] {
  const run = (...args: string[]) => [process.execPath, bin, ...args, '--', 'true'];
  const viaSdk = (argv: string[]) => ['/usr/bin/env', `AWS_CONFIG_FILE=${sdkConfig}`, ...argv];
  const one = run('-s', ONE);
  const oneParameter = run('--param', ONE_PARAMETER);
  return [
    { label: `before: ${LABELS.one}`, argv: one },
    { label: `before: ${LABELS.oneViaSdk}`, argv: viaSdk(one) },
    { label: `before: ${LABELS.oneParameter}`, argv: oneParameter },
    { label: `before: ${LABELS.manyParameters}`, argv: run('--param', `${MANY_PARAMETERS_PATH}/*`) },
    { label: `before: ${LABELS.oneParameterViaSdk}`, argv: viaSdk(oneParameter) },
  ];
}

/** Every command must succeed before it is timed; withsecrets must really inject all 200; and are its caches taken? */
function checkCommands(
  commands: readonly BenchCommand[],
  settings: readonly Setting[],
  bin: string,
): string[] {
  const [first] = settings;
  if (first === undefined) return [];
  for (const command of commands) {
    const [file, ...args] = command.argv;
    const run = spawnSync(file ?? '', args, { env: first.env, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${command.label} failed (${run.status}): ${run.stderr}`);
  }
  const listed = spawnSync(process.execPath, [bin, '--dry-run', '-s', `${MANY_PREFIX}*`, '--', 'true'], {
    env: first.env,
    encoding: 'utf8',
  });
  const variables = listed.stdout.split('\n').filter((line) => line.includes(' <- ')).length;
  if (variables !== MANY.length)
    throw new Error(`withsecrets listed ${variables} variables, not ${MANY.length}`);
  // Each bundle through the bin's loader, as a run loads it: the CLI's, and the SDK's (only the SDK path needs it).
  const probe = `const { loadBundle } = require(${JSON.stringify(bin)});
    process.stdout.write(JSON.stringify(${JSON.stringify(BUNDLES)}.map((name) => loadBundle(name).cacheUsed)))`;
  return settings.map((setting) => {
    const out = spawnSync(process.execPath, ['-e', probe], { env: setting.env, encoding: 'utf8' }).stdout;
    let used: unknown;
    try {
      used = JSON.parse(out);
    } catch {
      used = undefined;
    }
    const taken = BUNDLES.map((name, index) => {
      const one = Array.isArray(used) ? used[index] : undefined;
      return `${name} ${one === true ? 'yes' : `NO (${one === false ? 'rejected or missing' : out || 'probe failed'})`}`;
    });
    return `V8 code caches taken, ${setting.name}: ${taken.join(', ')}`;
  });
}

/** The emulator's share of a request: what it costs over a server that does nothing. */
function emulatorShare(latency: { sequentialMs: number; cannedMs: number }): string {
  const share = latency.sequentialMs - latency.cannedMs;
  return share < 0.05 ? 'below what this can resolve (< 0.05 ms)' : `${share.toFixed(2)} ms`;
}

/** test/bench/masking.ts measures output through the masker once withsecrets runs; loaded only here. */
async function maskingThroughput(quick: boolean): Promise<string> {
  const { benchMasking } = await import('./masking.ts');
  return formatMasking(await benchMasking(quick ? { megabytes: 20, runs: 1 } : {}));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
