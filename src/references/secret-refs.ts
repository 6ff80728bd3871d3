// Parses `--secret REF` and checks secret ids the way AWS would, so a typo fails before any AWS call.

import { WithsecretsError } from '../errors.ts';
import { splitReference } from './reference-parts.ts';

export interface SecretRef {
  /** The REF as given (for messages and --dry-run). */
  readonly text: string;
  /** VAR: the variable name, or the prefix of every variable for a JSON secret or a wildcard. */
  readonly alias?: string;
  /** Secret name, full ARN or partial ARN; for a wildcard, the PREFIX (without '*'). */
  readonly id: string;
  /** The KEY after '#', may be a dotted path. */
  readonly key?: string;
  readonly wildcard: boolean;
  /** `ID~STAGE`: this reference's version stage, which wins over --version-stage and --version-id. */
  readonly versionStage?: string;
  /** `ID~id:VERSION`: this reference's version id, which wins over --version-stage and --version-id. */
  readonly versionId?: string;
}

/** What is wrong with a secret id, phrased to follow "bad reference X: ". */
export interface IdProblem {
  readonly problem: string;
  readonly hint: string;
}

const FORM_HINT = 'write it as [VAR=]ID[#KEY] or [VAR=]PREFIX*';
const ARN_FORM = 'arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME';
const NAME_HINT = 'secret names use only letters, digits and / _ + = . @ -';
const MAX_NAME_LENGTH = 512;
/** AWS appends `-` and six random characters to the name in a full ARN. */
const MAX_ARN_NAME_LENGTH = MAX_NAME_LENGTH + 7;
const NAME_CHARACTER = /^[A-Za-z0-9/_+=.@-]$/;
const PARTITION = /^aws[a-z-]*$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-[0-9]+$/;
const ACCOUNT = /^[0-9]{12}$/;
/** Starts a version after the id: neither a secret name nor an ARN can hold `~`. */
const VERSION_MARK = '~';
const VERSION_ID_MARK = 'id:';
/** A staging label as AWS takes it (1-256 characters); `:` is left out so that `id:` cannot be a stage. */
const STAGE = /^[A-Za-z0-9_+=.@/-]{1,256}$/;
/** A version id as AWS makes it (a UUID) or takes it (ClientRequestToken: 32-64 characters). */
const VERSION_ID = /^[A-Za-z0-9-]{32,64}$/;

/** Parses `[VAR=]ID[#KEY]` or `[VAR=]PREFIX*`; throws BAD_REFERENCE naming the reference. */
export function parseSecretRef(text: string): SecretRef {
  const fail = (problem: string, hint = FORM_HINT) =>
    new WithsecretsError('BAD_REFERENCE', `bad secret reference ${JSON.stringify(text)}: ${problem}`, {
      hint,
    });
  // Secret names may hold '=': only a valid variable name before the first '=' makes an alias.
  const { alias, target, key } = splitReference(text, fail);
  const markAt = target.indexOf(VERSION_MARK);
  const id = markAt < 0 ? target : target.slice(0, markAt);
  const version = markAt < 0 ? undefined : parseVersion(target.slice(markAt + 1), fail);
  if (id === '') {
    throw fail(
      alias === undefined
        ? `no secret id before ${markAt < 0 ? '#' : VERSION_MARK}`
        : `no secret id after ${alias}=`,
    );
  }
  if (key === '') throw fail("empty key after '#'", 'give a key after # or drop the #');

  const starAt = id.indexOf('*');
  const wildcard = starAt >= 0;
  if (wildcard) {
    if (id === '*') throw fail("'*' alone would match every secret", 'give a prefix, as in prod/*');
    if (starAt !== id.length - 1) {
      throw fail("'*' may only end a wildcard, as in prod/*", 'secret names cannot hold *');
    }
    if (key !== undefined) {
      throw fail('a wildcard takes no #KEY', 'select a key of one secret with ID#KEY, or drop #KEY');
    }
    if (version !== undefined) {
      throw fail(
        'a wildcard takes no ~version',
        'give one with --version-stage for every secret, or drop it',
      );
    }
  }
  const problem = wildcard ? findPrefixProblem(id.slice(0, -1)) : findSecretIdProblem(id);
  if (problem !== undefined) throw fail(problem.problem, problem.hint);
  return {
    text,
    ...(alias === undefined ? {} : { alias }),
    id: wildcard ? id.slice(0, -1) : id,
    ...(key === undefined ? {} : { key }),
    wildcard,
    ...version,
  };
}

