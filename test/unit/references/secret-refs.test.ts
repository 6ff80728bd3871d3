// Checks the --secret REF grammar: aliases, '=' in names, ARNs, wildcards and every malformed form.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WithsecretsError } from '../../../src/errors.ts';
import { arnRegion, findSecretIdProblem, parseSecretRef } from '../../../src/references/secret-refs.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';

/** Asserts that parsing `text` fails with BAD_REFERENCE, a one-line message naming the ref, and a hint. */
function assertBadReference(text: string, fragment: string, hintFragment?: string): void {
  assert.throws(
    () => parseSecretRef(text),
    (error: unknown) => {
      assert.ok(error instanceof WithsecretsError);
      assert.equal(error.code, 'BAD_REFERENCE');
      assert.ok(error.message.includes(`bad secret reference ${JSON.stringify(text)}`), error.message);
      assert.ok(error.message.includes(fragment), `${error.message} should include ${fragment}`);
      assert.ok(!/[\r\n]/.test(error.message), 'one line');
      assert.ok(error.hint !== undefined && error.hint.length > 0);
      if (hintFragment !== undefined) assert.ok(error.hint.includes(hintFragment), error.hint);
      return true;
    },
  );
}

describe('parseSecretRef: IDs and keys', () => {
  it('parses a bare name, with no alias or key properties at all', () => {
    assert.deepEqual(parseSecretRef('prod/db'), { text: 'prod/db', id: 'prod/db', wildcard: false });
  });

  it('parses ID#KEY, splitting on the first # (a key may hold # and =)', () => {
    assert.deepEqual(parseSecretRef('prod/db#password'), {
      text: 'prod/db#password',
      id: 'prod/db',
      key: 'password',
      wildcard: false,
    });
    assert.equal(parseSecretRef('prod/db#a#b').key, 'a#b');
    assert.deepEqual(parseSecretRef('prod/db#k=v'), {
      text: 'prod/db#k=v',
      id: 'prod/db',
      key: 'k=v',
      wildcard: false,
    });
  });

  it('keeps a dotted key as written', () => {
    assert.equal(parseSecretRef('prod/db#db.host').key, 'db.host');
  });

  it('accepts every character AWS allows in a name', () => {
    assert.equal(parseSecretRef('a/b_c+d=e.f@g-h9').id, 'a/b_c+d=e.f@g-h9');
  });

  it('accepts a 512-character name and refuses 513', () => {
    assert.equal(parseSecretRef('a'.repeat(512)).id, 'a'.repeat(512));
    assertBadReference('a'.repeat(513), 'longer than 512 characters');
  });

  it('refuses characters AWS does not allow, naming invisible ones by code point', () => {
    assertBadReference('prod db', 'secret name holds U+0020', 'letters, digits and / _ + = . @ -');
    assertBadReference('prod\tdb', 'secret name holds U+0009');
    assertBadReference('prod\ndb', 'secret name holds U+000A');
    assertBadReference('prod/db!', 'secret name holds "!"');
    assertBadReference('prod:db', 'secret name holds ":"');
    assertBadReference('prod/dé', 'secret name holds "é"');
  });
});

describe('parseSecretRef: aliases', () => {
  it('takes VAR= as an alias when VAR is a valid name', () => {
    assert.deepEqual(parseSecretRef('DB=prod/db'), {
      text: 'DB=prod/db',
      alias: 'DB',
      id: 'prod/db',
      wildcard: false,
    });
    assert.deepEqual(parseSecretRef('NPM_TOKEN=ci/npm#token'), {
      text: 'NPM_TOKEN=ci/npm#token',
      alias: 'NPM_TOKEN',
      id: 'ci/npm',
      key: 'token',
      wildcard: false,
    });
    assert.equal(parseSecretRef('_x1=a').alias, '_x1');
    assert.equal(parseSecretRef('lower=a').alias, 'lower');
  });

  it('splits on the first = only, so the name may hold more', () => {
    assert.deepEqual(parseSecretRef('A=b=c'), { text: 'A=b=c', alias: 'A', id: 'b=c', wildcard: false });
  });

  it('takes the whole text before # as the ID when the part before = is not a valid name', () => {
    assert.deepEqual(parseSecretRef('my-var=prod'), {
      text: 'my-var=prod',
      id: 'my-var=prod',
      wildcard: false,
    });
    assert.deepEqual(parseSecretRef('1X=foo#k'), {
      text: '1X=foo#k',
      id: '1X=foo',
      key: 'k',
      wildcard: false,
    });
    assert.equal(parseSecretRef('a.b=c').id, 'a.b=c');
  });

  it('does not look for an alias after the #', () => {
    assert.deepEqual(parseSecretRef('prod/db#VAR=x'), {
      text: 'prod/db#VAR=x',
      id: 'prod/db',
      key: 'VAR=x',
      wildcard: false,
    });
  });

  it('refuses an empty variable name before =', () => {
    assertBadReference('=id', "empty variable name before '='");
    assertBadReference('=', "empty variable name before '='");
    assertBadReference('=id#k', "empty variable name before '='");
  });
});

