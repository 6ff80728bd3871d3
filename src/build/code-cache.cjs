// Makes dist/withsecrets.cache, dist/aws-sdk.cache and dist/aws-ssm.cache at build time: runs typical fetches, then saves V8's compiled code.
'use strict';

// Plain CommonJS run by a plain `node` (src/build/build.ts spawns it): V8 rejects a cache made under other flags.
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const loader = require('../../bin/withsecrets.js');

/** src/build/build.ts fails the build on this status: the SDK workloads did not load the SDK's bundle. */
const SDK_NOT_LOADED = 3;

const REGION = 'us-east-1';
const SECRETS = new Map([
  ['cache/one', 'cache-value-0001'],
  ['cache/app/db', '{"host":"db.internal","port":5432,"password":"cache-pw-0002"}'],
  ['cache/app/token', 'cache-token-0003'],
]);

/**
 * What a run does most: one secret by name, a prefix, a reference in the environment, output masked (stdout is a
 * pipe here), a child started and waited for. V8 then caches every function these ran, not only the top level.
 */
const WORKLOADS = [
  ['-s', 'cache/one', '--', process.execPath, '-e', '0'],
  ['-s', 'cache/app/*', '-s', 'TOKEN=cache/app/db#password', '--', process.execPath, '-e', '0'],
  ['--param', '/cache/one', '--param', '/cache/app/*', '--', process.execPath, '-e', '0'],
];
const PARAMETERS = new Map([
  ['/cache/one', 'cache-param-0004'],
  ['/cache/app/db/url', 'cache-param-0005'],
]);

function parameterOf(name) {
  const value = PARAMETERS.get(name);
  if (value === undefined) return undefined;
  const arn = `arn:aws:ssm:${REGION}:123456789012:parameter${name}`;
  return { Name: name, ARN: arn, Type: 'SecureString', Value: value, Version: 1 };
}

/** Just enough of Parameter Store's JSON protocol for the workloads. */
function answerSsm(operation, input) {
  switch (operation) {
    case 'GetParameters': {
      const found = input.Names.map(parameterOf);
      return {
        Parameters: found.filter(Boolean),
        InvalidParameters: input.Names.filter((_, index) => found[index] === undefined),
      };
    }
    case 'GetParametersByPath': {
      const names = [...PARAMETERS.keys()].filter((name) => name.startsWith(`${input.Path}/`));
      return { Parameters: names.map(parameterOf) };
    }
    default:
      return undefined;
  }
}

function arnOf(name) {
  return `arn:aws:secretsmanager:${REGION}:123456789012:secret:${name}-AbCdEf`;
}

function secretValueOf(id) {
  const name = id.startsWith('arn:') ? id.split(':secret:')[1].slice(0, -7) : id;
  const value = SECRETS.get(name);
  if (value === undefined) return undefined;
  return {
    ARN: arnOf(name),
    Name: name,
    SecretString: value,
    VersionId: 'v1',
    VersionStages: ['AWSCURRENT'],
  };
}

/** Just enough of Secrets Manager's JSON protocol for the workloads. */
function answer(operation, input) {
  switch (operation) {
    case 'GetSecretValue':
      return secretValueOf(input.SecretId);
    case 'BatchGetSecretValue':
      return { SecretValues: input.SecretIdList.map(secretValueOf).filter(Boolean), Errors: [] };
    case 'ListSecrets': {
      const prefix = input.Filters?.[0]?.Values?.[0] ?? '';
      const names = [...SECRETS.keys()].filter((name) => name.startsWith(prefix));
      return { SecretList: names.map((name) => ({ ARN: arnOf(name), Name: name })) };
    }
    default:
      return undefined;
  }
}

function startServer() {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const input = JSON.parse(body || '{}');
      const result = target.startsWith('AmazonSSM.')
        ? answerSsm(target.slice('AmazonSSM.'.length), input)
        : answer(target.replace('secretsmanager.', ''), input);
      response.writeHead(result === undefined ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(result ?? { __type: 'ResourceNotFoundException', message: 'not found' }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The environment of a workload: the SDK reads process.env itself, withsecrets reads io.env; both get it. */
function useEnv(env) {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  Object.assign(process.env, env);
}

async function runWorkloads(withsecrets, env) {
  useEnv(env);
  let errors = '';
  const io = { env, stdout: { write: () => true }, stderr: { write: (text) => (errors += text) } };
  for (const argv of WORKLOADS) {
    const exit = await withsecrets.main(argv, io);
    if (exit.status !== 0)
      throw new Error(`workload ${argv.join(' ')} ended with ${JSON.stringify(exit)}: ${errors}`);
  }
}

function cacheOf({ buildId, script }) {
  return Buffer.concat([Buffer.from(buildId, 'latin1'), script.createCachedData()]);
}

async function main() {
  const server = await startServer();
  const { port } = server.address();
  const scratch = mkdtempSync(join(tmpdir(), 'withsecrets-cache-'));
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_ACCESS_KEY_ID: 'cache',
      AWS_SECRET_ACCESS_KEY: 'cache',
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${port}`,
      // The builder's own AWS files and instance role must not matter.
      AWS_CONFIG_FILE: join(__dirname, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(__dirname, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      CACHE_REFERENCE: 'secretsmanager://cache/one',
    };
    // An AWS config file that exists sends a run down the SDK's path (src/aws/direct-route.ts); an empty one sets nothing.
    const sdkConfig = join(scratch, 'config');
    writeFileSync(sdkConfig, '');

    loader.settings.useCache = false;
    const cli = loader.loadBundle('withsecrets');
    if (cli.buildId === undefined)
      throw new Error('the bundle has no build id: build it with `npm run build`');
    // Without an AWS config file first (most runs), then the same with one: the CLI's cache is made after both,
    // so it holds the functions of either path (measured: no slower than one made after the first alone); the
    // SDK's holds what its path ran.
    await runWorkloads(cli.exports, env);
    await runWorkloads(cli.exports, { ...env, AWS_CONFIG_FILE: sdkConfig });
    const sdk = loader.loaded.get('aws-sdk');
    const ssm = loader.loaded.get('aws-ssm');
    if (sdk === undefined || ssm === undefined) {
      process.stderr.write(
        'code-cache: the workloads did not load dist/aws-sdk.cjs and dist/aws-ssm.cjs: the rule for when a run ' +
          'needs the SDK has changed, and src/build/code-cache.cjs must exercise the new one\n',
      );
      return SDK_NOT_LOADED;
    }
    if (sdk.buildId === undefined || ssm.buildId === undefined)
      throw new Error('an SDK bundle has no build id: build it with `npm run build`');
    writeFileSync(cli.cacheFile, cacheOf(cli));
    writeFileSync(sdk.cacheFile, cacheOf(sdk));
    writeFileSync(ssm.cacheFile, cacheOf(ssm));
    return 0;
  } finally {
    server.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (status) => process.exit(status),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
