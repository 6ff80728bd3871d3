// The signal lists, each checked against an independent source: signal(7)'s default actions and the README.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CORE_DUMP_SIGNALS,
  childGotItFromTerminal,
  FATAL_TO_WITHSECRETS,
  FORWARDED_SIGNALS,
  HARMLESS_BEFORE_CHILD,
  JOB_CONTROL_STOPS,
  QUIETLY_IGNORED,
  RUN_STOP_REQUESTS,
} from '../../../src/process/signals.ts';

/** signal(7), Linux: each standard signal's default action. */
const DEFAULT_ACTION: Readonly<Record<string, 'Term' | 'Ign' | 'Core' | 'Stop' | 'Cont'>> = {
  SIGHUP: 'Term',
  SIGINT: 'Term',
  SIGQUIT: 'Core',
  SIGILL: 'Core',
  SIGTRAP: 'Core',
  SIGABRT: 'Core',
  SIGBUS: 'Core',
  SIGFPE: 'Core',
  SIGKILL: 'Term',
  SIGUSR1: 'Term',
  SIGSEGV: 'Core',
  SIGUSR2: 'Term',
  SIGPIPE: 'Term',
  SIGALRM: 'Term',
  SIGTERM: 'Term',
  SIGSTKFLT: 'Term',
  SIGCHLD: 'Ign',
  SIGCONT: 'Cont',
  SIGSTOP: 'Stop',
  SIGTSTP: 'Stop',
  SIGTTIN: 'Stop',
  SIGTTOU: 'Stop',
  SIGURG: 'Ign',
  SIGXCPU: 'Core',
  SIGXFSZ: 'Core',
  SIGVTALRM: 'Term',
  SIGPROF: 'Term',
  SIGWINCH: 'Ign',
  SIGIO: 'Term',
  SIGPWR: 'Term',
  SIGSYS: 'Core',
};
const withAction = (action: string) =>
  Object.keys(DEFAULT_ACTION).filter((signal) => DEFAULT_ACTION[signal] === action);

describe('signal lists', () => {
  it('relays exactly the signals the README lists', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const line = /^- ((?:[A-Z0-9]+ )+)are sent on to the/m.exec(readme)?.[1];
    assert.ok(line !== undefined, 'the README lists the relayed signals');
    const listed = line
      .trim()
      .split(' ')
      .map((name) => `SIG${name}`);
    assert.deepEqual(new Set(FORWARDED_SIGNALS), new Set(listed));
    assert.equal(FORWARDED_SIGNALS.length, listed.length);
  });

  it('knows every signal whose default action dumps core', () => {
    assert.deepEqual(new Set(CORE_DUMP_SIGNALS), new Set(withAction('Core')));
  });

  it('lets during a fetch exactly the relayed signals whose default action would not end withsecrets', () => {
    const harmless = FORWARDED_SIGNALS.filter((signal) =>
      ['Ign', 'Cont'].includes(DEFAULT_ACTION[signal] ?? ''),
    );
    assert.deepEqual(new Set(HARMLESS_BEFORE_CHILD), new Set(harmless));
  });

  it('stops itself after relaying exactly the stop signals it can catch', () => {
    assert.deepEqual(
      new Set(JOB_CONTROL_STOPS),
      new Set(withAction('Stop').filter((signal) => signal !== 'SIGSTOP')),
    );
  });

  it('takes as meant for itself the core-dumping signals a kill sends and JavaScript can handle', () => {
    assert.deepEqual([...FATAL_TO_WITHSECRETS], ['SIGABRT', 'SIGTRAP', 'SIGSYS', 'SIGXCPU']);
    for (const signal of FATAL_TO_WITHSECRETS) assert.equal(DEFAULT_ACTION[signal], 'Core');
    for (const signal of FATAL_TO_WITHSECRETS) assert.ok(!FORWARDED_SIGNALS.includes(signal));
  });

  it('quietly ignores the other names of handled signals, and SIGXFSZ', () => {
    assert.ok(QUIETLY_IGNORED.includes('SIGXFSZ'));
    for (const alias of ['SIGPOLL', 'SIGIOT'] as NodeJS.Signals[])
      assert.ok(QUIETLY_IGNORED.includes(alias), alias);
    for (const signal of QUIETLY_IGNORED) {
      assert.ok(!FORWARDED_SIGNALS.includes(signal) && !FATAL_TO_WITHSECRETS.includes(signal), signal);
    }
  });

  it('treats TERM and INT as the requests to stop the run', () => {
    assert.deepEqual(new Set(RUN_STOP_REQUESTS), new Set(['SIGTERM', 'SIGINT']));
  });

  it('never counts a signal no terminal sends as come from the terminal', () => {
    for (const signal of ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGCONT'] as NodeJS.Signals[]) {
      assert.equal(childGotItFromTerminal(signal), false, signal);
    }
  });
});
