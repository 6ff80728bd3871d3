// The one place withsecrets writes a secret value to a file: a new 0600 file in the run's private directory,
// written byte for byte, then renamed into place, so that a reader never sees a half-written value.

import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `bytes` to `directory/name`, replacing any file of that name at once (rename(2) is atomic): the new
 * value goes to a fresh file (O_EXCL, O_NOFOLLOW: never an existing file or a planted link), mode 0600 whatever
 * the umask, and only a complete file takes the name. The first write and a rotation's take this same path.
 */
export function writeSecretFile(directory: string, name: string, bytes: Uint8Array): void {
  const staging = join(directory, `.${name}.${randomBytes(6).toString('hex')}`);
  const fd = openSync(
    staging,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    try {
      fchmodSync(fd, 0o600);
      // writeSync may write less than asked (a signal, a full file system): go on from where it stopped.
      for (let written = 0; written < bytes.length; ) {
        written += writeSync(fd, bytes, written, bytes.length - written);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(staging, join(directory, name));
  } catch (error) {
    try {
      unlinkSync(staging);
    } catch {
      // Renamed already, or never made.
    }
    throw error;
  }
}
