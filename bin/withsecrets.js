#!/usr/bin/env node
// Thin launcher: compiles withsecrets' bundles with the V8 code caches made at build time, runs it, ends like its command.

const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const DIST = join(__dirname, '..', 'dist');
/** In the single executable (`npm run build:exe`) the bundles and their caches are assets inside it, not files. */
const sea = executableAssets();
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
  const source = sea === undefined ? readFileSync(file, 'utf8') : sea.getAsset(`${name}.cjs`, 'utf8');
  const mark = source.lastIndexOf(BUILD_MARK);
  const buildId =
    mark === -1
      ? undefined
      : source.slice(mark + BUILD_MARK.length, mark + BUILD_MARK.length + BUILD_ID_LENGTH);
  const cachedData =
    settings.useCache && buildId !== undefined ? readCache(name, cacheFile, buildId) : undefined;
  // The wrapper has a line of its own and lineOffset -1, so stack traces name the bundle's own lines.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: file,
    lineOffset: -1,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const bundle = { exports: {} };
  const wrapper = script.runInThisContext();
  wrapper.call(bundle.exports, bundle.exports, requireFor(file), bundle, file, DIST);
  const cacheUsed = cachedData !== undefined && script.cachedDataRejected === false;
  const result = { exports: bundle.exports, script, buildId, cacheFile, cacheUsed };
  loaded.set(name, result);
  return result;
}

/** The cache's V8 data when it was made for this build; undefined when there is none or it is for another. */
function readCache(name, cacheFile, buildId) {
  let cache;
  try {
    cache = sea === undefined ? readFileSync(cacheFile) : Buffer.from(sea.getAsset(`${name}.cache`));
  } catch {
    return undefined;
  }
  const madeFor = cache.subarray(0, BUILD_ID_LENGTH).toString('latin1');
  return madeFor === buildId ? cache.subarray(BUILD_ID_LENGTH) : undefined;
}

