#!/usr/bin/env node
// Thin launcher: compiles the one-file bundle with the V8 code cache made at build time, runs it, ends like its command.

const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const DIST = join(__dirname, '..', 'dist');
const BUNDLE_FILE = join(DIST, 'withsecrets.cjs');
const CACHE_FILE = join(DIST, 'withsecrets.cache');
/** The bundle's last line names its build; the cache file starts with the build it was made for. */
const BUILD_MARK = '\n//# withsecrets-build=';
const BUILD_ID_LENGTH = 16;

/**
 * Compiles and runs the bundle as CommonJS. With the cache, V8 skips parsing and compiling what a run uses
 * (docs/performance.md). V8 itself rejects a cache made by another V8 version or with other V8 flags, and the
 * build id rejects one made for another bundle; either way the bundle compiles from source, as `require` would.
 * Nothing is ever written: the cache is made by `npm run build` (src/build/code-cache.cjs).
 */
function loadBundle({ useCache = true } = {}) {
  const source = readFileSync(BUNDLE_FILE, 'utf8');
  const mark = source.lastIndexOf(BUILD_MARK);
  const buildId =
    mark === -1
      ? undefined
      : source.slice(mark + BUILD_MARK.length, mark + BUILD_MARK.length + BUILD_ID_LENGTH);
  const cachedData = useCache && buildId !== undefined ? readCache(buildId) : undefined;
  // The wrapper has a line of its own and lineOffset -1, so stack traces name the bundle's own lines.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: BUNDLE_FILE,
    lineOffset: -1,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const bundle = { exports: {} };
  const wrapper = script.runInThisContext();
  wrapper.call(bundle.exports, bundle.exports, createRequire(BUNDLE_FILE), bundle, BUNDLE_FILE, DIST);
  const cacheUsed = cachedData !== undefined && script.cachedDataRejected === false;
  return { exports: bundle.exports, script, buildId, cacheUsed };
}

/** The cache's V8 data when it was made for this build; undefined when there is none or it is for another. */
function readCache(buildId) {
  let cache;
  try {
    cache = readFileSync(CACHE_FILE);
  } catch {
    return undefined;
  }
  const madeFor = cache.subarray(0, BUILD_ID_LENGTH).toString('latin1');
  return madeFor === buildId ? cache.subarray(BUILD_ID_LENGTH) : undefined;
}

if (require.main === module) {
  // Until the bundle installs its own listeners, SIGUSR1 would open Node's inspector in a process about to hold secrets.
  process.on('SIGUSR1', () => {});
  loadBundle().exports.run(process.argv.slice(2));
} else {
  // For src/build/code-cache.cjs and the benchmark, which load the bundle exactly as a run does.
  module.exports = { loadBundle, CACHE_FILE };
}
