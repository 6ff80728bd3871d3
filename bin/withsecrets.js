#!/usr/bin/env node
// Thin launcher: compiles withsecrets' bundles with the V8 code caches made at build time, runs it, ends like its command.

const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const DIST = join(__dirname, '..', 'dist');
/** Each bundle's last line names its build; its cache file starts with the build it was made for. */
const BUILD_MARK = '\n//# withsecrets-build=';
const BUILD_ID_LENGTH = 16;

/** The bundles this process has run, by name: each runs once, like a module. */
const loaded = new Map();
/** src/build/code-cache.cjs turns caches off: it makes them from bundles compiled from source. */
const settings = { useCache: true };

/**
 * Compiles and runs dist/NAME.cjs as CommonJS, once: `withsecrets` (the CLI) or `aws-sdk` (the AWS SDK, which the
 * CLI's bundle loads through here only when it needs it, see src/build/build.ts). With the bundle's cache, V8
 * skips parsing and compiling what a run uses (docs/performance.md). V8 itself rejects a cache made by another V8
 * version or with other V8 flags, and the build id rejects one made for another bundle; either way the bundle
 * compiles from source, as `require` would. Nothing is ever written: the caches are made by `npm run build`.
 */
function loadBundle(name) {
  const existing = loaded.get(name);
  if (existing !== undefined) return existing;
  const file = join(DIST, `${name}.cjs`);
  const cacheFile = join(DIST, `${name}.cache`);
  const source = readFileSync(file, 'utf8');
  const mark = source.lastIndexOf(BUILD_MARK);
  const buildId =
    mark === -1
      ? undefined
      : source.slice(mark + BUILD_MARK.length, mark + BUILD_MARK.length + BUILD_ID_LENGTH);
  const cachedData = settings.useCache && buildId !== undefined ? readCache(cacheFile, buildId) : undefined;
  // The wrapper has a line of its own and lineOffset -1, so stack traces name the bundle's own lines.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: file,
    lineOffset: -1,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const bundle = { exports: {} };
  const wrapper = script.runInThisContext();
  wrapper.call(bundle.exports, bundle.exports, createRequire(file), bundle, file, DIST);
  const cacheUsed = cachedData !== undefined && script.cachedDataRejected === false;
  const result = { exports: bundle.exports, script, buildId, cacheFile, cacheUsed };
  loaded.set(name, result);
  return result;
}

/** The cache's V8 data when it was made for this build; undefined when there is none or it is for another. */
function readCache(cacheFile, buildId) {
  let cache;
  try {
    cache = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const madeFor = cache.subarray(0, BUILD_ID_LENGTH).toString('latin1');
  return madeFor === buildId ? cache.subarray(BUILD_ID_LENGTH) : undefined;
}

// Set before any bundle runs: the CLI's bundle requires this very module (Node's module cache returns this
// running one) to load the SDK's bundle; src/build/code-cache.cjs and the benchmark load bundles as a run does.
module.exports = { loadBundle, loaded, settings };

if (require.main === module) {
  // Until the bundle installs its own listeners, SIGUSR1 would open Node's inspector in a process about to hold secrets.
  process.on('SIGUSR1', () => {});
  loadBundle('withsecrets').exports.run(process.argv.slice(2));
}