/** node:sea when this process is the single executable; absent before Node 20.12, where no executable exists. */
function executableAssets() {
  try {
    const sea = require('node:sea');
    return sea.isSea() ? sea : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The require a bundle runs with. The executable has no files beside it: its require loads built-ins only, and the
 * one module a bundle names (the SDK stub's `../bin/withsecrets.js`, see src/build/build.ts) is this running one.
 */
function requireFor(file) {
  if (sea === undefined) return createRequire(file);
  return (id) => (id === '../bin/withsecrets.js' ? module.exports : require(id));
}

// Set before any bundle runs: the CLI's bundle requires this very module (Node's module cache returns this
// running one) to load the SDK's bundle; src/build/code-cache.cjs and the benchmark load bundles as a run does.
module.exports = { loadBundle, loaded, settings };

/**
 * NODE_OPTIONS options that cannot expose withsecrets' memory: they change warnings, certificates, DNS order, header
 * size or TLS versions, nothing that runs code, opens a port, writes a file or aborts. Only these, spelt exactly so.
 */
const HARMLESS_NODE_OPTIONS = new Set([
  '--no-warnings',
  '--no-deprecation',
  '--enable-source-maps',
  '--use-openssl-ca',
  '--use-bundled-ca',
  '--dns-result-order',
  '--max-http-header-size',
  '--tls-min-v1.0',
  '--tls-min-v1.1',
  '--tls-min-v1.2',
  '--tls-min-v1.3',
  '--tls-max-v1.2',
  '--tls-max-v1.3',
]);
/** One token in the only grammar accepted: no quote, backslash or `_`, nothing Node's tokeniser could reread. */
const PLAIN_TOKEN = /^--[a-z0-9][a-z0-9.-]*(?:=[a-z0-9.-]+)?$/;

/**
 * Whether Node reading this NODE_OPTIONS is harmless to withsecrets: absent, blank, or only allowlisted options,
 * each a plain token. Anything else (a quote anywhere, an escape, `_`, `-r`, an unknown option) is not: it is
 * not decided by re-reading it the way Node does, it is sent away (see reexecWithoutNodeOptions).
 */
function nodeOptionsAreHarmless(value) {
  if (value === undefined) return true;
  return value
    .split(/[ \t\n]+/)
    .filter((token) => token !== '')
    .every((token) => PLAIN_TOKEN.test(token) && HARMLESS_NODE_OPTIONS.has(token.split('=')[0]));
}

/** Carries the user's NODE_OPTIONS to the re-executed withsecrets, which hands it to the command unchanged. */
const CARRIED_NODE_OPTIONS = 'WITHSECRETS_CARRIED_NODE_OPTIONS';
/** The signals src/process/signals.ts FORWARDED_SIGNALS lists (test/unit/cli/node-settings.test.ts keeps the two equal). */
const RELAYED_SIGNALS = [
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGTERM',
  'SIGUSR1',
  'SIGUSR2',
  'SIGALRM',
  'SIGWINCH',
  'SIGCONT',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGVTALRM',
  'SIGURG',
  'SIGIO',
  'SIGPWR',
  'SIGSTKFLT',
];
const TERMINAL_GENERATED = new Set(['SIGINT', 'SIGQUIT', 'SIGTSTP', 'SIGWINCH']);
const JOB_CONTROL_STOPS = new Set(['SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/** src/process/signals.ts childGotItFromTerminal: the inner process shares this one's group, so the terminal reached it. */
function innerGotItFromTerminal(signal) {
  if (!TERMINAL_GENERATED.has(signal)) return false;
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const foregroundGroup = Number(fields[5]);
    return foregroundGroup > 0 && Number(fields[2]) === foregroundGroup;
  } catch {
    return false;
  }
}

/**
 * Runs withsecrets again, once, with Node reading no NODE_OPTIONS: the secrets are fetched only there. This
 * process stays transparent: it relays signals as withsecrets relays them to its command, and ends as the
 * other ends. It holds no secret, but it did read NODE_OPTIONS (docs/security.md, "Node's own settings").
 */
function reexecWithoutNodeOptions(nodeOptions) {
  const { spawn } = require('node:child_process');
  const env = { ...process.env, [CARRIED_NODE_OPTIONS]: nodeOptions };
  const coreDumpFilter = globalThis[Symbol.for('withsecrets.coreDumpFilter')];
  if (coreDumpFilter !== undefined) env[CARRIED_COREDUMP_FILTER] = coreDumpFilter;
  delete env.NODE_OPTIONS;
  // The executable is its own script: it runs again with the same arguments and no script path.
  const script = sea === undefined ? [__filename] : [];
  const inner = spawn(process.execPath, [...process.execArgv, ...script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env,
  });
  const listeners = new Map();
  for (const signal of RELAYED_SIGNALS) {
    // Node's own listeners from --heapsnapshot-signal and --report-on-signal: this process relays, nothing more.
    process.removeAllListeners(signal);
    const listener = () => {
      if (!innerGotItFromTerminal(signal)) {
        try {
          inner.kill(signal);
        } catch {}
      }
      if (JOB_CONTROL_STOPS.has(signal)) process.kill(process.pid, 'SIGSTOP');
    };
    try {
      process.on(signal, listener);
      listeners.set(signal, listener);
    } catch {}
  }
  inner.on('error', (error) => {
    process.stderr.write(`withsecrets: could not run itself again without NODE_OPTIONS: ${error.message}\n`);
    process.exit(125);
  });
  inner.on('exit', (status, signal) => {
    if (signal === null) process.exit(status ?? 125);
    const number = require('node:os').constants.signals[signal] ?? 0;
    // SIGUSR1's default action in Node is to open the inspector, not to die.
    if (signal !== 'SIGUSR1') {
      for (const [name, listener] of listeners) process.off(name, listener);
      try {
        process.kill(process.pid, signal);
      } catch {}
    }
    setImmediate(() => process.exit(128 + number));
  });
}

module.exports.nodeOptionsAreHarmless = nodeOptionsAreHarmless;
module.exports.CARRIED_NODE_OPTIONS = CARRIED_NODE_OPTIONS;
module.exports.RELAYED_SIGNALS = RELAYED_SIGNALS;

/** Carries the command's core-dump filter to the re-executed withsecrets, whose own is already empty. */
const CARRIED_COREDUMP_FILTER = 'WITHSECRETS_CARRIED_COREDUMP_FILTER';
const COREDUMP_FILTER = '/proc/self/coredump_filter';

/**
 * Makes any core dump of this process hold none of its memory (a signal such as SIGSEGV sent with kill, or V8's
 * out-of-memory abort, cannot be caught) and returns the filter it had, in hex, for the command: src/process/spawn.ts
 * writes it back to the command's /proc/PID/coredump_filter. First thing, before any secret is in memory.
 * Opened without O_CREAT: where /proc is not mounted, nothing is written (docs/security.md, "Core dumps").
 */
function emptyOwnCoreDumps() {
  const carried = process.env[CARRIED_COREDUMP_FILTER];
  delete process.env[CARRIED_COREDUMP_FILTER];
  let original;
  try {
    original = readFileSync(COREDUMP_FILTER, 'latin1').trim();
    writeFileSync(COREDUMP_FILTER, '0x0', { flag: 'r+' });
  } catch {
    return undefined;
  }
  // The re-executed process inherited the empty filter; the command's is the one the outer process started with.
  const filter = carried ?? original;
  return /^[0-9a-f]{1,16}$/i.test(filter) ? filter : undefined;
}

if (require.main === module) {
  globalThis[Symbol.for('withsecrets.coreDumpFilter')] = emptyOwnCoreDumps();
}

if (require.main === module && !nodeOptionsAreHarmless(process.env.NODE_OPTIONS)) {
  // Whatever the marker says: this process read a NODE_OPTIONS that could expose it, so it fetches nothing.
  process.on('SIGUSR1', () => {});
  // An inspector opened by NODE_OPTIONS is closed at once; this process never holds a secret in any case.
  if (require('node:inspector').url() !== undefined) require('node:inspector').close();
  reexecWithoutNodeOptions(process.env.NODE_OPTIONS);
} else if (require.main === module) {
  // What Node read when this process started, before the command's NODE_OPTIONS is put back (src/cli/node-settings.ts).
  globalThis[Symbol.for('withsecrets.nodeOptionsRead')] = process.env.NODE_OPTIONS ?? '';
  const carried = process.env[CARRIED_NODE_OPTIONS];
  if (carried !== undefined) {
    // Only ever a value for the command: this process already runs without it, so a hand-set marker bypasses nothing.
    delete process.env[CARRIED_NODE_OPTIONS];
    process.env.NODE_OPTIONS = carried;
  }
  // Until the bundle installs its own listeners, SIGUSR1 would open Node's inspector in a process about to hold secrets.
  process.on('SIGUSR1', () => {});
  loadBundle('withsecrets').exports.run(process.argv.slice(2));
}
