// Nothing hangs, nothing is half-done: every network fault ends in success after retries, or in one line and 125 in bounded time.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, BIN, emulatorWith, type Finished, fixture, NODE, ROUTES, runBin, track } from './harness.ts';

const ONE = 'FAKE-faults-one-Tg4Lw9Qa';
const TWO = 'FAKE-faults-two-Nc8Vb3Ry';
const MANY = Array.from(
  { length: 25 },
  (_, index) => `FAKE-faults-many-${String(index).padStart(2, '0')}-Kx5`,
);
const ALL_VALUES = [ONE, TWO, ...MANY];

const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** A command that exits 0 only when it got both secrets, and prints nothing. */
const EXPECT_BOTH = [NODE, fixture('hygiene-expect.js'), `FLT_ONE=${sha256(ONE)}`, `FLT_TWO=${sha256(TWO)}`];

async function faultEmulator(): Promise<Emulator> {
  const emulator = await emulatorWith({ 'flt/one': ONE, 'flt/two': TWO });
  for (const [index, value] of MANY.entries()) {
    emulator.createSecret(`flt/many/${String(index).padStart(2, '0')}`, value);
  }
  return emulator;
}

/** Every secret value or its base64 that `output` holds (names of the values, never the values). */
function leaksIn(output: string): string[] {
  return ALL_VALUES.flatMap((value, index) =>
    output.includes(value) || output.includes(Buffer.from(value).toString('base64'))
      ? [`value #${index}`]
      : [],
  );
}

/** The retry budget of both routes: 3 attempts a call, each cut at 3 s (src/aws/regional-clients.ts). */
const ATTEMPTS = 3;

interface FaultCase {
  readonly name: string;
  /** Queues faults on the case's own emulator; may return more environment. */
  readonly setup: (emulator: Emulator) => Record<string, string> | undefined;
  readonly args?: readonly string[];
  /** `success`: the child ran with every secret; else what each error line must match. */
  readonly expect: 'success' | RegExp;
  /** How many error lines (one per failed call or secret); 1 when not given. */
  readonly lines?: number;
  /** The requests the emulator must receive, by operation. */
  readonly calls?: Readonly<Record<string, number>>;
  readonly boundMs: number;
}

