// Parameter Store's reads: GetParameter, GetParameters (by 10) and GetParametersByPath (paged), SecureStrings decrypted.

import type { AccessRules, Caller, Operation } from './access.ts';
import { readableVersion } from './operations.ts';
import { DEFAULT_KEY_ID, fakeCiphertext, type ParameterRegion, type StoredParameter } from './parameters.ts';
import {
  type JsonObject,
  optionalInteger,
  optionalString,
  optionalStringList,
  requiredString,
} from './shapes.ts';
import {
  kmsDecryptDenied,
  parameterNotFound,
  parameterVersionNotFound,
  ssmInvalidNextToken,
  ssmValidation,
  tooManyNames,
} from './ssm-errors.ts';
import type { RegionStore } from './store.ts';

export interface SsmCallContext {
  readonly parameters: ParameterRegion;
  /** Secrets Manager's store of the same region: `/aws/reference/secretsmanager/NAME` reads it. */
  readonly secrets: RegionStore;
  readonly access: AccessRules;
  readonly caller: Caller;
  readonly region: string;
  readonly accountId: string;
}

export type SsmHandler = (context: SsmCallContext, input: JsonObject) => JsonObject;

const REFERENCE = '/aws/reference/secretsmanager/';
const PAGE_SIZE = 10;

/** `name:3`, `name:label` or an ARN with one: the name, and the selector if any (names cannot hold ':'). */
function splitSelector(asked: string): { name: string; selector?: string } {
  const fields = asked.split(':');
  const nameFields = asked.startsWith('arn:') ? 6 : 1;
  if (fields.length <= nameFields) return { name: asked };
  return { name: fields.slice(0, nameFields).join(':'), selector: fields.slice(nameFields).join(':') };
}

function decrypted(context: SsmCallContext, parameter: StoredParameter, withDecryption: boolean): boolean {
  if (parameter.type !== 'SecureString' || !withDecryption) return false;
  if (parameter.decryptDenied) {
    const key = parameter.keyId === DEFAULT_KEY_ID ? 'key/aws-ssm-default' : parameter.keyId;
    throw kmsDecryptDenied(
      context.caller.principalArn,
      `arn:aws:kms:${context.region}:${context.accountId}:${key}`,
    );
  }
  return true;
}

/** One parameter as asked, or undefined when there is no such name, version or label; throws a denial. */
function read(
  context: SsmCallContext,
  action: Operation,
  asked: string,
  withDecryption: boolean,
): JsonObject | undefined {
  const { name, selector } = splitSelector(asked);
  if (name.startsWith(REFERENCE))
    return readReference(context, asked, name.slice(REFERENCE.length), selector, withDecryption);
  const parameter = context.parameters.find(name);
  context.access.checkParameter(
    context.caller,
    action,
    parameter?.name ?? name,
    parameter?.arn ?? context.parameters.arnOf(name),
  );
  if (parameter === undefined) return undefined;
  const version = context.parameters.version(parameter, selector);
  if (version === undefined) return undefined;
  const plain = parameter.type !== 'SecureString' || decrypted(context, parameter, withDecryption);
  return {
    Name: parameter.name,
    Type: parameter.type,
    Value: plain ? version.value : fakeCiphertext(parameter, version),
    Version: version.version,
    ...(selector === undefined ? {} : { Selector: `:${selector}` }),
    LastModifiedDate: version.modifiedDate,
    ARN: parameter.arn,
    DataType: 'text',
  };
}

/** A Secrets Manager secret through Parameter Store: decryption is required, a selector is a version stage. */
function readReference(
  context: SsmCallContext,
  asked: string,
  secretId: string,
  selector: string | undefined,
  withDecryption: boolean,
): JsonObject | undefined {
  if (!withDecryption)
    throw ssmValidation('WithDecryption flag must be True for retrieving a Secret Manager secret.');
  const secret = context.secrets.find(secretId);
  context.access.checkSecret(context.caller, 'GetSecretValue', secretId, secret);
  if (secret === undefined || secret.deletedDate !== undefined) return undefined;
  let version: ReturnType<typeof readableVersion>;
  try {
    version = readableVersion(secret, undefined, selector);
  } catch {
    return undefined;
  }
  return {
    Name: asked.split(':')[0],
    Type: 'SecureString',
    Value: version.value.string ?? Buffer.from(version.value.binary ?? []).toString('base64'),
    Version: 0,
    ...(selector === undefined ? {} : { Selector: `:${selector}` }),
    SourceResult: JSON.stringify({ ARN: secret.arn, Name: secret.name, VersionId: version.versionId }),
    LastModifiedDate: version.createdDate,
    ARN: secret.arn,
    DataType: 'text',
  };
}

const getParameter: SsmHandler = (context, input) => {
  const asked = requiredString(input, 'Name');
  const found = read(context, 'GetParameter', asked, input.WithDecryption === true);
  if (found !== undefined) return { Parameter: found };
  const { name, selector } = splitSelector(asked);
  throw selector === undefined || context.parameters.find(name) === undefined
    ? parameterNotFound()
    : parameterVersionNotFound(name, selector);
};

/** Any denied name or undecryptable SecureString fails the whole call, as AWS does; missing ones are listed. */
const getParameters: SsmHandler = (context, input) => {
  const names = optionalStringList(input, 'Names', 1, Number.MAX_SAFE_INTEGER) ?? [];
  if (names.length === 0)
    throw ssmValidation(
      "1 validation error detected: Value null at 'names' failed to satisfy constraint: Member must not be null",
    );
  if (names.length > PAGE_SIZE) throw tooManyNames(names.length);
  const parameters: JsonObject[] = [];
  const invalid: string[] = [];
  for (const asked of new Set(names)) {
    const found = read(context, 'GetParameters', asked, input.WithDecryption === true);
    if (found === undefined) invalid.push(asked);
    else parameters.push(found);
  }
  return { Parameters: parameters, InvalidParameters: invalid };
};

const getParametersByPath: SsmHandler = (context, input) => {
  const path = requiredString(input, 'Path');
  if (!path.startsWith('/'))
    throw ssmValidation(
      'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".',
    );
  if (path.startsWith(REFERENCE))
    throw ssmValidation('GetParametersByPath is not supported for Secrets Manager references.');
  if (input.ParameterFilters !== undefined) {
    throw ssmValidation('The emulator does not implement ParameterFilters; leave them out.');
  }
  const maxResults = optionalInteger(input, 'MaxResults', 1, PAGE_SIZE) ?? PAGE_SIZE;
  const after = optionalString(input, 'NextToken');
  const start = after === undefined ? '' : Buffer.from(after, 'base64').toString('utf8');
  if (after !== undefined && !start.startsWith('/')) throw ssmInvalidNextToken();
  context.access.checkParameter(context.caller, 'GetParametersByPath', path, context.parameters.arnOf(path));
  const matching = context.parameters
    .under(path, input.Recursive === true)
    .filter((each) => each.name > start);
  const page = matching.slice(0, maxResults);
  const parameters = page.map((each) =>
    read(context, 'GetParametersByPath', each.name, input.WithDecryption === true),
  );
  const last = page.at(-1);
  return {
    Parameters: parameters.filter((each) => each !== undefined),
    ...(matching.length > maxResults && last !== undefined
      ? { NextToken: Buffer.from(last.name).toString('base64') }
      : {}),
  };
};

export const parameterHandlers = {
  GetParameter: getParameter,
  GetParameters: getParameters,
  GetParametersByPath: getParametersByPath,
} as const satisfies Partial<Record<Operation, SsmHandler>>;
