// Owns a run's --file files: their private directory, their writes and rewrites, and their removal on every way out.

import { Buffer } from 'node:buffer';
import { join } from 'node:path';
import type { DeliveredFile } from '../environment/deliveries.ts';
import { WithsecretsError } from '../errors.ts';
import { chooseFilePlace, type PlaceOptions } from './memory-place.ts';
import { makeRunDirectory, removeRunDirectory, sweepStaleRunDirectories } from './run-directory.ts';
import { writeSecretFile } from './secret-file.ts';

export class FileStore {
  readonly directory: string;
  /** What each file holds now, by name: a rotation rewrites only the files whose value changed. */
  readonly #written = new Map<string, Buffer>();

  /**
   * Chooses the place (throws FILE_DIR when there is none), removes what killed runs left there, and makes this
   * run's directory. The caller removes it on every way out (main.ts: its finally, and process/exit-hook.ts).
   */
  static open(options: PlaceOptions, env: Readonly<Record<string, string | undefined>>): FileStore {
    const place = chooseFilePlace(options, env);
    sweepStaleRunDirectories(place.directory);
    let directory: string;
    try {
      directory = makeRunDirectory(place.directory);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'a failed check';
      throw new WithsecretsError(
        'FILE_DIR',
        `cannot make a private directory in ${place.directory} (${code})`,
        {
          hint: 'give a directory you can write to with --file-dir DIR; the command was not run',
          cause: error,
        },
      );
    }
    return new FileStore(directory);
  }

  private constructor(directory: string) {
    this.directory = directory;
  }

  /** The path the child is given for a file: fixed for the run, so a rotation keeps it. */
  pathOf(fileName: string): string {
    return join(this.directory, fileName);
  }

  /** Writes each file whose value is new or changed; throws FILE_WRITE naming the variable, never the value. */
  write(files: readonly DeliveredFile[]): void {
    for (const file of files) {
      const bytes = Buffer.from(file.bytes);
      if (this.#written.get(file.fileName)?.equals(bytes) === true) continue;
      try {
        writeSecretFile(this.directory, file.fileName, bytes);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        const message = `cannot write the file of ${file.variable} (${file.source}) in ${this.directory} (${code})`;
        throw new WithsecretsError('FILE_WRITE', message, {
          hint:
            code === 'ENOSPC'
              ? 'make room on that tmpfs, or choose another with --file-dir'
              : 'check the directory with --file-dir',
          cause: error,
        });
      }
      this.#written.set(file.fileName, bytes);
    }
  }

  /** Removes the files and the directory; safe to call more than once. */
  remove(): void {
    removeRunDirectory(this.directory);
    this.#written.clear();
  }
}
