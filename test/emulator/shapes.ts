// Reading awsJson1_1 request members and writing response shapes exactly as Secrets Manager's model names them.

import { invalidName, validationError } from './errors.ts';
import type { SecretValue, SecretVersion, StoredSecret, Tag } from './store.ts';

export type JsonObject = Record<string, unknown>;

/** AWS's validation messages name members in lower camel case (`secretId`) and quote the value given. */
const invalid = (field: string, value: unknown, constraint: string) =>
  validationError(
    field.charAt(0).toLowerCase() + field.slice(1),
    `'${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}'`,
    constraint,
  );

function checkLength(field: string, value: string | readonly unknown[], min: number, max: number): void {
  if (value.length < min) {
    throw invalid(field, value, `Member must have length greater than or equal to ${min}`);
  }
  if (value.length > max) throw invalid(field, value, `Member must have length less than or equal to ${max}`);
}

export function optionalString(input: JsonObject, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(field, value, 'Member must be a string');
  return value;
}

export function requiredString(input: JsonObject, field: string, maxLength = 2048): string {
  const value = optionalString(input, field);
  if (value === undefined) {
    throw validationError(field.charAt(0).toLowerCase() + field.slice(1), 'null', 'Member must not be null');
  }
  checkLength(field, value, 1, maxLength);
  return value;
}

export function optionalInteger(
  input: JsonObject,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid(field, value, 'Member must be an integer');
  }
  if (value < min) throw invalid(field, value, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw invalid(field, value, `Member must have value less than or equal to ${max}`);
  return value;
}

export function optionalStringList(
  input: JsonObject,
  field: string,
  min: number,
  max: number,
): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw invalid(field, value, 'Member must be a list of strings');
  }
  checkLength(field, value, min, max);
  return value as string[];
}

/** Secret names: 1 to 512 of ASCII letters, digits and `/_+=.@-`. */
export function secretName(input: JsonObject): string {
  const name = requiredString(input, 'Name', 512);
  if (!/^[A-Za-z0-9/_+=.@-]+$/.test(name)) throw invalidName();
  return name;
}

/** SecretString as given; SecretBinary arrives base64-encoded. */
export function secretValue(input: JsonObject): SecretValue {
  const text = optionalString(input, 'SecretString');
  const binary = optionalString(input, 'SecretBinary');
  return {
    ...(text === undefined ? {} : { string: text }),
    ...(binary === undefined ? {} : { binary: Buffer.from(binary, 'base64') }),
  };
}

export function tags(input: JsonObject): Tag[] | undefined {
  const value = input.Tags;
  if (value === undefined || value === null) return undefined;
  const valid =
    Array.isArray(value) &&
    value.every((tag) => typeof tag?.Key === 'string' && typeof (tag.Value ?? '') === 'string');
  if (!valid) throw invalid('Tags', value, 'Member must be a list of tags');
  return (value as Tag[]).map((tag) => ({ Key: tag.Key, Value: tag.Value ?? '' }));
}

/** The value members shared by GetSecretValue and each BatchGetSecretValue entry. */
export function valueShape(secret: StoredSecret, version: SecretVersion): JsonObject {
  const { string, binary } = version.value;
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    ...(string === undefined ? {} : { SecretString: string }),
    ...(binary === undefined ? {} : { SecretBinary: Buffer.from(binary).toString('base64') }),
    VersionStages: [...version.stages],
    CreatedDate: version.createdDate,
  };
}

/** DescribeSecret names the version map `VersionIdsToStages`; ListSecrets entries name it `SecretVersionsToStages`. */
export function describeShape(
  secret: StoredSecret,
  versionsKey: 'VersionIdsToStages' | 'SecretVersionsToStages',
): JsonObject {
  const staged = [...secret.versions.values()].filter((version) => version.stages.size > 0);
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description === undefined ? {} : { Description: secret.description }),
    LastChangedDate: secret.lastChangedDate,
    ...(secret.lastAccessedDate === undefined ? {} : { LastAccessedDate: secret.lastAccessedDate }),
    ...(secret.deletedDate === undefined ? {} : { DeletedDate: secret.deletedDate }),
    ...(secret.tags === undefined ? {} : { Tags: secret.tags }),
    [versionsKey]: Object.fromEntries(staged.map((version) => [version.versionId, [...version.stages]])),
    CreatedDate: secret.createdDate,
  };
}
