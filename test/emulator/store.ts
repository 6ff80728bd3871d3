// The secrets themselves: one store per region, versions with staging labels, and lookup by name, full ARN or partial ARN.

import { randomBytes, randomUUID } from 'node:crypto';
import {
  alreadyMarkedDeleted,
  bothValues,
  markedForDeletion,
  nameScheduledForDeletion,
  noValue,
  secretExists,
  tokenInUse,
} from './errors.ts';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPREVIOUS = 'AWSPREVIOUS';

/** Exactly one of `string` and `binary` is set. */
export interface SecretValue {
  readonly string?: string;
  readonly binary?: Uint8Array;
}

export interface SecretVersion {
  readonly versionId: string;
  readonly value: SecretValue;
  readonly stages: Set<string>;
  /** Epoch seconds, as AWS puts dates on the wire. */
  readonly createdDate: number;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface StoredSecret {
  readonly name: string;
  readonly arn: string;
  readonly createdDate: number;
  readonly versions: Map<string, SecretVersion>;
  description?: string;
  tags?: Tag[];
  lastChangedDate: number;
  lastAccessedDate?: number;
  deletedDate?: number;
  /** Set by tests: every read of the value answers DecryptionFailure, as when the KMS key is unusable. */
  decryptionFails: boolean;
}

export interface NewVersion {
  readonly value: SecretValue;
  /** The SDK always sends one (an idempotency token); it becomes the VersionId. */
  readonly clientRequestToken?: string;
  readonly stages?: readonly string[];
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The 6 random characters AWS appends to a secret's ARN, so a re-created secret gets a new ARN. */
const arnSuffix = (): string =>
  [...randomBytes(6)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');

const sameValue = (a: SecretValue, b: SecretValue): boolean =>
  a.string === b.string && Buffer.compare(Buffer.from(a.binary ?? []), Buffer.from(b.binary ?? [])) === 0;

export function checkValue(value: SecretValue, required: boolean): void {
  if (value.string !== undefined && value.binary !== undefined) throw bothValues();
  if (required && value.string === undefined && value.binary === undefined) throw noValue();
}

/** The secrets of one region of one account. */
export class RegionStore {
  readonly region: string;
  readonly accountId: string;
  private readonly clock: () => number;
  private readonly secrets = new Map<string, StoredSecret>();

  constructor(region: string, accountId: string, clock: () => number) {
    this.region = region;
    this.accountId = accountId;
    this.clock = clock;
  }

  private nowSeconds(): number {
    return Math.round(this.clock()) / 1000;
  }

  /** Finds by name, full ARN, or partial ARN (the ARN without its `-XXXXXX` suffix), within this region only. */
  find(secretId: string): StoredSecret | undefined {
    if (!secretId.startsWith('arn:')) return this.secrets.get(secretId);
    const prefix = `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:`;
    if (!secretId.startsWith(prefix)) return undefined;
    const rest = secretId.slice(prefix.length);
    const byName = this.secrets.get(rest);
    if (byName !== undefined) return byName;
    return [...this.secrets.values()].find((secret) => secret.arn === secretId);
  }

  /** Every secret, in name order. */
  all(): StoredSecret[] {
    return [...this.secrets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  create(
    name: string,
    first: NewVersion | undefined,
    extra: { description?: string; tags?: Tag[]; arnSuffix?: string } = {},
  ) {
    const existing = this.secrets.get(name);
    if (existing?.deletedDate !== undefined) throw nameScheduledForDeletion();
    if (existing !== undefined) {
      const token = first?.clientRequestToken;
      const retried = token === undefined ? undefined : existing.versions.get(token);
      // A retried CreateSecret (same token, same value) is answered as the first one was: the SDK may retry it.
      if (retried !== undefined && first !== undefined && sameValue(retried.value, first.value)) {
        return { secret: existing, version: retried };
      }
      throw secretExists(name);
    }
    if (first !== undefined) checkValue(first.value, true);
    const now = this.nowSeconds();
    const secret: StoredSecret = {
      name,
      arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${extra.arnSuffix ?? arnSuffix()}`,
      createdDate: now,
      lastChangedDate: now,
      versions: new Map(),
      decryptionFails: false,
      ...(extra.description === undefined ? {} : { description: extra.description }),
      ...(extra.tags === undefined ? {} : { tags: extra.tags }),
    };
    this.secrets.set(name, secret);
    const version = first === undefined ? undefined : this.addVersion(secret, first);
    return { secret, version };
  }

  /** A replica in this region of `primary` (from another region): the same name, ARN suffix and versions. */
  replicate(primary: StoredSecret): StoredSecret {
    const { secret } = this.create(primary.name, undefined, { arnSuffix: primary.arn.slice(-6) });
    for (const version of primary.versions.values()) {
      secret.versions.set(version.versionId, { ...version, stages: new Set(version.stages) });
    }
    return secret;
  }

  /** PutSecretValue: the new version takes its stages; AWSCURRENT moving leaves AWSPREVIOUS on the old one. */
  addVersion(secret: StoredSecret, next: NewVersion): SecretVersion {
    if (secret.deletedDate !== undefined) throw markedForDeletion();
    checkValue(next.value, true);
    const versionId = next.clientRequestToken ?? randomUUID();
    const existing = secret.versions.get(versionId);
    if (existing !== undefined) {
      if (sameValue(existing.value, next.value)) return existing;
      throw tokenInUse(versionId, secret.arn);
    }
    const stages = new Set(
      secret.versions.size === 0 ? [AWSCURRENT, ...(next.stages ?? [])] : (next.stages ?? [AWSCURRENT]),
    );
    const current = [...secret.versions.values()].find((version) => version.stages.has(AWSCURRENT));
    if (stages.has(AWSCURRENT) && current !== undefined) {
      for (const version of secret.versions.values()) version.stages.delete(AWSPREVIOUS);
      current.stages.add(AWSPREVIOUS);
    }
    for (const version of secret.versions.values()) {
      for (const stage of stages) version.stages.delete(stage);
    }
    const version: SecretVersion = { versionId, value: next.value, stages, createdDate: this.nowSeconds() };
    secret.versions.set(versionId, version);
    secret.lastChangedDate = version.createdDate;
    return version;
  }

  /** Schedules deletion (reads then fail), or removes the secret at once with `force`. */
  delete(secret: StoredSecret, options: { force: boolean; recoveryWindowInDays: number }): number {
    if (secret.deletedDate !== undefined && !options.force) throw alreadyMarkedDeleted();
    const now = this.nowSeconds();
    if (options.force) {
      this.secrets.delete(secret.name);
      return now;
    }
    secret.deletedDate = now;
    return now + options.recoveryWindowInDays * 86_400;
  }

  /** Records a read the way AWS does: LastAccessedDate holds the day only. */
  touch(secret: StoredSecret): void {
    const day = 86_400;
    secret.lastAccessedDate = Math.floor(this.nowSeconds() / day) * day;
  }
}

/** All regions of the emulated account; a region's store is created when first used. */
export class SecretStore {
  readonly accountId: string;
  private readonly clock: () => number;
  private readonly regions = new Map<string, RegionStore>();

  constructor(accountId: string, clock: () => number) {
    this.accountId = accountId;
    this.clock = clock;
  }

  region(region: string): RegionStore {
    let store = this.regions.get(region);
    if (store === undefined) {
      store = new RegionStore(region, this.accountId, this.clock);
      this.regions.set(region, store);
    }
    return store;
  }
}
