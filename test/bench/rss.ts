// Peak RSS of a whole process, as the kernel counts it at exit (wait4's ru_maxrss), never sampled from outside.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Node cannot wait4() its children, and sampling /proc/PID/status races the exit. So a tiny parent that can does
 * the waiting: GNU time (`time -f %M`, apt-get install time), else python3's os.wait4. ru_maxrss is the largest
 * of the process and the children it waited for; the command a wrapper runs is far smaller, so it is the wrapper's.
 */
export interface RssMethod {
  readonly name: string;
  /** Peak RSS in MB of one run of argv. */
  measure(argv: readonly string[], env: NodeJS.ProcessEnv): number;
}

const PYTHON_WAIT4 = [
  'import os, sys',
  'out, argv = sys.argv[1], sys.argv[2:]',
  'null = os.open(os.devnull, os.O_RDWR)',
  'acts = [(os.POSIX_SPAWN_DUP2, null, fd) for fd in (0, 1, 2)]',
  'pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=acts)',
  '_, status, usage = os.wait4(pid, 0)',
  'open(out, "w").write(str(usage.ru_maxrss))',
  'sys.exit(0 if status == 0 else 1)',
].join('\n');

export function findRssMethod(scratchDir: string): RssMethod | undefined {
  const out = join(scratchDir, 'rss.txt');
  const read = (): number => {
    const kilobytes = Number(readFileSync(out, 'utf8').trim().split('\n').at(-1));
    rmSync(out, { force: true });
    if (!Number.isFinite(kilobytes) || kilobytes <= 0) throw new Error('no peak RSS reported');
    return kilobytes / 1024;
  };
  const gnuTime: RssMethod = {
    name: 'GNU time -f %M (wait4 ru_maxrss)',
    measure(argv, env) {
      const run = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, ...argv], { env, stdio: 'ignore' });
      if (run.status !== 0) throw new Error(`${argv.join(' ')} exited ${run.status} under time`);
      return read();
    },
  };
  const python: RssMethod = {
    name: 'python3 os.wait4 ru_maxrss',
    measure(argv, env) {
      const run = spawnSync('python3', ['-c', PYTHON_WAIT4, out, ...argv], { env, stdio: 'ignore' });
      if (run.status !== 0) throw new Error(`${argv.join(' ')} exited ${run.status} under python3`);
      return read();
    },
  };
  for (const method of [gnuTime, python]) {
    try {
      method.measure(['true'], process.env);
      return method;
    } catch {
      rmSync(out, { force: true });
    }
  }
  return undefined;
}
