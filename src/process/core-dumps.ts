// Gives the command back the core dumps its user configured: withsecrets' own hold none of its memory.
import { writeFileSync } from 'node:fs';

/**
 * The core-dump filter (hex) withsecrets was started with, recorded by bin/withsecrets.js before it emptied its
 * own; undefined when there is no /proc or withsecrets was not started through its bin.
 */
function filterAtStart(): string | undefined {
  const filter = (globalThis as Record<symbol, unknown>)[Symbol.for('withsecrets.coreDumpFilter')];
  return typeof filter === 'string' ? filter : undefined;
}

/**
 * A child inherits withsecrets' empty filter; this writes the original back to /proc/PID/coredump_filter, with a
 * `0x` prefix (the kernel reads a leading 0 as octal). Never throws: the child may already be gone.
 */
export function restoreCoreDumpFilter(pid: number | undefined, filter = filterAtStart()): void {
  if (pid === undefined || filter === undefined) return;
  try {
    writeFileSync(`/proc/${pid}/coredump_filter`, `0x${filter}`, { flag: 'r+' });
  } catch {
    // Gone already, or /proc went away: the command's core dumps are then as withsecrets' own, empty.
  }
}
