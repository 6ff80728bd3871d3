// The single executable for the tests: built from the current dist/ once per input, shared by every test file.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSingleExecutable, LAUNCHER } from '../../src/build/single-executable.ts';

const ROOT = resolve(__dirname, '../..');
const DIST = join(ROOT, 'dist');
/** What the file is made of: if any of these changes, it is built again. */
const INPUTS = [
  join(DIST, 'withsecrets.cjs'),
  join(DIST, 'aws-sdk.cjs'),
  join(DIST, 'proxy.cjs'),
  join(DIST, 'withsecrets.cache'),
  join(DIST, 'aws-sdk.cache'),
  LAUNCHER,
  join(ROOT, 'src', 'build', 'single-executable.ts'),
];

export type Executable = { readonly path: string } | { readonly unavailable: string };

/** Why no executable can be made with this Node at all, or undefined when one can. */
function whyNoExecutable(): string | undefined {
  if (process.platform !== 'linux') return `the executable is built for Linux only, not ${process.platform}`;
  try {
    require('node:sea');
  } catch {
    return `Node ${process.version} has no single executable applications with assets (Node 20.12 or later)`;
  }
  return undefined;
}

/**
 * `npm run build:exe`'s file for this machine, from the dist/ that `npm test` has just built: 100 MB and about 5 s
 * to make, so it is kept in a temp directory under a hash of its inputs (one per checkout; older ones are
 * removed). Two test files that ask at once may both build it; each renames its own complete file into place.
 * A build that fails where executables can be built throws: the tests that need it fail, they are not skipped.
 */
export function singleExecutable(): Executable {
  const why = whyNoExecutable();
  if (why !== undefined) return { unavailable: why };
  const missing = INPUTS.filter((input) => !existsSync(input));
  if (missing.length > 0)
    return { unavailable: `run \`npm run build\` first (${missing.join(', ')} missing)` };
  const hash = createHash('sha256').update(process.execPath).update(process.version);
  for (const input of INPUTS) hash.update(readFileSync(input));
  const checkout = join(
    tmpdir(),
    'withsecrets-exe',
    createHash('sha256').update(ROOT).digest('hex').slice(0, 12),
  );
  const key = hash.digest('hex').slice(0, 16);
  const path = join(checkout, key, 'withsecrets');
  if (existsSync(path)) return { path };
  mkdirSync(join(checkout, key), { recursive: true });
  buildSingleExecutable({ node: process.execPath, dist: DIST, output: path, codeCaches: true });
  for (const old of readdirSync(checkout).filter((name) => name !== key))
    rmSync(join(checkout, old), { recursive: true, force: true });
  return { path };
}
