// `npm run emulator -- --port PORT --seed FILE.json`: the emulator as a process, for manual runs and other tools.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.ts';

const USAGE = 'usage: emulator [--port PORT] [--seed FILE.json] [--region REGION] [--account-id ID]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      seed: { type: 'string' },
      region: { type: 'string' },
      'account-id': { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be 0..65535: ${values.port}`);
  }
  const emulator = await startEmulator({
    port,
    ...(values.seed === undefined ? {} : { seed: readFileSync(values.seed, 'utf8') }),
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(values['account-id'] === undefined ? {} : { accountId: values['account-id'] }),
  });
  process.stdout.write(`listening on ${emulator.url}\n`);

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
