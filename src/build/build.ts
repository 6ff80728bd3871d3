// `npm run build`: one minified CommonJS file with the SDK and every dependency in it, then its V8 code cache.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';

const ROOT = resolve(__dirname, '../..');
const DIST = join(ROOT, 'dist');
const BUNDLE_FILE = join(DIST, 'withsecrets.cjs');
const CACHE_FILE = join(DIST, 'withsecrets.cache');
const LICENSES_FILE = join(DIST, 'THIRD-PARTY-LICENSES.txt');
/** Read back by bin/withsecrets.js, which takes the cache only when it was made for this build. */
const BUILD_MARK = '\n//# withsecrets-build=';

async function main(): Promise<void> {
  mkdirSync(DIST, { recursive: true });
  // A cache left from an earlier build is never used (the build id differs), but it would be shipped.
  rmSync(CACHE_FILE, { force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The SDK's ES builds tree-shake; its CommonJS builds are single files that cannot.
    mainFields: ['module', 'main'],
    minify: true,
    // The SDK tells its own NoOpLogger by constructor.name; renaming classes would change what it logs.
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild wrote no output');
  const code = requireBuiltins(output.text);
  const buildId = createHash('sha256').update(code).digest('hex').slice(0, 16);
  writeFileSync(BUNDLE_FILE, `${code}${BUILD_MARK}${buildId}\n`);
  writeFileSync(LICENSES_FILE, thirdPartyLicenses(result.metafile));
  makeCodeCache();
}

/**
 * The SDK loads a few Node built-ins with `import()`. bin/withsecrets.js compiles the bundle with vm.Script,
 * where `import()` fails without a loader callback (Node's default one exists only from 20.12), so they
 * become `require`: a built-in is the same module either way.
 */
function requireBuiltins(code: string): string {
  const rewritten = code.replace(/\bimport\((["'])([\w:/]+)\1\)/g, (call, _quote: string, name: string) =>
    isBuiltin(name) ? `Promise.resolve().then(()=>require(${JSON.stringify(name)}))` : call,
  );
  const left = /.{0,60}\bimport\(.{0,60}/.exec(rewritten);
  if (left !== null)
    throw new Error(`the bundle still calls import(), which vm.Script cannot load: ${left[0]}`);
  return rewritten;
}

/** The licence of every package in the bundle: it ships their code, so it ships their notices. */
function thirdPartyLicenses(metafile: Metafile): string {
  const packages = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) packages.add(match[1]);
  }
  // Packages under one licence text (the SDK's many Apache-2.0 packages) share one section.
  const byText = new Map<string, string[]>();
  for (const path of [...packages].sort()) {
    const manifest = JSON.parse(readFileSync(join(ROOT, path, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      license?: string;
    };
    const files = readdirSync(join(ROOT, path)).filter((file) => /^(licen[cs]e|notice)/i.test(file));
    const text = files.map((file) => readFileSync(join(ROOT, path, file), 'utf8').trim()).join('\n\n');
    const names = byText.get(text) ?? [];
    names.push(`${manifest.name}@${manifest.version} (${manifest.license ?? 'see its package'})`);
    byText.set(text, names);
  }
  const sections = [...byText].map(
    ([text, names]) => `${names.join('\n')}\n\n${text || '(no licence file)'}\n`,
  );
  return `dist/withsecrets.cjs contains code from these packages.\n\n${sections.join(`\n${'-'.repeat(78)}\n\n`)}`;
}

/** Runs src/build/code-cache.cjs in a plain node: V8 takes a cache only under the flags it was made with. */
function makeCodeCache(): void {
  const { NODE_OPTIONS: _dropped, ...env } = process.env;
  const made = spawnSync(process.execPath, [join(__dirname, 'code-cache.cjs')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (made.status === 0 && existsSync(CACHE_FILE)) return;
  // The bundle works without its cache (only slower to start), so a failure here must not fail the build.
  process.stderr.write(
    `build: no V8 code cache, withsecrets will start slower (${made.error?.message ?? `exit ${made.status}`}):\n${made.stderr}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
