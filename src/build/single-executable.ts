// One Node single executable application: bin/withsecrets.js as its script, the bundles and caches as its assets.

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
/** The launcher, unchanged: it finds its bundles through node:sea when it runs inside the executable. */
export const LAUNCHER = join(ROOT, 'bin', 'withsecrets.js');
/** Node's documented fuse: postject flips it so that the binary knows it carries a blob. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const POSTJECT = require.resolve('postject/dist/cli.js', { paths: [ROOT] });

export interface ExecutablePlan {
  /** The Node binary the executable is a copy of: this Node's own, or another platform's of the same version. */
  readonly node: string;
  /** Where `npm run build` wrote the bundles and their V8 caches. */
  readonly dist: string;
  readonly output: string;
  /**
   * The bundles' V8 code caches, made by this machine's V8 and taken only by it: for another platform's Node they
   * are left out, and that Node compiles the bundles from source.
   */
  readonly codeCaches: boolean;
}

/** The SEA configuration: asset names are what bin/withsecrets.js asks node:sea for. */
export function seaConfig(plan: ExecutablePlan, blob: string): object {
  const names = [
    'withsecrets.cjs',
    'aws-sdk.cjs',
    'aws-ssm.cjs',
    'proxy.cjs',
    ...(plan.codeCaches ? ['withsecrets.cache', 'aws-sdk.cache', 'aws-ssm.cache'] : []),
  ];
  const missing = names.filter((name) => !existsSync(join(plan.dist, name)));
  if (missing.length > 0)
    throw new Error(`${missing.join(', ')} not in ${plan.dist}: run \`npm run build\` first`);
  return {
    main: LAUNCHER,
    output: blob,
    // Node 20 prints an ExperimentalWarning on every start of an executable without this.
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    // SEA's own cache of the launcher: when V8 rejects it (NODE_OPTIONS=--max-old-space-size=100 is enough), Node
    // prints "Warning: Code cache data rejected." on every start, where the npm bin prints nothing. The launcher is
    // 10 KB; the bundles' caches, which bin/withsecrets.js hands to vm.Script, are rejected silently.
    useCodeCache: false,
    assets: Object.fromEntries(names.map((name) => [name, join(plan.dist, name)])),
  };
}

/** Writes plan.output: a copy of plan.node with the blob injected. Written beside and renamed, so never half made. */
export function buildSingleExecutable(plan: ExecutablePlan): void {
  const scratch = mkdtempSync(join(tmpdir(), 'withsecrets-sea-'));
  const partial = `${plan.output}.${process.pid}.partial`;
  try {
    const blob = join(scratch, 'sea-prep.blob');
    const config = join(scratch, 'sea-config.json');
    writeFileSync(config, JSON.stringify(seaConfig(plan, blob), null, 2));
    // The blob is made by this Node, whatever the target: its format belongs to the Node version, not the platform.
    run(process.execPath, ['--experimental-sea-config', config]);
    copyFileSync(plan.node, partial);
    chmodSync(partial, 0o755);
    run(process.execPath, [POSTJECT, partial, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);
    renameSync(partial, plan.output);
  } finally {
    rmSync(partial, { force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs a build step in a plain Node (no NODE_OPTIONS: tsx's loader must not reach the blob); its output only on failure. */
function run(file: string, args: readonly string[]): void {
  const { NODE_OPTIONS: _dropped, ...env } = process.env;
  const result = spawnSync(file, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error !== undefined || result.status !== 0)
    throw new Error(
      `${args.slice(0, 1).join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`,
    );
}
