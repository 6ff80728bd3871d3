// Node settings exported for the command must not open withsecrets' own memory: NODE_OPTIONS is allowlisted,
// node's own command line and NODE_DEBUG are refused by name, an open inspector is refused however it came.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import {
  EXPOSING_DEBUG_SECTIONS,
  EXPOSING_OPTIONS,
  HARMLESS_NODE_OPTIONS,
  nodeOptionsAreHarmless,
  refuseExposingNodeSettings,
} from '../../../src/cli/node-settings.ts';
import { FORWARDED_SIGNALS } from '../../../src/process/signals.ts';

const bin = createRequire(__filename)('../../../bin/withsecrets.js') as {
  nodeOptionsAreHarmless(value: string | undefined): boolean;
  RELAYED_SIGNALS: readonly string[];
};
const noInspector = () => undefined;
const refuse = (env: Record<string, string>, execArgv: string[] = []) =>
  refuseExposingNodeSettings(env, execArgv, env.NODE_OPTIONS, noInspector);

const HARMLESS = [
  undefined,
  '',
  '  ',
  '--no-warnings',
  '--enable-source-maps --use-openssl-ca',
  '--dns-result-order=ipv4first --max-http-header-size=16384 --tls-min-v1.2',
];
const NOT_ALLOWLISTED = [
  '--insp"ect"',
  '--insp"ect"=127.0.0.1:0',
  '"--inspect"',
  '--no-warnings"" --inspect',
  '--ins\\pect',
  "--insp'ect'",
  '--inspect_brk',
  '--no_warnings',
  '-r ./preload.js',
  '--require=x',
  '--require x',
  '--import ./x.mjs',
  '--loader ./x.mjs',
  '--experimental-loader=./x.mjs',
  '--report-on-signal',
  '--report-on-fatalerror',
  '--report-uncaught-exception',
  '--diagnostic-dir=/tmp',
  '--redirect-warnings=/tmp/w',
  '--trace-event-categories=node',
  '--heapsnapshot-signal=SIGUSR2',
  '--heapsnapshot"-signal=SIGUSR2"',
  '--heapsnapshot"-near-heap-limit=1" --max-old-space-size=5',
  '--max-old-space-size=5',
  '--inspect',
  '--inspect=0',
  '--inspect-brk',
  '--inspect-wait',
  '--inspect-port=0',
  '--abort-on-uncaught-exception',
  '--no-warnings --cpu-prof',
  '--dns-result-order="ipv4first"',
  '--NO-WARNINGS',
];

describe('nodeOptionsAreHarmless (the bin and src/cli/node-settings.ts agree)', () => {
  for (const value of HARMLESS) {
    it(`allows ${JSON.stringify(value)}`, () => {
      assert.equal(nodeOptionsAreHarmless(value), true);
      assert.equal(bin.nodeOptionsAreHarmless(value), true);
    });
  }
  for (const value of NOT_ALLOWLISTED) {
    it(`does not allow ${value}`, () => {
      assert.equal(nodeOptionsAreHarmless(value), false);
      assert.equal(bin.nodeOptionsAreHarmless(value), false);
    });
  }
  /** docs/security.md's allowlist, written out: each entry, alone and with a value where it takes one. */
  const DOCUMENTED = [
    '--no-warnings',
    '--no-deprecation',
    '--enable-source-maps',
    '--use-openssl-ca',
    '--use-bundled-ca',
    '--dns-result-order=verbatim',
    '--max-http-header-size=8192',
    '--tls-min-v1.0',
    '--tls-min-v1.1',
    '--tls-min-v1.2',
    '--tls-min-v1.3',
    '--tls-max-v1.2',
    '--tls-max-v1.3',
  ];
  it('holds exactly the allowlist docs/security.md documents', () => {
    assert.deepEqual(
      new Set(HARMLESS_NODE_OPTIONS),
      new Set(DOCUMENTED.map((option) => option.split('=')[0])),
    );
  });
  for (const option of DOCUMENTED) {
    it(`allows ${option} alone, between tabs and newlines, and beside another`, () => {
      for (const value of [option, `\t${option}\n`, `--no-warnings  ${option}`]) {
        assert.equal(nodeOptionsAreHarmless(value), true, JSON.stringify(value));
        assert.equal(bin.nodeOptionsAreHarmless(value), true, JSON.stringify(value));
      }
      assert.equal(nodeOptionsAreHarmless(`x${option}`), false);
      assert.equal(bin.nodeOptionsAreHarmless(`${option}"`), false);
    });
  }

  it('the bin relays the signals src/process/signals.ts forwards', () => {
    assert.deepEqual([...bin.RELAYED_SIGNALS], [...FORWARDED_SIGNALS]);
  });
});

