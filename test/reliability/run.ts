// `npm run reliability`: the fault, bad-input, hygiene and load matrices, one file at a time, summed up in one table.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** Each family and the test file that holds its matrix; load and output are here only, the rest in `npm test` too. */
const FAMILIES: readonly { readonly family: string; readonly file: string }[] = [
  { family: 'network faults, both routes (incl. a misbehaving endpoint)', file: 'test/e2e/faults.test.ts' },
  { family: 'AWS failures (denied, missing, throttled, timeouts)', file: 'test/e2e/failures.test.ts' },
  { family: 'slow links (happy eyeballs)', file: 'test/e2e/slow-connect.test.ts' },
  { family: 'fallback regions (each outage kind)', file: 'test/e2e/fallback-region.test.ts' },
  { family: 'bad input', file: 'test/e2e/bad-input.test.ts' },
  { family: 'hygiene: no secret in writes, files, argv, messages', file: 'test/e2e/hygiene.test.ts' },
  { family: "Node's own settings (NODE_OPTIONS, NODE_DEBUG)", file: 'test/e2e/node-options.test.ts' },
  { family: 'unusual hosts (TMPDIR, read-only roots)', file: 'test/e2e/hostile-host.test.ts' },
  { family: 'HTTP(S) proxies: CONNECT, credentials, 407, dead and silent', file: 'test/e2e/proxy.test.ts' },
  { family: 'HTTP(S) proxies: NO_PROXY and what is never proxied', file: 'test/e2e/proxy-bypass.test.ts' },
  { family: 'the SDK against each emulator fault', file: 'test/emulator/faults.test.ts' },
  { family: 'load: 200 runs at once, 1,000 secrets in one run', file: 'test/reliability/load.test.ts' },
  {
    family: 'output at its worst: 1 GB without a newline, both streams at once',
    file: 'test/reliability/output.test.ts',
  },
];

interface FamilyResult {
  readonly tried: number;
  readonly held: number;
  readonly worstMs: number;
  readonly notes: string[];
}

/** Reads node:test's TAP: each test's ok / not ok, and the duration of each test that is not a suite. */
function readTap(tap: string): FamilyResult {
  const lines = tap.split('\n');
  let tried = 0;
  let held = 0;
  let worstMs = 0;
  const notes: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const outcome = /^\s*(not ok|ok) \d+ - (.*?)(?: # SKIP.*)?$/.exec(line);
    const diagnostic = /^\s*# (.*)$/.exec(line);
    if (diagnostic !== null && /succeeded in|secrets in|peak RSS/.test(diagnostic[1] ?? ''))
      notes.push(diagnostic[1] ?? '');
    if (outcome === null || line.includes('# SKIP')) continue;
    // The YAML block after it says whether it is a suite, and how long it took.
    let duration = 0;
    let isSuite = false;
    for (let next = index + 1; next < lines.length && !/^\s*\.\.\.$/.test(lines[next] ?? ''); next++) {
      const text = lines[next] ?? '';
      const ms = /duration_ms: ([\d.]+)/.exec(text);
      if (ms !== null) duration = Number(ms[1]);
      if (/type: 'suite'/.test(text)) isSuite = true;
    }
    if (isSuite) continue;
    tried++;
    if (outcome[1] === 'ok') held++;
    worstMs = Math.max(worstMs, duration);
  }
  return { tried, held, worstMs, notes };
}

function main(): void {
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout.trim();
  const rows: string[] = [];
  const notes: string[] = [];
  let failed = false;
  for (const { family, file } of FAMILIES) {
    process.stderr.write(`reliability: ${file}\n`);
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-timeout=300000', file],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 },
    );
    const result = readTap(run.stdout);
    failed ||= run.status !== 0 || result.held < result.tried;
    rows.push(`| ${family} | ${result.tried} | ${result.held} | ${(result.worstMs / 1000).toFixed(1)} s |`);
    notes.push(...result.notes.map((note) => `- ${family}: ${note}`));
  }
  process.stdout.write(
    `Reliability run of ${new Date().toISOString().slice(0, 10)}, commit ${commit}\n\n` +
      '| family | cases tried | held | worst time |\n| --- | ---: | ---: | ---: |\n' +
      `${rows.join('\n')}\n\n${notes.join('\n')}\n`,
  );
  process.exit(failed ? 1 : 0);
}

main();
