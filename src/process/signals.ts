// Which signals withsecrets relays to its child, and how, as a careful init (tini, dumb-init) does.
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/**
 * Every catchable signal a supervisor may send, as tini forwards them. Left out: SIGCHLD; the synchronous
 * ones (SEGV BUS FPE ILL ABRT TRAP SYS), which concern withsecrets itself; SIGPIPE and SIGXFSZ, which Node
 * ignores (and withsecrets keeps ignored) so that a closed or full output is an error, not a death; SIGPROF,
 * which V8's profiler uses.
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = [
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

/** The signals whose default action dumps core (signal(7)): a core of withsecrets would hold the secrets. */
export const CORE_DUMP_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set([
  'SIGQUIT',
  'SIGABRT',
  'SIGSEGV',
  'SIGBUS',
  'SIGFPE',
  'SIGILL',
  'SIGTRAP',
  'SIGSYS',
  'SIGXCPU',
  'SIGXFSZ',
]);

/**
 * The core-dumping signals that withsecrets catches as meant for itself, so they are not relayed (tini leaves
 * these synchronous ones to the process that gets them): it stops the child as after an internal failure,
 * then exits 128+N instead of dumping. SIGQUIT is relayed; SEGV BUS FPE ILL cannot be handled in JavaScript
 * when real; SIGXFSZ is ignored.
 */
export const FATAL_TO_WITHSECRETS: readonly NodeJS.Signals[] = ['SIGABRT', 'SIGTRAP', 'SIGSYS', 'SIGXCPU'];

/** What an orchestrator (TERM) or a user (Ctrl-C) sends to end the run; once relayed, rotation stands aside. */
export const RUN_STOP_REQUESTS: ReadonlySet<NodeJS.Signals> = new Set(['SIGTERM', 'SIGINT']);

/**
 * Signals withsecrets keeps a do-nothing listener on, so that signal-exit (which listens on them too) never
 * finds itself alone there and takes them for a death: the other names of the signals withsecrets handles
 * (SIGPOLL is SIGIO, SIGIOT is SIGABRT; Node emits a signal under every name with a listener), and SIGXFSZ,
 * which Node ignores so that a write past `ulimit -f` fails with EFBIG instead of dumping a core.
 */
export const QUIETLY_IGNORED: readonly NodeJS.Signals[] = [
  ...Object.entries(constants.signals)
    .filter(([name, number]) => {
      const handled = [...FORWARDED_SIGNALS, ...FATAL_TO_WITHSECRETS];
      return (
        handled.some((signal) => constants.signals[signal] === number) &&
        !(handled as string[]).includes(name)
      );
    })
    .map(([name]) => name as NodeJS.Signals),
  'SIGXFSZ',
];

/** Signals a terminal sends to its whole foreground process group (Ctrl-C, Ctrl-\, Ctrl-Z, a resize). */
const TERMINAL_GENERATED = new Set<NodeJS.Signals>(['SIGINT', 'SIGQUIT', 'SIGTSTP', 'SIGWINCH']);

/** After relaying these, withsecrets stops itself too, so the shell sees the job stopped (as dumb-init does). */
export const JOB_CONTROL_STOPS = new Set<NodeJS.Signals>(['SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/** Signals whose default action would not end withsecrets: they never abort a fetch. */
export const HARMLESS_BEFORE_CHILD = new Set<NodeJS.Signals>(['SIGWINCH', 'SIGCONT', 'SIGURG']);

/**
 * Whether the child already received this signal from the terminal. The child shares withsecrets'
 * process group; when that group is the terminal's foreground group, a terminal signal reached both,
 * and relaying it would deliver it twice. Linux only (/proc); elsewhere every signal is relayed.
 */
export function childGotItFromTerminal(signal: NodeJS.Signals): boolean {
  if (!TERMINAL_GENERATED.has(signal)) return false;
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    // Fields after the command name: state ppid pgrp session tty_nr tpgid ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const processGroup = Number(fields[2]);
    const foregroundGroup = Number(fields[5]);
    return foregroundGroup > 0 && processGroup === foregroundGroup;
  } catch {
    return false;
  }
}