/** The reference's ID with its own version as it was written (`prod/db~AWSPREVIOUS`), for sources and messages. */
export function idWithVersion(ref: SecretRef): string {
  if (ref.versionStage !== undefined) return `${ref.id}${VERSION_MARK}${ref.versionStage}`;
  if (ref.versionId !== undefined) return `${ref.id}${VERSION_MARK}${VERSION_ID_MARK}${ref.versionId}`;
  return ref.id;
}

/** `STAGE` or `id:VERSION` after the `~` of a reference. */
function parseVersion(
  text: string,
  fail: (problem: string, hint?: string) => WithsecretsError,
): { versionStage: string } | { versionId: string } {
  if (text.includes(VERSION_MARK)) {
    throw fail(
      'more than one ~version',
      'give a stage (ID~AWSPREVIOUS) or a version id (ID~id:VERSION), not both',
    );
  }
  if (text.startsWith(VERSION_ID_MARK)) {
    const versionId = text.slice(VERSION_ID_MARK.length);
    if (!VERSION_ID.test(versionId)) {
      throw fail(
        versionId === ''
          ? 'empty version id after ~id:'
          : `version id "${versionId}" is not 32-64 letters, digits or -`,
        'give the VersionId AWS shows, as in prod/db~id:EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE',
      );
    }
    return { versionId };
  }
  if (!STAGE.test(text)) {
    throw fail(
      text === ''
        ? "empty version stage after '~'"
        : `version stage "${text}" holds a character stages cannot`,
      'give a staging label, as in prod/db~AWSPREVIOUS, or ~id:VERSION for a version id',
    );
  }
  return { versionStage: text };
}

/** The region of a full or partial secret ARN, else undefined (a name is fetched from the default region). */
export function arnRegion(id: string): string | undefined {
  if (!id.startsWith('arn:') || findArnProblem(id) !== undefined) return undefined;
  return id.split(':')[3];
}

/** What AWS would reject in a secret name or ARN, else undefined. */
export function findSecretIdProblem(id: string): IdProblem | undefined {
  return id.startsWith('arn:') ? findArnProblem(id) : findNameProblem(id, 'secret name', MAX_NAME_LENGTH);
}

function findPrefixProblem(prefix: string): IdProblem | undefined {
  if (prefix.startsWith('arn:')) {
    return {
      problem: 'a wildcard matches secret names, not ARNs',
      hint: 'write a name prefix, as in prod/*',
    };
  }
  return findNameProblem(prefix, 'wildcard prefix', MAX_NAME_LENGTH);
}

function findArnProblem(arn: string): IdProblem | undefined {
  const fields = arn.split(':');
  const [, partition = '', service, region = '', account = '', resource] = fields;
  const shape = { problem: `not a Secrets Manager secret ARN`, hint: `write it as ${ARN_FORM}` };
  if (fields.length < 7 || service !== 'secretsmanager' || resource !== 'secret') return shape;
  if (!PARTITION.test(partition)) return { ...shape, problem: `"${partition}" is not an AWS partition` };
  if (!REGION.test(region)) return { ...shape, problem: `"${region}" is not an AWS region` };
  if (!ACCOUNT.test(account)) return { ...shape, problem: `"${account}" is not a 12-digit account id` };
  if (fields.length > 7) {
    // ECS writes the JSON key after another ':'; --secret and secretsmanager:// take it after '#'.
    return { problem: "text after the secret name (names cannot hold ':')", hint: 'select a key with #KEY' };
  }
  return findNameProblem(fields[6] ?? '', 'secret name', MAX_ARN_NAME_LENGTH);
}

function findNameProblem(name: string, what: string, maxLength: number): IdProblem | undefined {
  if (name === '') return { problem: `empty ${what}`, hint: NAME_HINT };
  if (name.length > maxLength) {
    return { problem: `${what} longer than ${maxLength} characters`, hint: 'AWS allows 512' };
  }
  for (const character of name) {
    if (!NAME_CHARACTER.test(character)) {
      return { problem: `${what} holds ${describeCharacter(character)}`, hint: NAME_HINT };
    }
  }
  return undefined;
}

/** Quotes a printable character; names an invisible one by its code point so the message stays one line. */
function describeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  const invisible = code <= 0x20 || (code >= 0x7f && code <= 0xa0);
  return invisible ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : JSON.stringify(character);
}
