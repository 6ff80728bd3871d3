// A CONNECT proxy for the tests: records every request it is sent, can ask for credentials, tunnels to loopback only.
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';

/** What the proxy was asked: the method and target of each request, and what the tunnel's client sent first. */
export interface ProxiedRequest {
  readonly method: string;
  /** `host:port` for CONNECT, the request target otherwise. */
  readonly target: string;
  readonly proxyAuthorization: string | undefined;
  /** The first byte the client sent through the tunnel: 0x16 is a TLS handshake, so the proxy saw no plain text. */
  firstTunnelByte?: number;
}

export interface TestProxy {
  /** `http://127.0.0.1:PORT`, with no credentials. */
  readonly origin: string;
  readonly port: number;
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/;

/**
 * With `credentials`, a CONNECT without that exact Basic `Proxy-Authorization` is answered 407, as Squid does. A
 * request other than CONNECT, or a tunnel to anything but loopback, is answered 403 (and recorded): these tests
 * never send traffic off this machine.
 */
export async function startConnectProxy(
  options: { credentials?: { user: string; password: string } } = {},
): Promise<TestProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const expected =
    options.credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`;
  const server = createServer((request, response) => {
    requests.push(recorded(request, request.url ?? ''));
    response.writeHead(403).end();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    const target = request.url ?? '';
    const entry = recorded(request, target);
    requests.push(entry);
    if (expected !== undefined && request.headers['proxy-authorization'] !== expected) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const [, host = '', port = ''] = /^(.*):(\d+)$/.exec(target) ?? [];
    if (!LOOPBACK.test(host)) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = connect({ host: host.replace(/^\[|\]$/g, ''), port: Number(port) });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.once('error', () => client.destroy());
    client.once('error', () => upstream.destroy());
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.once('data', (chunk: Buffer) => {
        if (chunk.length > 0) entry.firstTunnelByte = chunk.readUInt8(0);
      });
      client.pipe(upstream).pipe(client);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function recorded(request: IncomingMessage, target: string): ProxiedRequest {
  const header = request.headers['proxy-authorization'];
  return { method: request.method ?? '', target, proxyAuthorization: header };
}
