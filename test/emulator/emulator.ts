// The in-process API tests use: start a Secrets Manager and Parameter Store emulator on 127.0.0.1, shape its data, faults and rules, close it.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessRules, type DenyRule } from './access.ts';
import { createAgentListener } from './agent.ts';
import type { CallRecord } from './call-log.ts';
import { CONTAINER_CREDENTIAL, CONTAINER_CREDENTIALS_PATH } from './container-credentials.ts';
import { secretNotFound } from './errors.ts';
import { FaultQueue, type FaultSpec } from './faults.ts';
import { ParameterStore, type ParameterType } from './parameters.ts';
import { type QuotaOptions, Quotas } from './quotas.ts';
import { type SeedEntries, seedFromEntries, seedFromText } from './seed.ts';
import { createRequestListener, type EmulatorCredential } from './server.ts';
import { SecretStore, type SecretValue, type StoredSecret, type Tag } from './store.ts';

export type { DenyRule, Operation } from './access.ts';
export type { BatchCallInfo, CallRecord } from './call-log.ts';
export type { FaultKind, FaultSpec } from './faults.ts';
export type { ParameterType } from './parameters.ts';
export type { QuotaOptions } from './quotas.ts';
export type { SeedEntries, SeedValue } from './seed.ts';
export type { EmulatorCredential } from './server.ts';
export type { Tag } from './store.ts';

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Where seeds and region-less admin calls go; `us-east-1` when not given. */
  readonly region?: string;
  /** `123456789012` when not given. */
  readonly accountId?: string;
  /** The accepted key pairs; `test` / `test` when not given. */
  readonly credentials?: readonly EmulatorCredential[];
  /** A seed file's JSON text (object values keep their exact text), or entries already parsed. */
  readonly seed?: string | SeedEntries;
  /** The server's clock in epoch ms, for SigV4 expiry and dates; `Date.now` when not given. */
  readonly clock?: () => number;
  /** Enforces AWS's per-region request rates (scaled), answering ThrottlingException beyond them as AWS does. */
  readonly quotas?: QuotaOptions;
  /**
   * Also start a stand-in Secrets Manager Agent on a port of its own (agent.ts): it wants `token` in its token header
   * and reads the default region's secrets as `accessKeyId` (`test` when not given).
   */
  readonly agent?: { readonly token: string; readonly accessKeyId?: string };
}

/** A string becomes SecretString, bytes SecretBinary, an object its JSON text. */
export type AdminValue = string | Uint8Array | { readonly [key: string]: unknown };

export interface SecretRef {
  readonly arn: string;
  readonly name: string;
  readonly versionId: string;
}

export interface ParameterRef {
  readonly name: string;
  readonly arn: string;
  readonly version: number;
}

export interface CallFilter {
  readonly operation?: string;
  readonly accessKeyId?: string;
  readonly region?: string;
  /** The `__type` of the error answered, e.g. `ThrottlingException`. */
  readonly errorCode?: string;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** For AWS_CONTAINER_CREDENTIALS_FULL_URI: hands out CONTAINER_CREDENTIAL, which is always accepted. */
  readonly containerCredentialsUrl: string;
  /** The stand-in agent's `http://127.0.0.1:PORT`, when started with the `agent` option. */
  readonly agentUrl: string | undefined;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** Every request received, in order; SDK retries each have their own record. */
  readonly calls: readonly CallRecord[];
  createSecret(
    name: string,
    value: AdminValue,
    options?: { region?: string; description?: string; tags?: Tag[] },
  ): SecretRef;
  /** A new AWSCURRENT version; the old one becomes AWSPREVIOUS. */
  putSecretValue(
    secretId: string,
    value: AdminValue,
    options?: { region?: string; versionStages?: string[] },
  ): SecretRef;
  /**
   * Replicates a secret to `toRegion` as AWS does: the replica's ARN is the primary's but for the region, its
   * versions are the primary's as they are now (later changes are not carried over).
   */
  replicateSecret(secretId: string, toRegion: string, options?: { region?: string }): SecretRef;
  /** Schedules deletion (reads then fail with InvalidRequestException), or removes the secret at once with `force`. */
  deleteSecret(secretId: string, options?: { region?: string; force?: boolean }): void;
  /** From now on, reading this secret's value answers DecryptionFailure. */
  failDecryption(secretId: string, options?: { region?: string }): void;
  /** A new parameter (a SecureString unless `type` says otherwise), or a new version of one; its latest version. */
  putParameter(
    name: string,
    value: string,
    options?: { region?: string; type?: ParameterType; keyId?: string },
  ): ParameterRef;
  /** Moves `labels` to that version of the parameter, as LabelParameterVersion does. */
  labelParameterVersion(
    name: string,
    version: number,
    labels: readonly string[],
    options?: { region?: string },
  ): void;
  /** From now on, kms:Decrypt of this SecureString's key is denied: a read WithDecryption answers AccessDenied. */
  denyParameterDecrypt(name: string, options?: { region?: string }): void;
  deny(rule: DenyRule): void;
  clearDenies(): void;
  inject(fault: FaultSpec): void;
  clearFaults(): void;
  addCredentials(credential: EmulatorCredential): void;
  /** How many recorded calls match every given field. */
  count(filter?: CallFilter): number;
  clearCalls(): void;
  /** The most requests that were in flight at once since the start or the last clearCalls(). */
  peakInFlight(): number;
  /** Stops listening and drops every connection, hung ones included; resolves once the port is free. */
  close(): Promise<void>;
}

