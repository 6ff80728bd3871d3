// Deny rules that tests set per access key, standing in for IAM policies, answered with AWS's AccessDenied wording.

import { accessDenied } from './errors.ts';
import { ssmAccessDenied } from './ssm-errors.ts';
import type { StoredSecret } from './store.ts';

export type Operation =
  | 'GetSecretValue'
  | 'BatchGetSecretValue'
  | 'ListSecrets'
  | 'DescribeSecret'
  | 'CreateSecret'
  | 'PutSecretValue'
  | 'DeleteSecret'
  | 'GetParameter'
  | 'GetParameters'
  | 'GetParametersByPath';

export const OPERATIONS: readonly Operation[] = [
  'GetSecretValue',
  'BatchGetSecretValue',
  'ListSecrets',
  'DescribeSecret',
  'CreateSecret',
  'PutSecretValue',
  'DeleteSecret',
  'GetParameter',
  'GetParameters',
  'GetParametersByPath',
];

/** Parameter Store's operations: signed for `ssm`, sent as `AmazonSSM.<Operation>`. */
export const SSM_OPERATIONS: readonly Operation[] = ['GetParameter', 'GetParameters', 'GetParametersByPath'];

/**
 * What a rule denies to `accessKeyId`: with only `operation`, the whole call; with only `secretId`, every action on
 * that secret; with both, that action on that secret (inside BatchGetSecretValue, a denied `GetSecretValue` on a
 * secret becomes that secret's Errors entry, as AWS does). `secretId` matches the secret's name, ARN or partial ARN.
 */
export interface DenyRule {
  readonly accessKeyId: string;
  readonly operation?: Operation;
  readonly secretId?: string;
  /** A parameter's name (or, for GetParametersByPath, a path): as `secretId`, for Parameter Store's operations. */
  readonly parameter?: string;
}

/** Who is calling, as the AccessDenied message names them. */
export interface Caller {
  readonly accessKeyId: string;
  readonly principalArn: string;
}

const partialArn = (arn: string): string => arn.slice(0, -7);

export class AccessRules {
  private rules: DenyRule[] = [];

  deny(rule: DenyRule): void {
    this.rules.push(rule);
  }

  clear(): void {
    this.rules = [];
  }

  /** Throws AccessDeniedException when the whole call is denied (resource `*`, as for non-resource actions). */
  checkCall(caller: Caller, operation: Operation): void {
    const denied = this.rules.some(
      (rule) =>
        rule.accessKeyId === caller.accessKeyId &&
        rule.secretId === undefined &&
        rule.parameter === undefined &&
        (rule.operation === undefined || rule.operation === operation),
    );
    if (!denied) return;
    if (SSM_OPERATIONS.includes(operation)) throw ssmAccessDenied(caller.principalArn, operation, '*');
    throw accessDenied(caller.principalArn, operation, '*');
  }

  /** Throws SSM's AccessDeniedException when `action` on this parameter (or path), found or not, is denied. */
  checkParameter(caller: Caller, action: Operation, name: string, arn: string): void {
    const denied = this.rules.some(
      (rule) =>
        rule.accessKeyId === caller.accessKeyId &&
        rule.parameter !== undefined &&
        (rule.parameter === name || rule.parameter === arn) &&
        (rule.operation === undefined || rule.operation === action),
    );
    if (denied) throw ssmAccessDenied(caller.principalArn, action, arn);
  }

  /** Throws AccessDeniedException when `action` on this secret (found or not) is denied. */
  checkSecret(
    caller: Caller,
    action: Operation,
    requestedId: string,
    secret: StoredSecret | undefined,
  ): void {
    const names = new Set([requestedId]);
    if (secret !== undefined) {
      names.add(secret.name).add(secret.arn).add(partialArn(secret.arn));
    }
    const denied = this.rules.some(
      (rule) =>
        rule.accessKeyId === caller.accessKeyId &&
        rule.secretId !== undefined &&
        names.has(rule.secretId) &&
        (rule.operation === undefined || rule.operation === action),
    );
    if (denied) throw accessDenied(caller.principalArn, action, secret?.arn ?? requestedId);
  }
}
