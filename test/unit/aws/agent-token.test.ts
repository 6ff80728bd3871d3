// The agent's token: AWS_TOKEN (or the file it names), the install script's file, then the Lambda session token.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_TOKEN_FILE, resolveAgentToken } from '../../../src/aws/agent-token.ts';
import { WithsecretsError } from '../../../src/errors.ts';

/** A file system of the given files; any other path is ENOENT, and `locked` paths are EACCES. */
function files(contents: Record<string, string>, locked: string[] = []) {
  return (path: string): string => {
    if (locked.includes(path)) throw Object.assign(new Error(`EACCES: ${path}`), { code: 'EACCES' });
    const text = contents[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };
}

function failure(run: () => unknown): WithsecretsError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof WithsecretsError);
    return error;
  }
  return assert.fail('expected an error');
}

describe('resolveAgentToken', () => {
  it('takes AWS_TOKEN first, over the token file and the session token', () => {
    const env = { AWS_TOKEN: 'tok-env', AWS_SESSION_TOKEN: 'tok-session' };
    assert.deepEqual(resolveAgentToken(env, files({ [AGENT_TOKEN_FILE]: 'tok-file' })), {
      token: 'tok-env',
      source: 'AWS_TOKEN',
    });
  });

  it('reads the file AWS_TOKEN names with file://, trimmed', () => {
    const env = { AWS_TOKEN: 'file:///run/agent/token' };
    assert.deepEqual(resolveAgentToken(env, files({ '/run/agent/token': 'tok-file\n' })), {
      token: 'tok-file',
      source: 'AWS_TOKEN (/run/agent/token)',
    });
  });

  it('then reads /var/run/awssmatoken, before AWS_SESSION_TOKEN', () => {
    assert.equal(AGENT_TOKEN_FILE, '/var/run/awssmatoken');
    const env = { AWS_SESSION_TOKEN: 'tok-session' };
    assert.deepEqual(resolveAgentToken(env, files({ [AGENT_TOKEN_FILE]: ' tok-file \n' })), {
      token: 'tok-file',
      source: '/var/run/awssmatoken',
    });
  });

  it('then, in Lambda, AWS_SESSION_TOKEN, then AWS_CONTAINER_AUTHORIZATION_TOKEN', () => {
    const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'fn' };
    const both = {
      ...lambda,
      AWS_SESSION_TOKEN: 'tok-session',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok-snapstart',
    };
    assert.deepEqual(resolveAgentToken(both, files({})), {
      token: 'tok-session',
      source: 'AWS_SESSION_TOKEN',
    });
    assert.deepEqual(
      resolveAgentToken({ ...lambda, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok-snapstart' }, files({})),
      { token: 'tok-snapstart', source: 'AWS_CONTAINER_AUTHORIZATION_TOKEN' },
    );
  });

  it('never sends the session token outside Lambda: it is an AWS credential, and anything may listen at the URL', () => {
    const error = failure(() =>
      resolveAgentToken(
        { AWS_SESSION_TOKEN: 'tok-session', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'x' },
        files({}),
      ),
    );
    assert.equal(error.code, 'NO_CREDENTIALS');
  });

  it('counts an empty variable or an empty default file as unset', () => {
    const env = { AWS_TOKEN: '', AWS_SESSION_TOKEN: 'tok-session', AWS_LAMBDA_FUNCTION_NAME: 'fn' };
    assert.equal(resolveAgentToken(env, files({ [AGENT_TOKEN_FILE]: '\n' })).token, 'tok-session');
  });

  it('fails with NO_CREDENTIALS when there is none, naming where it looked', () => {
    const error = failure(() => resolveAgentToken({}, files({})));
    assert.equal(error.code, 'NO_CREDENTIALS');
    assert.equal(error.message, 'no token for the Secrets Manager Agent');
    assert.match(error.hint ?? '', /AWS_TOKEN.*\/var\/run\/awssmatoken/);
  });

  it('fails when the file AWS_TOKEN names is missing or empty, naming the file', () => {
    const missing = failure(() => resolveAgentToken({ AWS_TOKEN: 'file:///nope' }, files({})));
    assert.equal(
      missing.message,
      "cannot read the Secrets Manager Agent's token file AWS_TOKEN (/nope) (ENOENT)",
    );
    const empty = failure(() => resolveAgentToken({ AWS_TOKEN: 'file:///empty' }, files({ '/empty': '' })));
    assert.equal(empty.message, "the Secrets Manager Agent's token file AWS_TOKEN (/empty) is empty");
  });

  it('fails when the default file exists but may not be read, with the group to join', () => {
    const error = failure(() => resolveAgentToken({ AWS_SESSION_TOKEN: 'x' }, files({}, [AGENT_TOKEN_FILE])));
    assert.equal(
      error.message,
      "cannot read the Secrets Manager Agent's token file /var/run/awssmatoken (EACCES)",
    );
    assert.match(error.hint ?? '', /awssmatokenreader/);
  });

  it('refuses a token an HTTP header cannot carry, without printing it', () => {
    const error = failure(() => resolveAgentToken({ AWS_TOKEN: 'tok FAKE\nsecret' }, files({})));
    assert.equal(error.code, 'NO_CREDENTIALS');
    assert.ok(!`${error.message}${error.hint}`.includes('FAKE'));
  });
});