const toSecretValue = (value: AdminValue): SecretValue =>
  typeof value === 'string'
    ? { string: value }
    : value instanceof Uint8Array
      ? { binary: value }
      : { string: JSON.stringify(value) };

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const defaultRegion = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const clock = options.clock ?? Date.now;
  const store = new SecretStore(accountId, clock);
  const parameters = new ParameterStore(accountId, clock);
  const access = new AccessRules();
  const faults = new FaultQueue();
  const credentials = new Map<string, EmulatorCredential>();
  for (const credential of options.credentials ?? [{ accessKeyId: 'test', secretAccessKey: 'test' }]) {
    credentials.set(credential.accessKeyId, credential);
  }
  credentials.set(CONTAINER_CREDENTIAL.accessKeyId, CONTAINER_CREDENTIAL);
  const calls: CallRecord[] = [];
  const closing = new AbortController();
  const inFlight = { now: 0, peak: 0 };

  const seeds =
    options.seed === undefined
      ? []
      : typeof options.seed === 'string'
        ? seedFromText(options.seed)
        : seedFromEntries(options.seed);
  for (const seed of seeds) {
    if (seed.parameter === undefined) store.region(defaultRegion).create(seed.name, { value: seed.value });
    else parameters.region(defaultRegion).put(seed.name, seed.parameter.value, { type: seed.parameter.type });
  }

  const quotas = options.quotas === undefined ? undefined : new Quotas(options.quotas);
  const state = {
    store,
    parameters,
    access,
    faults,
    credentials,
    calls,
    clock,
    closing: closing.signal,
    inFlight,
    quotas,
  };
  const server = createServer(createRequestListener(state));
  const port = await listen(server, options.port ?? 0);
  const agentServer =
    options.agent === undefined
      ? undefined
      : createServer(
          createAgentListener(state, {
            token: options.agent.token,
            accessKeyId: options.agent.accessKeyId ?? 'test',
            region: defaultRegion,
          }),
        );
  const agentPort = agentServer === undefined ? undefined : await listen(agentServer, 0);

  const existing = (secretId: string, region: string | undefined): StoredSecret => {
    const secret = store.region(region ?? defaultRegion).find(secretId);
    if (secret === undefined) throw secretNotFound();
    return secret;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    containerCredentialsUrl: `http://127.0.0.1:${port}${CONTAINER_CREDENTIALS_PATH}`,
    agentUrl: agentPort === undefined ? undefined : `http://127.0.0.1:${agentPort}`,
    port,
    region: defaultRegion,
    accountId,
    calls,
    createSecret(name, value, extra = {}) {
      const { secret, version } = store.region(extra.region ?? defaultRegion).create(
        name,
        { value: toSecretValue(value) },
        {
          ...(extra.description === undefined ? {} : { description: extra.description }),
          ...(extra.tags === undefined ? {} : { tags: extra.tags }),
        },
      );
      return { arn: secret.arn, name: secret.name, versionId: version?.versionId ?? '' };
    },
    putSecretValue(secretId, value, extra = {}) {
      const secret = existing(secretId, extra.region);
      const version = store.region(extra.region ?? defaultRegion).addVersion(secret, {
        value: toSecretValue(value),
        ...(extra.versionStages === undefined ? {} : { stages: extra.versionStages }),
      });
      return { arn: secret.arn, name: secret.name, versionId: version.versionId };
    },
    replicateSecret(secretId, toRegion, extra = {}) {
      const replica = store.region(toRegion).replicate(existing(secretId, extra.region));
      const current = [...replica.versions.values()].find((version) => version.stages.has('AWSCURRENT'));
      return { arn: replica.arn, name: replica.name, versionId: current?.versionId ?? '' };
    },
    deleteSecret(secretId, extra = {}) {
      const secret = existing(secretId, extra.region);
      store
        .region(extra.region ?? defaultRegion)
        .delete(secret, { force: extra.force ?? false, recoveryWindowInDays: 30 });
    },
    failDecryption(secretId, extra = {}) {
      existing(secretId, extra.region).decryptionFails = true;
    },
    putParameter(name, value, extra = {}) {
      const parameter = parameters.region(extra.region ?? defaultRegion).put(name, value, {
        ...(extra.type === undefined ? {} : { type: extra.type }),
        ...(extra.keyId === undefined ? {} : { keyId: extra.keyId }),
      });
      return { name, arn: parameter.arn, version: parameter.versions.at(-1)?.version ?? 0 };
    },
    labelParameterVersion(name, version, labels, extra = {}) {
      const region = parameters.region(extra.region ?? defaultRegion);
      const parameter = region.find(name);
      if (parameter === undefined) throw new Error(`no parameter ${name}`);
      region.label(parameter, version, labels);
    },
    denyParameterDecrypt(name, extra = {}) {
      const parameter = parameters.region(extra.region ?? defaultRegion).find(name);
      if (parameter === undefined) throw new Error(`no parameter ${name}`);
      parameter.decryptDenied = true;
    },
    deny: (rule) => access.deny(rule),
    clearDenies: () => access.clear(),
    inject: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    addCredentials: (credential) => void credentials.set(credential.accessKeyId, credential),
    count: (filter = {}) =>
      calls.filter(
        (call) =>
          (filter.operation === undefined || call.operation === filter.operation) &&
          (filter.accessKeyId === undefined || call.accessKeyId === filter.accessKeyId) &&
          (filter.region === undefined || call.region === filter.region) &&
          (filter.errorCode === undefined || call.errorCode === filter.errorCode),
      ).length,
    clearCalls: () => {
      calls.splice(0, calls.length);
      inFlight.peak = inFlight.now;
    },
    peakInFlight: () => inFlight.peak,
    close: async () => {
      closing.abort();
      await Promise.all([server, agentServer].map((each) => (each === undefined ? undefined : stop(each))));
    },
  };
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function stop(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
