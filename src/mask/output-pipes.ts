// Real pipes for the child's stdout and stderr (Node only offers socketpairs), and one for both under `>log 2>&1`.
import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  mkdtempSync,
  openSync,
  rmdirSync,
  rmSync,
  type Stats,
  unlinkSync,
} from 'node:fs';
import { connect, createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOurs, modeOf, verifyPrivateDirectory } from '../private-directory.ts';

/** One channel from the child to withsecrets. */
export interface OutputPipe {
  /** For the child's stdio slot (both slots under `>log 2>&1`). */
  readonly childEnd: number | Socket;
  /** What withsecrets reads the child's output from. */
  readonly parentEnd: Socket;
  /** Drops withsecrets' copy of the child's end, once the child has its own: then EOF means the child's side closed. */
  closeChildEnd(): void;
}

const NONCE_BYTES = 16;
const MKFIFO_TIMEOUT_MS = 5000;

/**
 * `count` pipes. A socketpair, all that Node's `stdio: 'pipe'` gives, cannot be reopened by path, so a script's
 * `echo oops > /dev/stderr` or `tee /dev/stdout` fails with ENXIO; a pipe can. Node has no pipe(2), so these
 * are FIFOs made by `mkfifo` in a private directory, opened at both ends and unlinked at once: only the open
 * descriptors remain, and what flows through them never touches disk. Undefined where that is impossible
 * (no `mkfifo` program, as in distroless images; no writable temporary directory).
 *
 * Also undefined, so the caller falls back to the socketpair, when the directory or a FIFO fails its checks
 * (issue #21): no byte of output then reaches anything but our own pipe. Only our own uid or root can plant
 * a thing in the 0700 directory, and either could read our memory anyway, so the run goes on rather than failing.
 */
export async function openOutputPipes(count: number): Promise<OutputPipe[] | undefined> {
  let directory: string | undefined;
  const opened: number[] = [];
  try {
    directory = mkdtempSync(join(tmpdir(), 'withsecrets-'));
    verifyPrivateDirectory(directory);
    const paths = Array.from({ length: count }, (_, index) => join(directory as string, `pipe${index}`));
    await makeFifos(paths);
    return paths.map((path) => {
      const read = openVerifiedFifo(path, constants.O_RDONLY | constants.O_NONBLOCK);
      opened.push(read.fd);
      // Blocking, as a child expects its stdout to be; the open does not wait, since a reader exists.
      const writeFd = openVerifiedFifo(path, constants.O_WRONLY, read.stats).fd;
      opened.push(writeFd);
      const readFd = read.fd;
      unlinkSync(path);
      return {
        childEnd: writeFd,
        parentEnd: new Socket({ fd: readFd, readable: true, writable: false }),
        closeChildEnd: () => closeQuietly(writeFd),
      };
    });
  } catch {
    for (const fd of opened) closeQuietly(fd);
    return undefined;
  } finally {
    if (directory !== undefined) removeDirectory(directory);
  }
}

/**
 * Opens one FIFO by path without following a symlink (O_NOFOLLOW, so a planted link fails with ELOOP) and checks
 * the opened descriptor itself, not the path: a FIFO, ours, mode exactly 0600 and, given `sameAs` (the read end's
 * stats), the same inode on the same device. Throws otherwise, having closed the descriptor.
 */
export function openVerifiedFifo(
  path: string,
  flags: number,
  sameAs?: Stats,
): { readonly fd: number; readonly stats: Stats } {
  const fd = openSync(path, flags | constants.O_NOFOLLOW);
  try {
    const stats = fstatSync(fd);
    const problem = !stats.isFIFO()
      ? 'is not a FIFO'
      : !isOurs(stats.uid)
        ? `is owned by uid ${stats.uid}`
        : (stats.mode & 0o777) !== 0o600
          ? `has mode ${modeOf(stats)}, not 0600`
          : sameAs !== undefined && (stats.ino !== sameAs.ino || stats.dev !== sameAs.dev)
            ? 'is not the FIFO opened for reading'
            : undefined;
    if (problem !== undefined) throw new Error(`withsecrets: ${path} ${problem}`);
    return { fd, stats };
  } catch (error) {
    closeQuietly(fd);
    throw error;
  }
}

/** One pipe for the child's stdout and stderr together, so `>log 2>&1` keeps their order. */
export async function connectSharedOutput(): Promise<OutputPipe | undefined> {
  return (await openOutputPipes(1))?.[0] ?? (await connectSocketPair());
}

function makeFifos(paths: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // Only PATH: the secrets are never in withsecrets' own environment, but nothing else is needed either.
    // No stdio: pipes to a program that prints nothing on success would only cost time at every start.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const child = spawn('mkfifo', ['-m', '600', ...paths], {
      env,
      stdio: 'ignore',
      timeout: MKFIFO_TIMEOUT_MS,
    });
    child.once('error', reject);
    child.once('exit', (status) =>
      status === 0 ? resolve() : reject(new Error(`mkfifo ended with ${status}`)),
    );
  });
}

/** Empty once every FIFO is unlinked; only a failure leaves one behind (rmSync's recursion costs a module load). */
function removeDirectory(directory: string): void {
  try {
    rmdirSync(directory);
  } catch {
    rmSync(directory, { recursive: true, force: true });
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

/**
 * The fallback without FIFOs: a connected socket pair. Node cannot make a socketpair for two stdio slots, so
 * this listens on a Linux abstract socket (no file is created) under a random name, connects to it once, and
 * accepts only the connection that presents a random nonce, so no other process can take the child's place.
 */
async function connectSocketPair(): Promise<OutputPipe | undefined> {
  if (process.platform !== 'linux') return undefined;
  const name = `\0withsecrets-${randomBytes(16).toString('hex')}`;
  const nonce = randomBytes(NONCE_BYTES);
  const server = createServer();
  try {
    const accepted = new Promise<Socket>((resolve) => {
      server.on('connection', (socket) => {
        socket.once('readable', function check() {
          const presented = socket.read(NONCE_BYTES) as Buffer | null;
          if (presented === null) return void socket.once('readable', check);
          if (timingSafeEqual(presented, nonce)) resolve(socket);
          else socket.destroy();
        });
      });
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(name, resolve));
    const childEnd = connect(name);
    childEnd.write(nonce);
    const parentEnd = await accepted;
    return { childEnd, parentEnd, closeChildEnd: () => childEnd.destroy() };
  } catch {
    return undefined;
  } finally {
    server.close();
  }
}
