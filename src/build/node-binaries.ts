// The Node binary an executable for each platform is made from: this Node's own, or the same version's from npm.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
/** Kept between builds: the arm64 Node is 100 MB, fetched once per Node version. */
const CACHE = join(ROOT, 'node_modules', '.cache', 'withsecrets-exe');

/** Platforms `npm run build:exe` makes a file for, as `process.platform-process.arch` names them. */
export const TARGETS = ['linux-x64', 'linux-arm64'] as const;
export type Target = (typeof TARGETS)[number];

export const HOST = `${process.platform}-${process.arch}`;

export type NodeBinary = { readonly path: string } | { readonly unavailable: string };

/**
 * This machine's Node for its own platform. For another, the official binary of this Node's version that npm
 * carries as the package `node-linux-<arch>` (what the `node` package installs from): the same release, so the
 * executables for both platforms behave alike. Fetched with `npm pack`, the registry's ordinary client.
 */
export function nodeBinaryFor(target: Target): NodeBinary {
  if (target === HOST) return { path: process.execPath };
  const version = process.version.slice(1);
  const dir = join(CACHE, `node-${target}-${version}`);
  const binary = join(dir, 'package', 'bin', 'node');
  if (existsSync(binary)) return { path: binary };
  mkdirSync(CACHE, { recursive: true });
  const scratch = mkdtempSync(join(CACHE, 'fetch-'));
  try {
    const packed = spawnSync(
      'npm',
      ['pack', `node-${target}@${version}`, '--pack-destination', scratch, '--silent'],
      { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const tarball = packed.stdout.trim().split('\n').at(-1);
    if (packed.status !== 0 || tarball === undefined || tarball === '')
      return {
        unavailable: `npm pack node-${target}@${version} failed: ${packed.stderr.trim().split('\n').at(-1) ?? packed.error?.message}`,
      };
    const extracted = spawnSync('tar', ['-xzf', join(scratch, tarball), '-C', scratch, 'package/bin/node'], {
      encoding: 'utf8',
    });
    if (extracted.status !== 0)
      return { unavailable: `could not unpack ${tarball}: ${extracted.stderr.trim()}` };
    renameSync(scratch, dir);
    return { path: binary };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