describe('parseSecretRef: ARNs', () => {
  it('accepts a full ARN, with a key and with an alias', () => {
    assert.deepEqual(parseSecretRef(ARN), { text: ARN, id: ARN, wildcard: false });
    assert.deepEqual(parseSecretRef(`DB=${ARN}#password`), {
      text: `DB=${ARN}#password`,
      alias: 'DB',
      id: ARN,
      key: 'password',
      wildcard: false,
    });
  });

  it('accepts a partial ARN (no -XXXXXX suffix)', () => {
    const partial = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db';
    assert.equal(parseSecretRef(partial).id, partial);
  });

  it('accepts each partition: aws-cn, aws-us-gov and the isolated ones', () => {
    for (const arn of [
      'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:prod/db-AbCdEf',
      'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:prod/db',
      'arn:aws-iso-b:secretsmanager:us-isob-east-1:123456789012:secret:prod/db',
    ]) {
      assert.equal(parseSecretRef(arn).id, arn);
    }
  });

  it('refuses an ARN of another service or resource', () => {
    assertBadReference('arn:aws:s3:::bucket', 'not a Secrets Manager secret ARN');
    assertBadReference('arn:aws:ssm:eu-west-1:123456789012:parameter/x', 'not a Secrets Manager secret ARN');
    assertBadReference(
      'arn:aws:secretsmanager:eu-west-1:123456789012:other:x',
      'not a Secrets Manager secret ARN',
      'arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME',
    );
    assertBadReference('arn:', 'not a Secrets Manager secret ARN');
  });

  it('names the field that is wrong', () => {
    assertBadReference(
      'arn:azure:secretsmanager:eu-west-1:123456789012:secret:x',
      '"azure" is not an AWS partition',
    );
    assertBadReference(
      'arn:aws:secretsmanager:EU-WEST-1:123456789012:secret:x',
      '"EU-WEST-1" is not an AWS region',
    );
    assertBadReference('arn:aws:secretsmanager::123456789012:secret:x', '"" is not an AWS region');
    assertBadReference(
      'arn:aws:secretsmanager:eu-west-1:1234:secret:x',
      '"1234" is not a 12-digit account id',
    );
    assertBadReference('arn:aws:secretsmanager:eu-west-1:123456789012:secret:', 'empty secret name');
    assertBadReference(
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:a b',
      'secret name holds U+0020',
    );
  });

  it('refuses an ECS-style :KEY after the name and points to #KEY', () => {
    assertBadReference(`${ARN}:password`, 'text after the secret name', 'select a key with #KEY');
    assertBadReference(`${ARN}:password::`, 'text after the secret name');
  });

  it('allows the name plus its 7-character suffix in an ARN', () => {
    const long = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${'a'.repeat(512)}-AbCdEf`;
    assert.equal(parseSecretRef(long).id, long);
    assertBadReference(`${long}x`, 'longer than 519 characters');
  });
});

describe('parseSecretRef: wildcards', () => {
  it('parses PREFIX* with the prefix as the id', () => {
    assert.deepEqual(parseSecretRef('prod/*'), { text: 'prod/*', id: 'prod/', wildcard: true });
    assert.deepEqual(parseSecretRef('p*'), { text: 'p*', id: 'p', wildcard: true });
  });

  it('takes VAR= on a wildcard as its alias', () => {
    assert.deepEqual(parseSecretRef('APP=prod/app-*'), {
      text: 'APP=prod/app-*',
      alias: 'APP',
      id: 'prod/app-',
      wildcard: true,
    });
  });

  it('refuses * alone', () => {
    assertBadReference('*', "'*' alone would match every secret", 'give a prefix');
    assertBadReference('VAR=*', "'*' alone would match every secret");
    assertBadReference('*#k', "'*' alone would match every secret");
  });

  it('refuses * anywhere but at the end', () => {
    assertBadReference('a*b', "'*' may only end a wildcard");
    assertBadReference('**', "'*' may only end a wildcard");
    assertBadReference('*prod', "'*' may only end a wildcard");
  });

  it('refuses a key on a wildcard', () => {
    assertBadReference('p*#k', 'a wildcard takes no #KEY');
    assertBadReference('DB=prod/*#password', 'a wildcard takes no #KEY');
  });

  it('refuses a prefix AWS names could not start with, and an ARN prefix', () => {
    assertBadReference('prod db*', 'wildcard prefix holds U+0020');
    assertBadReference(
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod*',
      'a wildcard matches secret names, not ARNs',
    );
  });
});

describe('parseSecretRef: empty parts', () => {
  it('refuses an empty or blank reference', () => {
    assertBadReference('', 'it is empty', '[VAR=]ID[#KEY]');
    assertBadReference('   ', 'it is empty');
    assertBadReference('\t\n', 'it is empty');
  });

  it('refuses a missing id', () => {
    assertBadReference('#', 'no secret id before #', '[VAR=]ID[#KEY]');
    assertBadReference('#key', 'no secret id before #');
    assertBadReference('VAR=', 'no secret id after VAR=', '[VAR=]ID[#KEY]');
    assertBadReference('VAR=#k', 'no secret id after VAR=');
  });

  it('refuses an empty key', () => {
    assertBadReference('id#', "empty key after '#'");
    assertBadReference('VAR=id#', "empty key after '#'");
  });

  it('refuses whitespace around the id instead of guessing', () => {
    assertBadReference(' prod/db', 'secret name holds U+0020');
    assertBadReference('VAR= prod/db', 'secret name holds U+0020');
  });
});

describe('arnRegion', () => {
  it('gives the region of a full or partial ARN', () => {
    assert.equal(arnRegion(ARN), 'eu-west-1');
    assert.equal(arnRegion('arn:aws:secretsmanager:us-east-2:123456789012:secret:prod/db'), 'us-east-2');
    assert.equal(arnRegion('arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x'), 'cn-north-1');
    assert.equal(
      arnRegion('arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x'),
      'us-gov-west-1',
    );
  });

  it('gives undefined for a name or a malformed ARN', () => {
    assert.equal(arnRegion('prod/db'), undefined);
    assert.equal(arnRegion('arn:aws:s3:::bucket'), undefined);
    assert.equal(arnRegion('arn:aws:secretsmanager:eu-west-1:1234:secret:x'), undefined);
    assert.equal(arnRegion(`${ARN}:password`), undefined);
  });
});

describe('findSecretIdProblem', () => {
  it('accepts names and ARNs, and names the problem otherwise', () => {
    assert.equal(findSecretIdProblem('prod/db'), undefined);
    assert.equal(findSecretIdProblem(ARN), undefined);
    assert.equal(findSecretIdProblem('prod*')?.problem, 'secret name holds "*"');
    assert.equal(findSecretIdProblem('')?.problem, 'empty secret name');
  });
});

describe('parseSecretRef: a version per reference', () => {
  const VERSION_ID = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';

  it('takes a stage after ~, before #KEY, with or without VAR=', () => {
    assert.deepEqual(parseSecretRef('prod/db~AWSPREVIOUS'), {
      text: 'prod/db~AWSPREVIOUS',
      id: 'prod/db',
      wildcard: false,
      versionStage: 'AWSPREVIOUS',
    });
    assert.deepEqual(parseSecretRef('DB_PASSWORD_OLD=prod/db~AWSPREVIOUS#password'), {
      text: 'DB_PASSWORD_OLD=prod/db~AWSPREVIOUS#password',
      alias: 'DB_PASSWORD_OLD',
      id: 'prod/db',
      key: 'password',
      wildcard: false,
      versionStage: 'AWSPREVIOUS',
    });
  });

  it('takes a version id after ~id:', () => {
    assert.deepEqual(parseSecretRef(`DB=prod/db~id:${VERSION_ID}`), {
      text: `DB=prod/db~id:${VERSION_ID}`,
      alias: 'DB',
      id: 'prod/db',
      wildcard: false,
      versionId: VERSION_ID,
    });
  });

  it('reads ~ in a KEY as part of the key, and keeps = and @ of names in the id', () => {
    assert.deepEqual(parseSecretRef('team/a=b@c#k~x'), {
      text: 'team/a=b@c#k~x',
      id: 'team/a=b@c',
      key: 'k~x',
      wildcard: false,
    });
    assert.equal(parseSecretRef('team+a=b@c.d~AWSPENDING').id, 'team+a=b@c.d');
  });

  it('takes a version on a full ARN, whose own colons are no version', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';
    assert.deepEqual(parseSecretRef(`${arn}~AWSPREVIOUS`), {
      text: `${arn}~AWSPREVIOUS`,
      id: arn,
      wildcard: false,
      versionStage: 'AWSPREVIOUS',
    });
  });

  it('refuses a stage and an id together, or two versions', () => {
    assertBadReference(`prod/db~AWSPREVIOUS~id:${VERSION_ID}`, 'more than one ~version', 'not both');
    assertBadReference('prod/db~A~B', 'more than one ~version');
  });

  it('refuses an empty or malformed version, naming it', () => {
    assertBadReference('prod/db~', "empty version stage after '~'");
    assertBadReference('prod/db~id:', 'empty version id after ~id:');
    assertBadReference('prod/db~id:short', 'version id "short" is not 32-64 letters, digits or -');
    assertBadReference('prod/db~a b', 'version stage "a b" holds a character stages cannot');
    assertBadReference('prod/db~x:y', 'version stage "x:y" holds a character stages cannot');
    assertBadReference(`prod/db~${'S'.repeat(257)}`, 'holds a character stages cannot');
    assert.equal(parseSecretRef(`prod/db~${'S'.repeat(256)}`).versionStage?.length, 256);
  });

  it('refuses a version without an id, and on a wildcard', () => {
    assertBadReference('~AWSPREVIOUS', 'no secret id before ~');
    assertBadReference('DB=~AWSPREVIOUS', 'no secret id after DB=');
    assertBadReference('prod/*~AWSPREVIOUS', 'a wildcard takes no ~version', '--version-stage');
  });
});
