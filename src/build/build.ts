// `npm run build`: minified CommonJS bundles (the CLI; the two AWS SDK clients and the proxy agent it loads only
// when needed), their V8 caches.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { bundledPackages, thirdPartyLicenses } from './bundled-packages.ts';
import { cycloneDx } from './sbom.ts';

const ROOT = resolve(__dirname, '../..');
const DIST = join(ROOT, 'dist');
const LICENSES_FILE = join(DIST, 'THIRD-PARTY-LICENSES.txt');
const SBOM_FILE = join(DIST, 'sbom.cdx.json');
/** Read back by bin/withsecrets.js, which takes a bundle's cache only when it was made for that build. */
const BUILD_MARK = '\n//# withsecrets-build=';
/** The bundles, by the name bin/withsecrets.js loads them by (dist/NAME.cjs, dist/NAME.cache). */
const BUNDLES = {
  withsecrets: 'src/main.ts',
  'aws-sdk': 'src/build/sdk-entry.ts',
  'aws-ssm': 'src/build/ssm-entry.ts',
  proxy: 'src/build/proxy-entry.ts',
} as const;
/** The bundles with a V8 code cache. dist/proxy.cjs has none: 4 KB, compiled in well under a millisecond. */
const CACHED_BUNDLES = ['withsecrets', 'aws-sdk', 'aws-ssm'] as const;
const SDK_PACKAGE = '@aws-sdk/client-secrets-manager';
/** The packages the CLI's bundle loads from a bundle of their own, on first use, by the bundle's name. */
const LAZY_PACKAGES: Readonly<Record<string, keyof typeof BUNDLES>> = {
  [SDK_PACKAGE]: 'aws-sdk',
  '@aws-sdk/client-ssm': 'aws-ssm',
  hpagent: 'proxy',
};
/** code-cache.cjs ends with this status when the SDK workloads did not load the SDK's bundle. */
const SDK_NOT_LOADED = 3;

const COMMON = {
  absWorkingDir: ROOT,
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
} satisfies BuildOptions;

/**
 * In the CLI's bundle, each of LAZY_PACKAGES becomes a stub that runs its own bundle through the bin's loader, with
 * its cache, on first use. Most runs never load the SDK (the direct route), and then pay nothing for its 0.35 MB
 * of code and its cache; a run without parameters never loads SSM's; only a run with a proxy loads hpagent. The
 * stub's require is the bundle's own (createRequire of dist/withsecrets.cjs): it finds the running bin.
 */
const packagesFromTheirBundles: Plugin = {
  name: 'packages-from-their-bundles',
  setup(builder) {
    const names = Object.keys(LAZY_PACKAGES).map((name) => name.replace(/[/.]/g, '\\$&'));
    builder.onResolve({ filter: new RegExp(`^(?:${names.join('|')})$`) }, (args) => ({
      path: args.path,
      namespace: 'lazy-stub',
    }));
    builder.onResolve({ filter: /.*/, namespace: 'lazy-stub' }, (args) => ({
      path: args.path,
      external: true,
    }));
    builder.onLoad({ filter: /.*/, namespace: 'lazy-stub' }, (args) => ({
      contents: `module.exports = require('../bin/withsecrets.js').loadBundle(${JSON.stringify(LAZY_PACKAGES[args.path])}).exports;`,
      loader: 'js',
    }));
  },
};

/**
 * The SDK's parts that src/ imports through an entry point whose index drags in far more than the part: the
 * module file that defines the part, by the entry point src/ names. `@aws-sdk/core/httpAuthSchemes` reaches the
 * endpoint rules and the shared-config loader (a module its package marks as having side effects, so no bundler
 * may drop it): 40 KB and about 9 ms of start-up for a signer of 4 KB (docs/performance.md). Only src/'s own
 * imports are redirected; esbuild fails the build if the file no longer exports what src/ takes from it.
 */
const SDK_MODULE_FILES: Readonly<Record<string, string>> = {
  '@aws-sdk/core/httpAuthSchemes':
    '@aws-sdk/core/dist-es/submodules/httpAuthSchemes/aws_sdk/AwsSdkSigV4Signer.js',
};

