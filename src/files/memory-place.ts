// Chooses where --file values may go: a directory on a memory-backed file system (tmpfs, ramfs), checked with statfs.

import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { WithsecretsError } from '../errors.ts';

/** statfs(2) f_type values (linux/magic.h) of the file systems that keep their files in memory only. */
const MEMORY_FILE_SYSTEMS = new Map([
  [0x01021994, 'tmpfs'],
  [0x858458f6, 'ramfs'],
]);
/** Names for the disk-backed types a user is likely to meet, so the refusal says what the directory is on. */
const OTHER_FILE_SYSTEMS = new Map([
  [0xef53, 'ext2/3/4'],
  [0x58465342, 'xfs'],
  [0x9123683e, 'btrfs'],
  [0x794c7630, 'overlayfs'],
  [0x2fc12fc1, 'zfs'],
  [0x6969, 'nfs'],
  [0x65735546, 'fuse'],
  [0x4d44, 'vfat'],
]);

export interface PlaceOptions {
  /** --file-dir, as given. */
  readonly fileDir?: string;
  /** --file-on-disk: a --file-dir that is not memory-backed is accepted. */
  readonly fileOnDisk: boolean;
}

/** The directory the run's private directory is made in; absolute, so a command that changes directory still finds it. */
export interface FilePlace {
  readonly directory: string;
  readonly memoryBacked: boolean;
}

/**
 * --file-dir if given (refused unless memory-backed, or --file-on-disk); else the first memory-backed, writable
 * one of $XDG_RUNTIME_DIR, /dev/shm, /run/user/UID. Throws FILE_DIR naming every place tried and why it failed.
 */
export function chooseFilePlace(
  options: PlaceOptions,
  env: Readonly<Record<string, string | undefined>>,
): FilePlace {
  if (options.fileDir !== undefined) {
    const directory = resolve(options.fileDir);
    const problem = whyUnusable(directory, options.fileOnDisk);
    if (problem !== undefined) {
      const hint = problem.onDisk
        ? 'give a tmpfs such as /dev/shm, or add --file-on-disk to accept that the values reach the disk'
        : 'give an existing directory you can write to, on a tmpfs such as /dev/shm';
      throw new WithsecretsError('FILE_DIR', `--file-dir ${directory} ${problem.reason}`, { hint });
    }
    return { directory, memoryBacked: memoryFileSystem(directory) !== undefined };
  }
  const uid = process.getuid?.();
  const runtime = env.XDG_RUNTIME_DIR;
  const candidates: { label: string; directory: string | undefined }[] = [
    {
      label: 'XDG_RUNTIME_DIR',
      directory: runtime === undefined || runtime === '' || !isAbsolute(runtime) ? undefined : runtime,
    },
    { label: '/dev/shm', directory: '/dev/shm' },
    ...(uid === undefined ? [] : [{ label: `/run/user/${uid}`, directory: `/run/user/${uid}` }]),
  ];
  const tried: string[] = [];
  for (const { label, directory } of candidates) {
    if (directory === undefined) {
      tried.push(`${label} is ${runtime === undefined || runtime === '' ? 'unset' : 'not an absolute path'}`);
      continue;
    }
    const problem = whyUnusable(directory, false);
    if (problem === undefined) return { directory, memoryBacked: true };
    tried.push(`${label === directory ? directory : `${label} (${directory})`} ${problem.reason}`);
  }
  throw new WithsecretsError('FILE_DIR', `no memory-backed directory for --file: ${tried.join('; ')}`, {
    hint: 'give a tmpfs with --file-dir DIR (or accept the disk with --file-dir DIR --file-on-disk); the command was not run',
  });
}

/** Why a directory cannot take the files, or undefined when it can. */
function whyUnusable(
  directory: string,
  diskAccepted: boolean,
): { reason: string; onDisk?: boolean } | undefined {
  try {
    const stat = statSync(directory);
    if (!stat.isDirectory()) return { reason: 'is not a directory' };
    // Others who may write there and remove what is not theirs could swap the run directory for a link.
    if ((stat.mode & 0o022) !== 0 && (stat.mode & 0o1000) === 0) {
      return { reason: 'is writable by others and not sticky (like /tmp is): they could replace the files' };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})` };
  }
  if (!diskAccepted && memoryFileSystem(directory) === undefined) {
    return { reason: `is on ${fileSystemName(directory)}, not in memory (tmpfs, ramfs)`, onDisk: true };
  }
  try {
    accessSync(directory, constants.W_OK | constants.X_OK);
  } catch (error) {
    return { reason: `is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return undefined;
}

function memoryFileSystem(directory: string): string | undefined {
  try {
    return MEMORY_FILE_SYSTEMS.get(statfsSync(directory).type);
  } catch {
    return undefined;
  }
}

function fileSystemName(directory: string): string {
  try {
    const type = statfsSync(directory).type;
    return OTHER_FILE_SYSTEMS.get(type) ?? `a file system of type 0x${type.toString(16)}`;
  } catch {
    return 'a file system statfs cannot tell';
  }
}
