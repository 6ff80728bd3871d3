// Turns the measurements into the Markdown that docs/performance.md quotes: tables, ratios and the targets.
import type { MaskingResult } from './masking.ts';
import type { Summary } from './timing.ts';

export const LABELS = {
  node: 'node -e 0',
  one: 'withsecrets, 1 secret',
  twenty: 'withsecrets, 20 secrets named',
  manyPrefix: 'withsecrets, 200 secrets by prefix',
  manyNamed: 'withsecrets, 200 secrets named',
  oneViaSdk: 'withsecrets, 1 secret, through the SDK (env AWS_CONFIG_FILE=empty file)',
  exeOne: 'withsecrets single executable, 1 secret',
  exeManyPrefix: 'withsecrets single executable, 200 secrets by prefix',
  oneParameter: 'withsecrets, 1 parameter',
  manyParameters: 'withsecrets, 200 parameters by path',
  oneParameterViaSdk: 'withsecrets, 1 parameter, through the SDK (env AWS_CONFIG_FILE=empty file)',
  dotenvxOne: 'dotenvx run, 1 variable',
  dotenvxMany: 'dotenvx run, 200 variables',
  dotenvOne: 'dotenv-cli, 1 variable',
  dotenvMany: 'dotenv-cli, 200 variables',
} as const;

export interface SettingResult {
  /** e.g. "NODE_EXTRA_CA_CERTS unset" */
  readonly name: string;
  readonly timings: ReadonlyMap<string, Summary>;
  /** Peak RSS in MB by label, when a method was found. */
  readonly rss: ReadonlyMap<string, Summary> | undefined;
}

const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

export function resultTable(setting: SettingResult, labels: readonly string[]): string {
  const base = setting.timings.get(LABELS.node)?.median ?? NaN;
  const rows = labels.map((label) => {
    const time = setting.timings.get(label);
    const rss = setting.rss?.get(label);
    if (time === undefined) return `| ${label} | not run | | | | | |`;
    const memory = rss === undefined ? 'n/a' : `${fixed(rss.median)} / ${fixed(rss.max)}`;
    return `| ${label} | ${fixed(time.median)} | ${fixed(time.min)} | ${fixed(time.max)} | ${time.runs} | ${fixed(time.median / base, 2)} | ${memory} |`;
  });
  return [
    `**${setting.name}**`,
    '',
    '| command | median ms | min ms | max ms | runs | x node -e 0 | peak RSS MB (median / max) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

interface Target {
  readonly what: string;
  readonly value: number;
  readonly limit: number;
  readonly unit: string;
}

export function targetTable(setting: SettingResult): string {
  const median = (label: string) => setting.timings.get(label)?.median ?? NaN;
  const one = median(LABELS.one);
  const targets: Target[] = [
    { what: 'withsecrets 1 secret / node -e 0', value: one / median(LABELS.node), limit: 2.5, unit: 'x' },
    {
      what: 'withsecrets 1 secret / dotenvx run (1 variable)',
      value: one / median(LABELS.dotenvxOne),
      limit: 0.4,
      unit: 'x',
    },
    {
      what: '200 secrets by prefix / 1 secret',
      value: median(LABELS.manyPrefix) / one,
      limit: 1.5,
      unit: 'x',
    },
    { what: '200 secrets named / 1 secret', value: median(LABELS.manyNamed) / one, limit: 1.5, unit: 'x' },
    {
      what: 'peak RSS, 1 secret (median)',
      value: setting.rss?.get(LABELS.one)?.median ?? NaN,
      limit: 60,
      unit: ' MB',
    },
  ];
  const rows = targets.map((target) => {
    const verdict = !Number.isFinite(target.value)
      ? 'not measured'
      : target.value <= target.limit
        ? 'met'
        : 'NOT met';
    return `| ${target.what} | ${fixed(target.value, 2)}${target.unit} | <= ${target.limit}${target.unit} | ${verdict} |`;
  });
  return [
    `**Targets, ${setting.name}**`,
    '',
    '| target | measured | limit | |',
    '| --- | ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}

/** test/bench/masking.ts's result as a table. */
export function formatMasking(result: MaskingResult): string {
  return [
    `**Masking throughput** (${result.megabytes} MB of log lines, ${result.values} values to mask, median of ${result.runs} runs)`,
    '',
    '| path | MB/s |',
    '| --- | ---: |',
    `| child -> plain pipe | ${fixed(result.plainMBps)} |`,
    `| child -> withsecrets (masking) -> pipe | ${fixed(result.maskedMBps)} |`,
    '',
    `masked / plain: ${fixed(result.ratio, 2)}; target ${result.target}`,
  ].join('\n');
}
