// The run's private directory for --file values (0700, with a marker naming its process), and the sweep that
// removes the directory of a run that was SIGKILLed, identified by that marker, never by its name alone.

import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { isOurs, privateDirectoryProblem, verifyPrivateDirectory } from '../private-directory.ts';

/** The start of every run directory's name; only a candidate for the sweep, which trusts the marker inside. */
const NAME_START = 'withsecrets-files-';
/** The marker: which process made the directory; the sweep removes only a directory whose process is gone. */
export const MARKER_NAME = '.withsecrets-run';
const MARKER_FORMAT = 'withsecrets run directory v1';

/** Makes `<place>/withsecrets-files-<pid>-XXXXXX`, mode 0700, with its marker; throws on any failed check. */
export function makeRunDirectory(place: string): string {
  const directory = mkdtempSync(join(place, `${NAME_START}${process.pid}-`));
  try {
    // mkdtemp's mode is 0700 less the umask; exactly 0700, whatever the umask.
    chmodSync(directory, 0o700);
    verifyPrivateDirectory(directory);
    const fd = openSync(
      join(directory, MARKER_NAME),
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      writeSync(fd, markerText(process.pid));
    } finally {
      closeSync(fd);
    }
    return directory;
  } catch (error) {
    removeRunDirectory(directory);
    throw error;
  }
}

/**
 * Removes the regular files in `directory`, then the directory. Synchronous, so an exit handler can call it.
 * Only unlinks (never follows a link, never recurses); quiet, since a second call finds nothing.
 */
export function removeRunDirectory(directory: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  // The marker goes last: a directory the command left something in keeps it, so it stays known as ours.
  const unlinked = names
    .filter((name) => name !== MARKER_NAME)
    .map((name) => {
      try {
        unlinkSync(join(directory, name));
        return true;
      } catch {
        // Gone already, or not a file we made (a directory the command made): it is left, the safe side.
        return false;
      }
    });
  if (unlinked.includes(false)) return;
  try {
    unlinkSync(join(directory, MARKER_NAME));
    rmdirSync(directory);
  } catch {
    // Not empty or gone: nothing more is safe to do.
  }
}

/**
 * Removes the run directories in `place` left by runs that were killed before they could clean up: a directory
 * ours, mode 0700, not a link, whose marker (a regular file of ours) names a process of this PID namespace that
 * is gone, or whose PID now belongs to a process started later. Returns how many it removed.
 */
export function sweepStaleRunDirectories(place: string): number {
  let names: string[];
  try {
    names = readdirSync(place);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(NAME_START)) continue;
    const directory = join(place, name);
    if (isStale(directory)) {
      removeRunDirectory(directory);
      removed += 1;
    }
  }
  return removed;
}

function isStale(directory: string): boolean {
  try {
    if (privateDirectoryProblem(lstatSync(directory)) !== undefined) return false;
    const fd = openSync(join(directory, MARKER_NAME), constants.O_RDONLY | constants.O_NOFOLLOW);
    let text: string;
    try {
      const marker = fstatSync(fd);
      if (!marker.isFile() || !isOurs(marker.uid) || marker.size > 1024) return false;
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
    const fields = parseMarker(text);
    // Another PID namespace (a container sharing this tmpfs) numbers its processes apart: never judged from here.
    if (fields === undefined || fields.pidNamespace !== pidNamespace()) return false;
    return !isRunning(fields.pid, fields.start);
  } catch {
    // No marker, or one that cannot be read: not known to be a dead run's, so left alone.
    return false;
  }
}

function markerText(pid: number): string {
  return `${MARKER_FORMAT}\npid ${pid}\nstart ${startTime(pid) ?? '?'}\npidns ${pidNamespace()}\n`;
}

function parseMarker(text: string): { pid: number; start: string; pidNamespace: string } | undefined {
  const lines = text.split('\n');
  if (lines[0] !== MARKER_FORMAT) return undefined;
  const field = (name: string) => lines.find((line) => line.startsWith(`${name} `))?.slice(name.length + 1);
  const pid = Number(field('pid'));
  const start = field('start');
  const namespace = field('pidns');
  if (!Number.isSafeInteger(pid) || pid <= 0 || start === undefined || namespace === undefined)
    return undefined;
  return { pid, start, pidNamespace: namespace };
}

/** Whether `pid` runs and is the process that wrote the marker (same start time), not a later one with its number. */
function isRunning(pid: number, start: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = startTime(pid);
  return start === '?' || now === undefined || now === start;
}

/** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '?';
  }
}
