// NODE_OPTIONS meant for the command: the bin runs withsecrets again without it, and the command gets it unchanged.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, BIN, emulatorWith, NODE, runBin, track } from './harness.ts';

const VALUE = 'FAKE-node-options-Zq8';
/** A command that is not Node (so it reads no NODE_OPTIONS itself), reports signals, and ends on SIGTERM. */
const WAITING_SH = [
  'sh',
  '-c',
  'trap "echo GOT USR2" USR2; trap "echo GOT TERM; exit 7" TERM; echo READY; while :; do sleep 0.02; done',
];

describe('NODE_OPTIONS outside the allowlist', () => {
  let emulator: Emulator;
  let scratch: string;
  before(async () => {
    emulator = await emulatorWith({ 'app/token': VALUE });
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-node-options-'));
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  });

  const env = (nodeOptions: string) => ({ ...awsEnv(emulator), NODE_OPTIONS: nodeOptions });
  const fresh = (name: string): string => {
    const dir = join(scratch, name);
    mkdirSync(dir);
    return dir;
  };

  it('a quoted --inspect opens no inspector in the process holding the secrets; the command gets it unchanged', async () => {
    const given = '--insp"ect"=127.0.0.1:0';
    const result = await runBin(
      [
        '-s',
        'P=app/token',
        '--',
        'sh',
        '-c',
        'printf "%s|%s" "$NODE_OPTIONS" "$(env | grep -c ^WITHSECRETS_CARRIED)"',
      ],
      env(given),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${given}|0`);
    // The launcher Node started announces its inspector before any code runs, and closes it at once; the
    // re-executed withsecrets, which fetches the secrets, opens none (it would refuse if one were open).
    assert.ok((result.stderr.match(/Debugger listening/g) ?? []).length <= 1, result.stderr);
  });

  it('no inspector is listening while the command runs with the secrets', async () => {
    const started = track(
      spawn(NODE, [BIN, '-s', 'P=app/token', '--', ...WAITING_SH], {
        env: env('--insp"ect"=127.0.0.1:0'),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let stderr = '';
    started.child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      await started.waitForLine(/^READY$/);
      const port = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr)?.[1];
      if (port !== undefined) {
        const refused = await new Promise<boolean>((resolve) => {
          const socket = connect(Number(port), '127.0.0.1');
          socket.on('connect', () => {
            socket.destroy();
            resolve(false);
          });
          socket.on('error', () => resolve(true));
        });
        assert.ok(refused, `an inspector is listening on ${port} while withsecrets holds the secrets`);
      }
      started.child.kill('SIGTERM');
      assert.equal((await started.finished).status, 7);
    } finally {
      started.child.kill('SIGKILL');
    }
  });

  it('a preload never runs in the process that holds the secrets', async () => {
    const dir = fresh('preload');
    const marker = join(dir, 'loaded');
    const preload = join(dir, 'preload.js');
    writeFileSync(
      preload,
      `require('node:fs').appendFileSync(${JSON.stringify(marker)}, process.pid + '\\n');\n`,
    );
    for (const option of [`-r ${preload}`, `--require=${preload}`, `--import ${preload}`]) {
      rmSync(marker, { force: true });
      // The command prints its parent: the withsecrets that fetched the secrets and started it.
      const result = await runBin(['-s', 'P=app/token', '--', 'sh', '-c', 'echo $PPID'], env(option));
      assert.equal(result.status, 0, result.stderr);
      const holder = result.stdout.trim();
      const loadedIn = readdirSync(dir).includes('loaded') ? readFileSync(marker, 'utf8').split('\n') : [];
      assert.ok(!loadedIn.includes(holder), `${option} ran in withsecrets ${holder}`);
    }
  });

  for (const [name, options, signal] of [
    ['--heapsnapshot"-signal=SIGUSR2"', '--heapsnapshot"-signal=SIGUSR2"', 'SIGUSR2'],
    [
      '--report-on-signal --diagnostic-dir',
      '--report-on-signal --report-signal=SIGUSR2 --diagnostic-dir=DIR',
      'SIGUSR2',
    ],
  ] as const) {
    it(`${name} writes no file of withsecrets on the signal`, async () => {
      const cwd = fresh(name.replace(/[^a-z]/g, ''));
      const started = track(
        spawn(NODE, [BIN, '-s', 'P=app/token', '--', ...WAITING_SH], {
          cwd,
          env: env(options.replace('DIR', cwd)),
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      try {
        await started.waitForLine(/^READY$/);
        started.child.kill(signal);
        await started.waitForLine(/^GOT USR2$/);
        started.child.kill('SIGTERM');
        const result = await started.finished;
        assert.equal(result.status, 7, result.stderr);
        assert.deepEqual(readdirSync(cwd), []);
      } finally {
        started.child.kill('SIGKILL');
      }
    });
  }

  it('the options that write files (warnings, trace events, reports) write none that holds a value or a credential', async () => {
    const token = 'FAKE-node-options-session-Lw5Rq2';
    const secretKey = 'FAKE-node-options-secret-key-Vb7Tn1';
    emulator.addCredentials({
      accessKeyId: 'fake-node-options-key',
      secretAccessKey: secretKey,
      sessionToken: token,
    });
    const written: string[] = [];
    for (const options of [
      '--redirect-warnings=DIR/warnings.txt --trace-warnings',
      '--trace-event-categories=node,node.bootstrap,node.environment,v8 --trace-event-file-pattern=DIR/trace.log',
      '--report-uncaught-exception --report-on-fatalerror --report-directory=DIR',
    ]) {
      const dir = fresh(options.replace(/[^a-z]/g, '').slice(0, 40));
      const result = await runBin(['-s', 'P=app/token', '--', 'sh', '-c', 'test -n "$P"'], {
        ...awsEnv(emulator),
        AWS_ACCESS_KEY_ID: 'fake-node-options-key',
        AWS_SECRET_ACCESS_KEY: secretKey,
        AWS_SESSION_TOKEN: token,
        NODE_OPTIONS: options.replaceAll('DIR', dir),
      });
      assert.equal(result.status, 0, `${options}: ${result.stderr}`);
      for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
        const text = readFileSync(join(dir, file), 'latin1');
        written.push(`${options.split(' ')[0]}: ${file}`);
        for (const needle of [VALUE, token, secretKey])
          assert.equal(
            text.includes(needle),
            false,
            `${options} wrote ${file} holding a value or a credential`,
          );
      }
    }
    // The control: the options did act (on the process that only re-runs withsecrets), and wrote a file to read.
    // (--cpu-prof and --heap-prof Node itself refuses in NODE_OPTIONS.)
    assert.ok(
      written.some((entry) => entry.startsWith('--trace-event-categories')),
      written.join('; '),
    );
  });

  it('passes the exit status and a relayed SIGTERM through the re-execution as without it', async () => {
    for (const options of [awsEnv(emulator), env('--inspect-port=0 --no-warnings')]) {
      const exited = await runBin(['-s', 'P=app/token', '--', 'sh', '-c', 'exit 3'], options);
      assert.equal(exited.status, 3, exited.stderr);
      const started = track(
        spawn(NODE, [BIN, '-s', 'P=app/token', '--', ...WAITING_SH], {
          env: options,
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      await started.waitForLine(/^READY$/);
      started.child.kill('SIGTERM');
      const result = await started.finished;
      assert.deepEqual([result.status, result.signal], [7, null], result.stderr);
      assert.match(result.stdout, /^GOT TERM$/m);
    }
  });

  it('a command killed by a signal ends withsecrets the same way through the re-execution', async () => {
    const ends = [];
    for (const options of [awsEnv(emulator), env('--insp"ect"-port=0')]) {
      const result = await runBin(['-s', 'P=app/token', '--', 'sh', '-c', 'kill -TERM $$'], options);
      ends.push([result.status, result.signal]);
    }
    assert.deepEqual(ends[1], ends[0]);
    assert.deepEqual(ends[0], [null, 'SIGTERM']);
  });
});
