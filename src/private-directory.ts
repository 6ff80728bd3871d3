// A directory only this user may use (the FIFOs' and the --file values'): itself a directory, not a link, ours, 0700.
import { lstatSync, type Stats } from 'node:fs';

/** Whether this user owns it; where there are no uids (Windows, which has no `mkfifo` either), nothing to compare. */
export function isOurs(uid: number): boolean {
  const own = process.getuid?.();
  return own === undefined || uid === own;
}

/** `0755`: a mode as a message shows it. */
export function modeOf(stats: Stats): string {
  return `0${(stats.mode & 0o777).toString(8)}`;
}

/** What is wrong with `stats` (from lstat) for a private directory, or undefined when nothing is. */
export function privateDirectoryProblem(stats: Stats): string | undefined {
  if (!stats.isDirectory()) return 'is not a directory';
  if (!isOurs(stats.uid)) return `is owned by uid ${stats.uid}`;
  if ((stats.mode & 0o777) !== 0o700) return `has mode ${modeOf(stats)}, not 0700`;
  return undefined;
}

/** Throws unless `directory` (not followed if a link: TMPDIR above it may be one) is a private directory. */
export function verifyPrivateDirectory(directory: string): void {
  const problem = privateDirectoryProblem(lstatSync(directory));
  if (problem !== undefined) throw new Error(`withsecrets: ${directory} ${problem}`);
}
