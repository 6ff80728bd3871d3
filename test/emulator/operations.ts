// The single-secret operations: GetSecretValue, DescribeSecret, CreateSecret, PutSecretValue and DeleteSecret.

import type { AccessRules, Caller, Operation } from './access.ts';
import {
  decryptionFailure,
  invalidParameter,
  markedForDeletion,
  secretNotFound,
  stageNotOnVersion,
  versionNotFound,
} from './errors.ts';
import {
  describeShape,
  type JsonObject,
  optionalInteger,
  optionalString,
  optionalStringList,
  requiredString,
  secretName,
  secretValue,
  tags,
  valueShape,
} from './shapes.ts';
import { AWSCURRENT, checkValue, type RegionStore, type SecretVersion, type StoredSecret } from './store.ts';

/** What a handler may use: the caller's region store, the deny rules, and who is calling. */
export interface CallContext {
  readonly store: RegionStore;
  readonly access: AccessRules;
  readonly caller: Caller;
}

export type Handler = (context: CallContext, input: JsonObject) => JsonObject;

/** Access is checked before existence, as IAM does: a denied caller cannot learn whether a secret exists. */
export function findPermitted(context: CallContext, action: Operation, secretId: string): StoredSecret {
  const secret = context.store.find(secretId);
  context.access.checkSecret(context.caller, action, secretId, secret);
  if (secret === undefined) throw secretNotFound();
  return secret;
}

/** The version a read asks for (AWSCURRENT by default), or the error AWS gives for it. */
export function readableVersion(
  secret: StoredSecret,
  versionId?: string,
  versionStage?: string,
): SecretVersion {
  if (secret.deletedDate !== undefined) throw markedForDeletion();
  let version: SecretVersion | undefined;
  if (versionId !== undefined) {
    version = secret.versions.get(versionId);
    if (version === undefined) throw versionNotFound('VersionId', versionId);
    if (versionStage !== undefined && !version.stages.has(versionStage)) throw stageNotOnVersion();
  } else {
    const stage = versionStage ?? AWSCURRENT;
    version = [...secret.versions.values()].find((candidate) => candidate.stages.has(stage));
    if (version === undefined) throw versionNotFound('staging label', stage);
  }
  if (secret.decryptionFails) throw decryptionFailure();
  return version;
}

const getSecretValue: Handler = (context, input) => {
  const secretId = requiredString(input, 'SecretId');
  const versionId = optionalString(input, 'VersionId');
  const versionStage = optionalString(input, 'VersionStage');
  const secret = findPermitted(context, 'GetSecretValue', secretId);
  const version = readableVersion(secret, versionId, versionStage);
  context.store.touch(secret);
  return valueShape(secret, version);
};

const describeSecret: Handler = (context, input) => {
  const secret = findPermitted(context, 'DescribeSecret', requiredString(input, 'SecretId'));
  return describeShape(secret, 'VersionIdsToStages');
};

const createSecret: Handler = (context, input) => {
  const name = secretName(input);
  const value = secretValue(input);
  checkValue(value, false);
  const description = optionalString(input, 'Description');
  const secretTags = tags(input);
  const token = optionalString(input, 'ClientRequestToken');
  context.access.checkSecret(context.caller, 'CreateSecret', name, context.store.find(name));
  const hasValue = value.string !== undefined || value.binary !== undefined;
  const { secret, version } = context.store.create(
    name,
    hasValue ? { value, ...(token === undefined ? {} : { clientRequestToken: token }) } : undefined,
    {
      ...(description === undefined ? {} : { description }),
      ...(secretTags === undefined ? {} : { tags: secretTags }),
    },
  );
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(version === undefined ? {} : { VersionId: version.versionId }),
  };
};

const putSecretValue: Handler = (context, input) => {
  const secretId = requiredString(input, 'SecretId');
  const value = secretValue(input);
  const token = optionalString(input, 'ClientRequestToken');
  const stages = optionalStringList(input, 'VersionStages', 1, 20);
  const secret = findPermitted(context, 'PutSecretValue', secretId);
  const version = context.store.addVersion(secret, {
    value,
    ...(token === undefined ? {} : { clientRequestToken: token }),
    ...(stages === undefined ? {} : { stages }),
  });
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    VersionStages: [...version.stages],
  };
};

const deleteSecret: Handler = (context, input) => {
  const secretId = requiredString(input, 'SecretId');
  const window = optionalInteger(
    input,
    'RecoveryWindowInDays',
    Number.MIN_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER,
  );
  const force = input.ForceDeleteWithoutRecovery === true;
  if (force && window !== undefined) {
    throw invalidParameter(
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  if (window !== undefined && (window < 7 || window > 30)) {
    throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
  }
  const secret = findPermitted(context, 'DeleteSecret', secretId);
  const deletionDate = context.store.delete(secret, { force, recoveryWindowInDays: window ?? 30 });
  return { ARN: secret.arn, Name: secret.name, DeletionDate: deletionDate };
};

export const singleSecretHandlers = {
  GetSecretValue: getSecretValue,
  DescribeSecret: describeSecret,
  CreateSecret: createSecret,
  PutSecretValue: putSecretValue,
  DeleteSecret: deleteSecret,
} as const satisfies Partial<Record<Operation, Handler>>;