const sdkModuleFiles: Plugin = {
  name: 'sdk-module-files',
  setup(builder) {
    const entries = Object.keys(SDK_MODULE_FILES).map((entry) => entry.replace(/[/.]/g, '\\$&'));
    builder.onResolve({ filter: new RegExp(`^(?:${entries.join('|')})$`) }, (args) => {
      if (!args.importer.startsWith(join(ROOT, 'src'))) return undefined;
      const file = SDK_MODULE_FILES[args.path] as string;
      const [scope, name, ...rest] = file.split('/');
      const packageDir = dirname(require.resolve(`${scope}/${name}/package.json`, { paths: [ROOT] }));
      const path = join(packageDir, ...rest);
      if (!existsSync(path)) throw new Error(`${args.path}: ${file} is gone; update SDK_MODULE_FILES`);
      return { path };
    });
  },
};

async function main(): Promise<void> {
  mkdirSync(DIST, { recursive: true });
  // A cache left from an earlier build is never used (the build id differs), but it would be shipped.
  for (const name of Object.keys(BUNDLES)) rmSync(join(DIST, `${name}.cache`), { force: true });
  const [cli, sdk, ssm, proxy] = await Promise.all([
    build({
      ...COMMON,
      entryPoints: [BUNDLES.withsecrets],
      plugins: [packagesFromTheirBundles, sdkModuleFiles],
    }),
    build({ ...COMMON, entryPoints: [BUNDLES['aws-sdk']] }),
    build({ ...COMMON, entryPoints: [BUNDLES['aws-ssm']] }),
    build({ ...COMMON, entryPoints: [BUNDLES.proxy] }),
  ]);
  // A stub must stand for every import of its package: the code belongs in the package's own bundle.
  const leaked = Object.keys(cli.metafile.inputs).find((input) =>
    Object.keys(LAZY_PACKAGES).some((name) => input.includes(`node_modules/${name}/`)),
  );
  if (leaked !== undefined)
    throw new Error(`the CLI's bundle holds a lazily loaded package itself: ${leaked}`);
  // The direct route never reads AWS files or endpoint rules: their code in the CLI's bundle means an index crept back.
  const bundled = Object.values(cli.metafile.outputs).flatMap((output) => Object.keys(output.inputs));
  const dragged = bundled.find((input) =>
    /\/loadSharedConfigFiles\.js$|\/@aws-sdk\/core\/dist-es\/submodules\/client\//.test(input),
  );
  if (dragged !== undefined)
    throw new Error(`the CLI's bundle holds code the direct route never runs: ${dragged}`);
  writeBundle('withsecrets', cli.outputFiles);
  writeBundle('aws-sdk', sdk.outputFiles);
  writeBundle('aws-ssm', ssm.outputFiles);
  writeBundle('proxy', proxy.outputFiles);
  const packages = bundledPackages(ROOT, [cli.metafile, sdk.metafile, ssm.metafile, proxy.metafile]);
  writeFileSync(LICENSES_FILE, thirdPartyLicenses(packages));
  writeFileSync(SBOM_FILE, cycloneDx(readManifest(), packages));
  makeCodeCaches();
}

/** Writes dist/NAME.cjs with its build id (a hash of its code) on its last line. */
function writeBundle(name: keyof typeof BUNDLES, outputFiles: { text: string }[]): void {
  const output = outputFiles[0];
  if (output === undefined) throw new Error(`esbuild wrote no output for ${name}`);
  const code = requireBuiltins(output.text);
  const buildId = createHash('sha256').update(code).digest('hex').slice(0, 16);
  writeFileSync(join(DIST, `${name}.cjs`), `${code}${BUILD_MARK}${buildId}\n`);
}

/**
 * The SDK loads a few Node built-ins with `import()`. bin/withsecrets.js compiles the bundles with vm.Script,
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

function readManifest(): { name: string; version: string } {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
}

/** Runs src/build/code-cache.cjs in a plain node: V8 takes a cache only under the flags it was made with. */
function makeCodeCaches(): void {
  const { NODE_OPTIONS: _dropped, ...env } = process.env;
  const made = spawnSync(process.execPath, [join(__dirname, 'code-cache.cjs')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  // Unlike a missing loopback, this one is a bug: the rule for when a run needs the SDK changed, the workloads did not.
  if (made.status === SDK_NOT_LOADED) throw new Error(`no V8 code caches made:\n${made.stderr}`);
  const caches = CACHED_BUNDLES.map((name) => join(DIST, `${name}.cache`));
  if (made.status === 0 && caches.every((file) => existsSync(file))) return;
  // The bundles work without their caches (only slower to start), so a failure here must not fail the build.
  for (const file of caches) rmSync(file, { force: true });
  process.stderr.write(
    `build: no V8 code caches, withsecrets will start slower (${made.error?.message ?? `exit ${made.status}`}):\n${made.stderr}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
