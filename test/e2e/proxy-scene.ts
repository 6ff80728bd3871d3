// What the proxy tests share: the emulator behind TLS, a CONNECT proxy asking for credentials, and the job's environment.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe } from 'node:test';
import { type Emulator, startEmulator } from '../emulator/emulator.ts';
import { startConnectProxy, type TestProxy } from './connect-proxy.ts';
import { awsEnv, closedPort, fixture, NODE, type ROUTES } from './harness.ts';
import { makeTestCertificates, startTlsFront, type TestCertificates, type TlsFront } from './tls-front.ts';

export const USER = 'ci-runner';
export const PASSWORD = 'pr0xy-FAKE-s3cret';
export const VALUE = 'tok-FAKE-through-the-proxy';
export const AGENT_TOKEN = 'agent-token-FAKE-proxy';
/** Prints TOKEN as the command received it. */
export const PRINT = ['--no-mask', '--', NODE, fixture('print-env.js'), 'TOKEN'];

export interface ProxyScene {
  readonly emulator: Emulator;
  readonly front: TlsFront;
  readonly proxy: TestProxy;
  /** A port nothing listens on. */
  readonly deadPort: number;
  /** A port that accepts connections and never says a word. */
  readonly silentPort: number;
  /** The job's environment: the emulator behind TLS at https://localhost:PORT, its CA trusted, and these variables. */
  env(route: (typeof ROUTES)[number], variables: Record<string, string>): Record<string, string>;
  /** `http://USER:PASSWORD@127.0.0.1:PORT` of the proxy, with this password. */
  proxyUrl(password?: string): string;
  /** Forgets what the proxy and the emulator saw. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A describe block with the scene set up before its tests, reset before each and closed after them; skipped, with
 * the reason, where openssl cannot make the test CA. `body` reads the scene through `scene()` once tests run.
 */
export function describeWithProxyScene(title: string, body: (scene: () => ProxyScene) => void): void {
  const certificates = makeSceneCertificates();
  const skip = 'unavailable' in certificates ? certificates.unavailable : false;
  describe(title, { skip }, () => {
    let current: ProxyScene | undefined;
    const scene = () => current ?? assert.fail('the proxy scene is not set up');
    before(async () => {
      if (!('unavailable' in certificates)) current = await setUpProxyScene(certificates);
    });
    beforeEach(() => current?.reset());
    after(() => current?.close());
    body(scene);
  });
}

/** The test CA and certificate in a scratch directory, or why they cannot be made here (no openssl). */
function makeSceneCertificates(): (TestCertificates & { scratch: string }) | { unavailable: string } {
  const scratch = mkdtempSync(join(tmpdir(), 'withsecrets-proxy-'));
  const certificates = makeTestCertificates(scratch);
  if (!('unavailable' in certificates)) return { ...certificates, scratch };
  rmSync(scratch, { recursive: true, force: true });
  return { unavailable: `needs openssl for a test CA: ${certificates.unavailable}` };
}

async function setUpProxyScene(certificates: TestCertificates & { scratch: string }): Promise<ProxyScene> {
  const emulator = await startEmulator({ agent: { token: AGENT_TOKEN } });
  emulator.createSecret('ci/token', VALUE);
  emulator.putParameter('/ci/param', VALUE, { type: 'SecureString' });
  const front = await startTlsFront(emulator.port, certificates);
  const proxy = await startConnectProxy({ credentials: { user: USER, password: PASSWORD } });
  const silent = await startSilentServer();
  return {
    emulator,
    front,
    proxy,
    deadPort: await closedPort(),
    silentPort: silent.port,
    env: (route, variables) =>
      awsEnv(emulator, {
        AWS_ENDPOINT_URL_SECRETS_MANAGER: front.url,
        AWS_ENDPOINT_URL_SSM: front.url,
        NODE_EXTRA_CA_CERTS: certificates.caFile,
        ...route.env,
        ...variables,
      }),
    proxyUrl: (password = PASSWORD) =>
      `http://${USER}:${encodeURIComponent(password)}@127.0.0.1:${proxy.port}`,
    reset: () => {
      proxy.requests.length = 0;
      emulator.clearCalls();
    },
    close: async () => {
      silent.close();
      await proxy.close();
      await front.close();
      await emulator.close();
      rmSync(certificates.scratch, { recursive: true, force: true });
    },
  };
}

/** Every form in which the proxy's password could leak into withsecrets' output. */
export function assertNoCredentials(output: string): void {
  const forms = [
    PASSWORD,
    encodeURIComponent(PASSWORD),
    Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
  ];
  for (const form of forms) assert.ok(!output.includes(form), `the proxy's password in: ${output}`);
}

/** A server that accepts connections and never answers: a proxy hung behind its listener. */
async function startSilentServer(): Promise<{ port: number; close(): void }> {
  const held = new Set<Socket>();
  const server = createServer((socket) => held.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const socket of held) socket.destroy();
      server.close();
    },
  };
}
