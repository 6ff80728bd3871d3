// How long the emulator takes per request, so the report can show it never dominates the start-up figures.
import { spawn } from 'node:child_process';
import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

export interface EmulatorLatency {
  /** One signed GetSecretValue at a time, ms each, the SDK's own work in this process included. */
  readonly sequentialMs: number;
  /** The same against a server that answers a canned reply without looking: the client's and HTTP's share. */
  readonly cannedMs: number;
  /** With 10 in flight: ms of wall time per request. */
  readonly concurrentMs: number;
  /** BatchGetSecretValue of 20 secrets, one at a time, ms each. */
  readonly batchOf20Ms: number;
}

const REQUESTS = 200;

/** A server in its own process, like the emulator, that answers every request with one fixed secret. */
const CANNED_SERVER = `
const body = JSON.stringify({ ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf', Name: 'x', SecretString: 'v', VersionId: 'v1', VersionStages: ['AWSCURRENT'] });
const server = require('node:http').createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(body));
});
server.listen(0, '127.0.0.1', () => process.stdout.write('listening on http://127.0.0.1:' + server.address().port + '\\n'));
process.once('SIGTERM', () => process.exit(0));
`;

export async function measureEmulatorLatency(
  url: string,
  region: string,
  one: string,
  twenty: readonly string[],
): Promise<EmulatorLatency> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const emulator = clientFor(url, region);
  const canned = spawn(process.execPath, ['-e', CANNED_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const cannedUrl = await new Promise<string>((resolvePromise, reject) => {
      canned.once('error', reject);
      canned.stdout.setEncoding('utf8').once('data', (line: string) => {
        const found = /listening on (\S+)/.exec(line)?.[1];
        if (found === undefined) reject(new Error(`canned server: ${line}`));
        else resolvePromise(found);
      });
    });
    const cannedClient = clientFor(cannedUrl, region);
    const getOne = (client: SecretsManagerClient) =>
      client.send(new GetSecretValueCommand({ SecretId: one }));
    for (let i = 0; i < 30; i++) await Promise.all([getOne(emulator), getOne(cannedClient)]); // warm up
    const sequentialMs = await perRequest(REQUESTS, async () => {
      for (let i = 0; i < REQUESTS; i++) await getOne(emulator);
    });
    const cannedMs = await perRequest(REQUESTS, async () => {
      for (let i = 0; i < REQUESTS; i++) await getOne(cannedClient);
    });
    const concurrentMs = await perRequest(REQUESTS, async () => {
      let next = 0;
      const worker = async () => {
        while (next++ < REQUESTS) await getOne(emulator);
      };
      await Promise.all(Array.from({ length: 10 }, worker));
    });
    const getBatch = () => emulator.send(new BatchGetSecretValueCommand({ SecretIdList: [...twenty] }));
    for (let i = 0; i < 10; i++) await getBatch();
    const batchOf20Ms = await perRequest(50, async () => {
      for (let i = 0; i < 50; i++) await getBatch();
    });
    cannedClient.destroy();
    return { sequentialMs, cannedMs, concurrentMs, batchOf20Ms };
  } finally {
    emulator.destroy();
    canned.kill('SIGTERM');
  }
}

function clientFor(endpoint: string, region: string): SecretsManagerClient {
  return new SecretsManagerClient({
    region,
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

async function perRequest(count: number, work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / count;
}
