// Parameter Store's data: one store per region, each parameter's numbered versions with labels, lookup by name or ARN.

import { createHash } from 'node:crypto';

export type ParameterType = 'String' | 'StringList' | 'SecureString';

export interface ParameterVersion {
  readonly version: number;
  readonly value: string;
  readonly labels: Set<string>;
  /** Epoch seconds, as AWS puts dates on the wire. */
  readonly modifiedDate: number;
}

export interface StoredParameter {
  readonly name: string;
  readonly arn: string;
  readonly type: ParameterType;
  /** The KMS key of a SecureString (AWS's default is alias/aws/ssm). */
  readonly keyId: string;
  readonly versions: ParameterVersion[];
  /** Set by tests: kms:Decrypt on this parameter's key is denied, as when the identity may not use the key. */
  decryptDenied: boolean;
}

export const DEFAULT_KEY_ID = 'alias/aws/ssm';

/** What a SecureString shows without WithDecryption: base64 text that is never the value (a stand-in for KMS). */
export function fakeCiphertext(parameter: StoredParameter, version: ParameterVersion): string {
  const digest = createHash('sha256').update(`${parameter.keyId}\0${version.value}`).digest();
  return Buffer.concat([Buffer.from('AQICAHfake-kms'), digest]).toString('base64');
}

export class ParameterRegion {
  readonly #parameters = new Map<string, StoredParameter>();
  readonly #arnPrefix: string;
  readonly #clock: () => number;

  constructor(region: string, accountId: string, clock: () => number) {
    this.#arnPrefix = `arn:aws:ssm:${region}:${accountId}:parameter`;
    this.#clock = clock;
  }

  /** A parameter's ARN: `parameter/prod/db` for `/prod/db`, `parameter/db` for `db`. */
  arnOf(name: string): string {
    return `${this.#arnPrefix}${name.startsWith('/') ? '' : '/'}${name}`;
  }

  /** A new parameter, or a new version of one (its type and key kept unless given). */
  put(name: string, value: string, options: { type?: ParameterType; keyId?: string } = {}): StoredParameter {
    const existing = this.#parameters.get(name);
    const modifiedDate = Math.floor(this.#clock() / 1000);
    if (existing !== undefined) {
      const version = (existing.versions.at(-1)?.version ?? 0) + 1;
      existing.versions.push({ version, value, labels: new Set(), modifiedDate });
      return existing;
    }
    const parameter: StoredParameter = {
      name,
      arn: this.arnOf(name),
      type: options.type ?? 'SecureString',
      keyId: options.keyId ?? DEFAULT_KEY_ID,
      versions: [{ version: 1, value, labels: new Set(), modifiedDate }],
      decryptDenied: false,
    };
    this.#parameters.set(name, parameter);
    return parameter;
  }

  /** By name, or by ARN (`parameter/db` finds `db` or `/db`, as AWS's ARNs cannot tell them apart). */
  find(nameOrArn: string): StoredParameter | undefined {
    if (!nameOrArn.startsWith('arn:')) return this.#parameters.get(nameOrArn);
    if (!nameOrArn.startsWith(`${this.#arnPrefix}/`)) return undefined;
    const rest = nameOrArn.slice(this.#arnPrefix.length + 1);
    return this.#parameters.get(`/${rest}`) ?? this.#parameters.get(rest);
  }

  /** The version a selector asks for (`3`, or a label), the latest without one; undefined when there is none. */
  version(parameter: StoredParameter, selector: string | undefined): ParameterVersion | undefined {
    if (selector === undefined) return parameter.versions.at(-1);
    if (/^[0-9]+$/.test(selector))
      return parameter.versions.find((each) => each.version === Number(selector));
    return parameter.versions.find((each) => each.labels.has(selector));
  }

  /** Moves `labels` to one version, as LabelParameterVersion does (a label is on one version at a time). */
  label(parameter: StoredParameter, version: number, labels: readonly string[]): void {
    for (const each of parameter.versions) for (const label of labels) each.labels.delete(label);
    const target = parameter.versions.find((each) => each.version === version);
    if (target === undefined) throw new Error(`parameter ${parameter.name} has no version ${version}`);
    for (const label of labels) target.labels.add(label);
  }

  /** Every parameter under `path`: its direct children, or every level below with `recursive`, in name order. */
  under(path: string, recursive: boolean): StoredParameter[] {
    const base = path.endsWith('/') ? path : `${path}/`;
    return [...this.#parameters.values()]
      .filter(
        (each) => each.name.startsWith(base) && (recursive || !each.name.slice(base.length).includes('/')),
      )
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

export class ParameterStore {
  readonly #regions = new Map<string, ParameterRegion>();
  readonly #accountId: string;
  readonly #clock: () => number;

  constructor(accountId: string, clock: () => number) {
    this.#accountId = accountId;
    this.#clock = clock;
  }

  region(region: string): ParameterRegion {
    let store = this.#regions.get(region);
    if (store === undefined) {
      store = new ParameterRegion(region, this.#accountId, this.#clock);
      this.#regions.set(region, store);
    }
    return store;
  }
}
