// One connected socket pair for the child's stdout and stderr together, so `>log 2>&1` keeps their order.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';

export interface SharedOutput {
  /** Given to the child as both fd 1 and fd 2. */
  readonly childEnd: Socket;
  /** What withsecrets reads the child's output from. */
  readonly parentEnd: Socket;
}

const NONCE_BYTES = 16;

/**
 * Node cannot make a socketpair for two stdio slots, so this listens on a Linux abstract socket (no file
 * is created) under a random name, connects to it once, and accepts only the connection that presents
 * a random nonce, so no other process can take the child's place. Undefined where this is impossible.
 */
export async function connectSharedOutput(): Promise<SharedOutput | undefined> {
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
    return { childEnd, parentEnd };
  } catch {
    return undefined;
  } finally {
    server.close();
  }
}