describe('refuseExposingNodeSettings', () => {
  it('accepts harmless settings', () => {
    for (const env of [
      {},
      { NODE_OPTIONS: '--no-warnings --enable-source-maps' },
      { NODE_DEBUG: 'stream,timer,module,fs,dns' },
    ]) {
      assert.doesNotThrow(() => refuse(env));
    }
  });

  for (const value of NOT_ALLOWLISTED) {
    it(`refuses a process that Node started with NODE_OPTIONS ${value}`, () => {
      assert.throws(
        () => refuse({ NODE_OPTIONS: value }),
        (error: Error & { code?: string }) =>
          error.code === 'USAGE' && error.message.startsWith('NODE_OPTIONS holds options outside'),
      );
    });
  }

  it('judges the NODE_OPTIONS Node read, not the one restored for the command', () => {
    assert.doesNotThrow(() => refuseExposingNodeSettings({ NODE_OPTIONS: '-r ./x.js' }, [], '', noInspector));
  });

  for (const option of [
    '--inspect',
    '--inspect_brk=0',
    '--insp"ect"',
    '--heapsnapshot-signal=SIGUSR2',
    '--prof',
  ]) {
    it(`refuses ${option} given to node itself, naming where it came from`, () => {
      assert.throws(
        () => refuse({}, [option]),
        (error: Error) => error.message.startsWith("node's command line holds --"),
      );
    });
  }

  /**
   * What Node itself offers, not a copy of withsecrets' list: every option of this Node that opens the inspector,
   * writes a heap or CPU profile, a heap snapshot or a diagnostic report, or aborts (`--cpu-prof` and `--prof`
   * are not allowed in NODE_OPTIONS, so Node does not list them), plus every option withsecrets' list holds.
   */
  const EXPOSING_IN_NODE =
    /^--(?:inspect(?:-brk|-wait)?|heapsnapshot-(?:signal|near-heap-limit)|heap-prof|abort-on-uncaught-exception|report-(?:on-signal|uncaught-exception|on-fatalerror))$/;
  const nodeExposing = [...process.allowedNodeEnvironmentFlags].filter((flag) => EXPOSING_IN_NODE.test(flag));

  it("finds in this Node's own options every kind of exposing option it refuses", () => {
    assert.deepEqual(nodeExposing.sort(), [
      '--abort-on-uncaught-exception',
      '--heap-prof',
      '--heapsnapshot-near-heap-limit',
      '--heapsnapshot-signal',
      '--inspect',
      '--inspect-brk',
      '--inspect-wait',
      '--report-on-fatalerror',
      '--report-on-signal',
      '--report-uncaught-exception',
    ]);
  });

  for (const option of new Set([...nodeExposing, ...EXPOSING_OPTIONS, '--cpu-prof', '--prof'])) {
    const underscored = `--${option.slice(2).replaceAll('-', '_')}`;
    const quoted = `${option.slice(0, 4)}"${option.slice(4)}"`;
    for (const spelling of [option, `${option}=1`, underscored, `${underscored}=1`, quoted]) {
      it(`refuses ${spelling} on node's command line`, () => {
        assert.throws(
          () => refuse({}, [spelling]),
          (error: Error & { code?: string }) =>
            error.code === 'USAGE' && error.message.startsWith(`node's command line holds ${option},`),
        );
      });
    }
  }

  it("names the option and how to give it to the command only, in every refusal's hint", () => {
    const hintOf = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return (error as { hint?: string }).hint;
      }
      return undefined;
    };
    assert.equal(
      hintOf(() => refuse({}, ['--inspect=0'])),
      'give it to the command only: withsecrets ... -- env NODE_OPTIONS=--inspect COMMAND',
    );
    assert.equal(
      hintOf(() => refuse({ NODE_OPTIONS: '-r x' })),
      'start withsecrets through its bin, which runs it again without them and gives them to the command',
    );
    assert.equal(
      hintOf(() => refuse({ NODE_DEBUG: 'child_process' })),
      'give it to the command only: withsecrets ... -- env NODE_DEBUG=child_process COMMAND',
    );
    assert.equal(
      hintOf(() => refuseExposingNodeSettings({}, [], '', () => 'ws://127.0.0.1:9229/x')),
      'start withsecrets without --inspect; give debugging options to the command only',
    );
  });

  it('reads NODE_DEBUG sections split by commas, trimmed, in any case, and lets empty ones be', () => {
    for (const value of ['http, child_process', ' CHILD_PROCESS ', 'net,,Child_Process', 'child_proc*']) {
      assert.throws(() => refuse({ NODE_DEBUG: value }), /NODE_DEBUG names child_process/, value);
    }
    for (const value of [
      '',
      ',',
      ' , ',
      'child',
      'process',
      'stream,timer',
      'child_process_x',
      'httpx',
      'nets',
    ]) {
      assert.doesNotThrow(() => refuse({ NODE_DEBUG: value }), value);
    }
  });

  it('judges the NODE_OPTIONS the bin recorded at start, else the environment', () => {
    const key = Symbol.for('withsecrets.nodeOptionsRead');
    const store = globalThis as Record<symbol, unknown>;
    const before = store[key];
    try {
      store[key] = '-r ./x.js';
      assert.throws(
        () => refuseExposingNodeSettings({ NODE_OPTIONS: '' }, [], undefined, noInspector),
        /NODE_OPTIONS/,
      );
      delete store[key];
      assert.throws(() =>
        refuseExposingNodeSettings({ NODE_OPTIONS: '-r ./x.js' }, [], undefined, noInspector),
      );
      assert.doesNotThrow(() =>
        refuseExposingNodeSettings({ NODE_OPTIONS: '--no-warnings' }, [], undefined, noInspector),
      );
    } finally {
      if (before === undefined) delete store[key];
      else store[key] = before;
    }
  });

  it('refuses an open inspector, however it was opened', () => {
    assert.throws(
      () => refuseExposingNodeSettings({}, [], undefined, () => 'ws://127.0.0.1:9229/x'),
      (error: Error & { code?: string }) => error.code === 'USAGE' && /inspector is open/.test(error.message),
    );
  });

  for (const value of ['child_process', 'stream,CHILD_PROCESS', 'child_*', '*']) {
    it(`refuses NODE_DEBUG=${value}`, () => {
      assert.throws(() => refuse({ NODE_DEBUG: value }), /NODE_DEBUG names child_process/);
    });
  }

  it('refuses every section that prints credentials or the environment, in every spelling, with its hint', () => {
    assert.deepEqual(
      [...EXPOSING_DEBUG_SECTIONS.keys()],
      ['child_process', 'http', 'https', 'net', 'tls', 'http2'],
    );
    for (const [name, exposes] of EXPOSING_DEBUG_SECTIONS) {
      for (const value of [name, name.toUpperCase(), ` ${name} `, `stream,${name}`, `*${name.slice(1)}`]) {
        assert.throws(
          () => refuse({ NODE_DEBUG: value }),
          (error: Error & { code?: string; hint?: string }) =>
            error.code === 'USAGE' &&
            error.message === `NODE_DEBUG names ${name}, which would print ${exposes}` &&
            error.hint === `give it to the command only: withsecrets ... -- env NODE_DEBUG=${name} COMMAND`,
          value,
        );
      }
    }
  });
});