const BOTH = ['-s', 'flt/one', '-s', 'flt/two'];
const FAULT_CASES: readonly FaultCase[] = [
  {
    name: 'throttled twice, then answered',
    setup: (emulator) => void emulator.inject({ fault: 'throttle', times: 2 }),
    expect: 'success',
    calls: { GetSecretValue: 4 },
    boundMs: 10_000,
  },
  {
    name: 'throttled for longer than the retry budget',
    setup: (emulator) => void emulator.inject({ fault: 'throttle', times: 10 }),
    expect:
      /^withsecrets: \[THROTTLED\] Secrets Manager throttled the requests for secret "flt\/(one|two)" after retries /,
    lines: 2,
    calls: { GetSecretValue: 2 * ATTEMPTS },
    boundMs: 10_000,
  },
  {
    name: 'a 500 and a 503, then answered',
    setup: (emulator) => {
      emulator.inject({ fault: 'error500' });
      emulator.inject({ fault: 'error503' });
      return undefined;
    },
    expect: 'success',
    calls: { GetSecretValue: 4 },
    boundMs: 5000,
  },
  {
    name: '503 for longer than the retry budget',
    setup: (emulator) => void emulator.inject({ fault: 'error503', times: 10 }),
    expect:
      /^withsecrets: \[AWS_ERROR\] secretsmanager:GetSecretValue failed for secret "flt\/(one|two)": ServiceUnavailable /,
    lines: 2,
    calls: { GetSecretValue: 2 * ATTEMPTS },
    boundMs: 5000,
  },
  {
    name: 'connection reset once, then answered',
    setup: (emulator) => void emulator.inject({ fault: 'reset' }),
    expect: 'success',
    calls: { GetSecretValue: 3 },
    boundMs: 5000,
  },
  {
    // A reset is not a timeout: the message must not send the user after a slow network.
    name: 'connection reset on every attempt',
    setup: (emulator) => void emulator.inject({ fault: 'reset', times: 10 }),
    expect: /^withsecrets: \[NETWORK\] cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNRESET\) /,
    calls: { GetSecretValue: 2 * ATTEMPTS },
    boundMs: 5000,
  },
  {
    name: 'response cut mid-body once, then answered',
    setup: (emulator) => void emulator.inject({ fault: 'truncate' }),
    expect: 'success',
    calls: { GetSecretValue: 3 },
    boundMs: 5000,
  },
  {
    name: 'response cut mid-body on every attempt',
    setup: (emulator) => void emulator.inject({ fault: 'truncate', times: 10 }),
    expect: /^withsecrets: \[NETWORK\] cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNRESET\) /,
    calls: { GetSecretValue: 2 * ATTEMPTS },
    boundMs: 5000,
  },
  {
    // Neither route retries a 200 it cannot parse; the parser's message (which could quote the body) is not shown.
    name: 'a 200 whose body is not JSON',
    setup: (emulator) => void emulator.inject({ fault: 'badJson', times: 10 }),
    expect:
      /^withsecrets: \[AWS_ERROR\] secretsmanager:GetSecretValue failed for secret "flt\/(one|two)": SyntaxError /,
    lines: 2,
    calls: { GetSecretValue: 2 },
    boundMs: 5000,
  },
  {
    name: 'a slow answer within the request timeout',
    setup: (emulator) => void emulator.inject({ fault: 'delay', delayMs: 1500 }),
    expect: 'success',
    calls: { GetSecretValue: 2 },
    boundMs: 6000,
  },
  {
    name: 'no answer once, then answered',
    setup: (emulator) => void emulator.inject({ fault: 'hang' }),
    expect: 'success',
    calls: { GetSecretValue: 3 },
    boundMs: 8000,
  },
  {
    name: 'an endpoint that accepts and never answers',
    setup: (emulator) => void emulator.inject({ fault: 'hang', times: 10 }),
    expect:
      /^withsecrets: \[TIMEOUT\] http:\/\/127\.0\.0\.1:\d+ did not answer in time for secret "flt\/(one|two)"/,
    lines: 2,
    calls: { GetSecretValue: 2 * ATTEMPTS },
    boundMs: 15_000,
  },
  {
    // A wildcard is listed first, then the names fetched: the bound must hold for the run, not per phase.
    name: 'a wildcard and a name against an endpoint that never answers',
    setup: (emulator) => void emulator.inject({ fault: 'hang', times: 20 }),
    args: ['-s', 'flt/many/*', '-s', 'flt/one'],
    expect: /^withsecrets: \[TIMEOUT\] http:\/\/127\.0\.0\.1:\d+ did not answer in time for secret/,
    lines: 2,
    calls: { ListSecrets: ATTEMPTS, GetSecretValue: ATTEMPTS },
    boundMs: 15_000,
  },
  {
    // One of two GetSecretValue calls fails for good while the other succeeds: the child must not run
    // with the one that came back. Five 500s over two calls of 3 attempts: exactly one call gets three.
    name: 'one of two GetSecretValue calls failing',
    setup: (emulator) => void emulator.inject({ fault: 'error500', times: 5, operation: 'GetSecretValue' }),
    expect:
      /^withsecrets: \[AWS_ERROR\] secretsmanager:GetSecretValue failed for secret "flt\/(one|two)": InternalServiceError /,
    calls: { BatchGetSecretValue: 0, GetSecretValue: 2 * ATTEMPTS },
    boundMs: 5000,
  },
  {
    // 25 secrets take two BatchGetSecretValue calls: one fails for good, the other brings 20 or 5 secrets.
    name: 'one of two BatchGetSecretValue calls failing',
    setup: (emulator) =>
      void emulator.inject({ fault: 'error500', times: 5, operation: 'BatchGetSecretValue' }),
    args: MANY.flatMap((_, index) => ['-s', `flt/many/${String(index).padStart(2, '0')}`]),
    expect:
      /^withsecrets: \[AWS_ERROR\] secretsmanager:BatchGetSecretValue failed for secrets: InternalServiceError /,
    calls: { BatchGetSecretValue: 2 * ATTEMPTS },
    boundMs: 5000,
  },
  {
    // One byte a second keeps every idle timeout from firing; only the bound on the whole fetch ends it.
    name: 'an answer that trickles one byte a second',
    setup: (emulator) => void emulator.inject({ fault: 'trickle', times: 10, delayMs: 1000 }),
    args: ['--timeout', '3s', ...BOTH],
    expect: /^withsecrets: \[TIMEOUT\] fetching the secrets took longer than 3s /,
    calls: { GetSecretValue: 2 },
    boundMs: 6000,
  },
  {
    name: 'ListSecrets answering the same NextToken again',
    setup: (emulator) =>
      void emulator.inject({ fault: 'sameNextToken', times: 1000, operation: 'ListSecrets' }),
    args: ['-s', 'flt/many/*'],
    expect: /^withsecrets: \[AWS_ERROR\] ListSecrets for "flt\/many\/\*" answered the same NextToken again /,
    calls: { ListSecrets: 2 },
    boundMs: 5000,
  },
  {
    // 27 names are two batches; each answers its first page again under the same NextToken.
    name: 'BatchGetSecretValue answering the same NextToken again',
    setup: (emulator) =>
      void emulator.inject({ fault: 'sameNextToken', times: 1000, operation: 'BatchGetSecretValue' }),
    args: [...MANY.flatMap((_, index) => ['-s', `flt/many/${String(index).padStart(2, '0')}`]), ...BOTH],
    expect:
      /^withsecrets: \[AWS_ERROR\] BatchGetSecretValue for (20|7) secrets answered the same NextToken again /,
    lines: 2,
    calls: { BatchGetSecretValue: 4 },
    boundMs: 5000,
  },
  {
    name: 'a 10 MB answer',
    setup: (emulator) => void emulator.inject({ fault: 'hugePage', times: 10 }),
    expect: 'success',
    calls: { GetSecretValue: 2 },
    boundMs: 10_000,
  },
  {
    name: 'an answer labelled text/html',
    setup: (emulator) => void emulator.inject({ fault: 'wrongContentType', times: 10 }),
    expect: 'success',
    calls: { GetSecretValue: 2 },
    boundMs: 5000,
  },
  {
    // A redirect is not retried: Secrets Manager never sends one.
    name: 'a 302 redirect',
    setup: (emulator) => void emulator.inject({ fault: 'redirect', times: 10 }),
    expect:
      /^withsecrets: \[AWS_ERROR\] secretsmanager:GetSecretValue failed for secret "flt\/(one|two)": HTTP 302, not an answer of AWS \(fix: AWS never redirects/,
    lines: 2,
    calls: { GetSecretValue: 2 },
    boundMs: 5000,
  },
  {
    name: "a load balancer's HTML error page (502)",
    setup: (emulator) => void emulator.inject({ fault: 'htmlError', times: 10 }),
    expect:
      /^withsecrets: \[AWS_ERROR\] secretsmanager:GetSecretValue failed for secret "flt\/(one|two)": HTTP 502, not an answer of AWS \(fix: a proxy or load balancer answered/,
    lines: 2,
    calls: { GetSecretValue: 2 * ATTEMPTS },
    boundMs: 5000,
  },
  {
    // An empty 200 must not become an empty value in the command's environment.
    name: 'a 200 with an empty body',
    setup: (emulator) => void emulator.inject({ fault: 'emptyBody', times: 10 }),
    expect: /^withsecrets: \[AWS_ERROR\] the answer for secret "flt\/(one|two)" holds no secret value /,
    lines: 2,
    calls: { GetSecretValue: 2 },
    boundMs: 5000,
  },
  {
    // BatchGetSecretValue's quota is capped (100/s a region): a throttled batch is not retried, and GetSecretValue,
    // with 100 times the quota, brings its names. 27 names are two batches, both throttled here.
    name: 'BatchGetSecretValue throttled',
    setup: (emulator) =>
      void emulator.inject({ fault: 'throttle', times: 2, operation: 'BatchGetSecretValue' }),
    args: [...MANY.flatMap((_, index) => ['-s', `flt/many/${String(index).padStart(2, '0')}`]), ...BOTH],
    expect: 'success',
    calls: { BatchGetSecretValue: 2, GetSecretValue: 27 },
    boundMs: 5000,
  },
];

describe('faults while fetching', () => {
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-faults-'));
  });
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  describe('each fault', { concurrency: 6 }, () => {
    for (const route of ROUTES) {
      for (const [index, row] of FAULT_CASES.entries()) {
        const outcome = row.expect === 'success' ? 'succeeds' : 'fails closed';
        it(`${route.name}: ${row.name}: ${outcome} within ${row.boundMs / 1000} s`, async (t) => {
          const emulator = await faultEmulator();
          try {
            const marker = join(scratch, `ran-${route.name}-${index}`);
            const env = { ...awsEnv(emulator, route.env), ...row.setup(emulator) };
            const command =
              row.expect === 'success'
                ? EXPECT_BOTH
                : [NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`];
            const started = Date.now();
            const result = await runBin([...(row.args ?? BOTH), '--', ...command], env);
            const elapsed = Date.now() - started;
            t.diagnostic(`took ${elapsed} ms`);

            assert.deepEqual(leaksIn(result.stdout + result.stderr), []);
            if (row.expect === 'success') {
              assert.equal(result.stderr, '');
              assert.equal(result.status, 0, 'the child did not get both secrets');
            } else {
              assert.equal(result.status, 125, result.stderr);
              assert.equal(result.stdout, '');
              const lines = result.stderr.split('\n');
              assert.equal(lines.pop(), '', 'the last line is not ended');
              assert.equal(lines.length, row.lines ?? 1, `not ${row.lines ?? 1} line(s): ${result.stderr}`);
              for (const line of lines) assert.match(line, row.expect);
              assert.equal(existsSync(marker), false, 'the command ran');
            }
            for (const [operation, count] of Object.entries(row.calls ?? {})) {
              assert.equal(emulator.count({ operation }), count, `${operation} calls`);
            }
            assert.ok(elapsed < row.boundMs, `took ${elapsed} ms, more than ${row.boundMs} ms`);
          } finally {
            await emulator.close();
          }
        });
      }
    }
  });

  it('a refused connection fails at once', async (t) => {
    const closed = await emulatorWith();
    const url = closed.url;
    await closed.close();
    const marker = join(scratch, 'ran-refused');
    const started = Date.now();
    const result = await runBin(
      [...BOTH, '--', NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`],
      { ...awsEnv(closed), AWS_ENDPOINT_URL_SECRETS_MANAGER: url },
    );
    const elapsed = Date.now() - started;
    t.diagnostic(`refused connection: ${elapsed} ms`);
    assert.equal(result.status, 125);
    assert.match(
      result.stderr,
      /^withsecrets: \[NETWORK\] cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) .*\n$/,
    );
    assert.equal(existsSync(marker), false);
    assert.ok(elapsed < 5000, `took ${elapsed} ms`);
  });

  it('an endpoint host that does not resolve fails at once', async (t) => {
    /*
     * No name may be resolved through this machine's resolver: that would send a query to the configured
     * DNS server. So withsecrets runs in a new network namespace (`unshare --net`, root only), whose only
     * interface is a loopback that is down: the resolver's UDP query cannot be sent anywhere, and fails at
     * once. That holds only while name resolution stays inside the process: an NSS module or nscd that asks
     * a daemon over a Unix socket would resolve from the host's namespace, so the test is skipped then. The
     * name is under `.invalid` (RFC 6761), which no resolver may answer anyway.
     */
    const unusable = whyNetnsIsUnusable();
    if (unusable !== undefined) {
      t.skip(unusable);
      return;
    }
    const marker = join(scratch, 'ran-dns');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'https://secretsmanager.invalid',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const started = Date.now();
    const result = await runIn(
      ['unshare', '--net', '--'],
      [...BOTH, '--', NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`],
      env,
    );
    const elapsed = Date.now() - started;
    t.diagnostic(`unresolvable endpoint host: ${elapsed} ms`);
    assert.equal(result.status, 125, result.stderr);
    assert.match(
      result.stderr,
      /^withsecrets: \[NETWORK\] cannot reach https:\/\/secretsmanager\.invalid \((EAI_AGAIN|ENOTFOUND)\) .*\n$/,
    );
    assert.equal(existsSync(marker), false);
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
  });

  it('warns once when secret values would cross a network unencrypted (plain http to another host)', async () => {
    const emulator = await emulatorWith();
    try {
      // TEST-NET-1 is no host: the run fails (at the latest at its --timeout); the warning comes first, and once.
      const result = await runBin(['--timeout', '1s', ...BOTH, '--', 'true'], {
        ...awsEnv(emulator),
        AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://192.0.2.1:4566',
      });
      assert.equal(result.status, 125);
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(
        lines[0],
        'withsecrets: warning: http://192.0.2.1:4566 is plain http to another host: secret values would cross the network unencrypted (use https)',
      );
      // Refused, unreachable or silent, as this machine's network has it: one error line after the warning.
      assert.match(lines[1] ?? '', /^withsecrets: \[(TIMEOUT|NETWORK)\] /);
      assert.equal(lines.length, 2);
    } finally {
      await emulator.close();
    }
  });

  it('warns about the endpoint of the service a run uses: Parameter Store for --param, not Secrets Manager', async () => {
    const emulator = await emulatorWith();
    try {
      const result = await runBin(['--timeout', '1s', '--param', '/x/y', '--', 'true'], {
        ...awsEnv(emulator),
        AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://192.0.2.1:4566',
        AWS_ENDPOINT_URL_SSM: 'http://192.0.2.2:4566',
      });
      assert.equal(result.status, 125);
      const [first, ...rest] = result.stderr.trimEnd().split('\n');
      assert.equal(
        first,
        'withsecrets: warning: http://192.0.2.2:4566 is plain http to another host: secret values would cross the network unencrypted (use https)',
      );
      assert.equal(rest.length, 1, result.stderr);
      assert.doesNotMatch(result.stderr, /192\.0\.2\.1/);
    } finally {
      await emulator.close();
    }
  });

  it('20 parallel invocations against one emulator each get their own secrets', async (t) => {
    const emulator = await emulatorWith({ 'par/shared': '{"SHARED_TOKEN":"FAKE-faults-shared-Pb2Hq"}' });
    try {
      const values = Array.from({ length: 20 }, (_, index) => `FAKE-faults-parallel-${index}-Wd7`);
      for (const [index, value] of values.entries()) emulator.createSecret(`par/${index}`, value);
      const started = Date.now();
      const results = await Promise.all(
        values.map((value, index) =>
          runBin(
            [
              '-s',
              `OWN=par/${index}`,
              '-s',
              'par/shared',
              '--',
              NODE,
              fixture('hygiene-expect.js'),
              `OWN=${sha256(value)}`,
              `SHARED_TOKEN=${sha256('FAKE-faults-shared-Pb2Hq')}`,
            ],
            awsEnv(emulator),
          ),
        ),
      );
      t.diagnostic(`20 parallel invocations: ${Date.now() - started} ms in all`);
      results.forEach((result, index) => {
        assert.equal(result.status, 0, `invocation ${index}: ${result.stderr}`);
        assert.equal(result.stdout + result.stderr, '');
      });
      // Two names each: GetSecretValue, whose quota is 100 times BatchGetSecretValue's.
      assert.deepEqual(
        [
          emulator.count({ operation: 'GetSecretValue' }),
          emulator.count({ operation: 'BatchGetSecretValue' }),
        ],
        [40, 0],
      );
    } finally {
      await emulator.close();
    }
  });
});

/** Undefined when a DNS lookup inside `unshare --net` provably stays on this machine; else why not. */
function whyNetnsIsUnusable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for unshare --net';
  const probe = spawnSync('unshare', ['--net', '--', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return `unshare --net fails here: ${probe.stderr.split('\n')[0] ?? probe.error?.message}`;
  const hosts = /^hosts:(.*)$/m.exec(readNsswitch())?.[1] ?? 'files dns';
  const services = hosts
    .replace(/\[[^\]]*\]/g, ' ')
    .trim()
    .split(/\s+/);
  const daemons = services.filter((service) => !['files', 'dns', 'myhostname'].includes(service));
  if (daemons.length > 0)
    return `the hosts line of nsswitch.conf asks ${daemons.join(', ')}, outside the namespace`;
  if (existsSync('/run/nscd/socket') || existsSync('/var/run/nscd/socket'))
    return 'nscd would resolve outside the namespace';
  return undefined;
}

function readNsswitch(): string {
  try {
    return readFileSync('/etc/nsswitch.conf', 'utf8');
  } catch {
    return '';
  }
}

function runIn(
  wrapper: readonly string[],
  args: readonly string[],
  env: Record<string, string>,
): Promise<Finished> {
  const [file, ...rest] = wrapper;
  const child = spawn(file as string, [...rest, NODE, BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(child).finished;
}
