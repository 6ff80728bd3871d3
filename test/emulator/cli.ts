// `npm run emulator -- --port PORT --seed FILE.json`: the emulator as a process, for manual runs and other tools.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.ts';

const USAGE =
  'usage: emulator [--port PORT] [--seed FILE.json] [--region REGION] [--account-id ID] [--access-key-id ID --secret-access-key KEY] [--quota-scale FACTOR]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      seed: { type: 'string' },
      region: { type: 'string' },
      'account-id': { type: 'string' },
      'access-key-id': { type: 'string', default: 'test' },
      'secret-access-key': { type: 'string', default: 'test' },
      // AWS's per-region rates times FACTOR, enforced (test/emulator/quotas.ts); none when not given.
      'quota-scale': { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be 0..65535: ${values.port}`);
  }
  const credential = { accessKeyId: values['access-key-id'], secretAccessKey: values['secret-access-key'] };
  if (credential.accessKeyId === '' || credential.secretAccessKey === '') {
    throw new Error('--access-key-id and --secret-access-key must not be empty');
  }
  const quotaScale = values['quota-scale'] === undefined ? undefined : Number(values['quota-scale']);
  if (quotaScale !== undefined && !(quotaScale > 0)) {
    throw new Error(`--quota-scale must be a number above 0: ${values['quota-scale']}`);
  }
  const emulator = await startEmulator({
    port,
    credentials: [credential],
    ...(values.seed === undefined ? {} : { seed: readFileSync(values.seed, 'utf8') }),
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(values['account-id'] === undefined ? {} : { accountId: values['account-id'] }),
    ...(quotaScale === undefined ? {} : { quotas: { scale: quotaScale } }),
  });
  // The first line is what scripts wait for; the rest is for the person who started it, keys included: they are
  // the emulator's own, accepted only here, and a newcomer who tries other fake keys gets BAD_CREDENTIALS.
  process.stdout.write(
    `listening on ${emulator.url}\n` +
      `accepts the key pair ${credential.accessKeyId} / ${credential.secretAccessKey} (set others with --access-key-id and --secret-access-key); to use it:\n` +
      `  export AWS_ENDPOINT_URL_SECRETS_MANAGER=${emulator.url} AWS_REGION=${emulator.region} ` +
      `AWS_ACCESS_KEY_ID=${credential.accessKeyId} AWS_SECRET_ACCESS_KEY=${credential.secretAccessKey}\n`,
  );

  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
});
