// https in front of the emulator for the tests: a throwaway CA and a certificate for localhost made with openssl.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer } from 'node:tls';

export interface TestCertificates {
  /** The CA's certificate, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * A CA and a certificate it signed for localhost and 127.0.0.1, valid for a day, in `dir`. Node cannot make X.509
 * certificates itself; openssl can. Returns why not when openssl is missing, for the tests to skip with.
 */
export function makeTestCertificates(dir: string): TestCertificates | { unavailable: string } {
  const file = (name: string) => join(dir, name);
  writeFileSync(
    file('leaf.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = ['-subj', '/CN=withsecrets test CA', '-addext', 'basicConstraints=critical,CA:TRUE'];
  const commands = [
    ['req', '-x509', ...ec, ...ca, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1'],
    ['req', ...ec, '-subj', '/CN=localhost', '-keyout', file('leaf.key'), '-out', file('leaf.csr')],
    [
      'x509',
      '-req',
      '-in',
      file('leaf.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
    ],
  ];
  commands[2]?.push('-days', '1', '-extfile', file('leaf.ext'), '-out', file('leaf.pem'));
  for (const args of commands) {
    const made = spawnSync('openssl', args, { encoding: 'utf8' });
    if (made.error !== undefined) return { unavailable: `openssl is not installed (${made.error.message})` };
    if (made.status !== 0) return { unavailable: `openssl ${args[0]} failed: ${made.stderr}` };
  }
  return {
    caFile: file('ca.pem'),
    cert: readFileSync(file('leaf.pem')),
    key: readFileSync(file('leaf.key')),
  };
}

export interface TlsFront {
  /** `https://localhost:PORT`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Ends TLS on 127.0.0.1 and passes the bytes to the emulator's http port: the emulator sees the same requests. */
export async function startTlsFront(emulatorPort: number, certificates: TestCertificates): Promise<TlsFront> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer({ cert: certificates.cert, key: certificates.key }, (secure) => {
    track(secure);
    const plain = connect({ host: '127.0.0.1', port: emulatorPort });
    track(plain);
    plain.once('error', () => secure.destroy());
    secure.once('error', () => plain.destroy());
    secure.pipe(plain).pipe(secure);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `https://localhost:${port}`,
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
