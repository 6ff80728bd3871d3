// WITHSECRETS_DEBUG=stack prints where an internal failure happened, and never its message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/main.ts';
import { stackFrames, wantsStackFrames } from '../../src/stack-frames.ts';

const VALUE = 'QZX-stack-secret-91';

function failingDeepInside(): never {
  throw new Error(`bad value ${VALUE}\n    at fake (${VALUE}:1:1)`);
}

describe('stackFrames', () => {
  it('keeps the frames and drops the message, even lines of it shaped like frames', () => {
    let thrown: unknown;
    try {
      failingDeepInside();
    } catch (error) {
      thrown = error;
    }
    const frames = stackFrames(thrown);
    assert.ok(frames.length > 1, `frames: ${frames.join(' | ')}`);
    assert.match(frames[0] ?? '', /^at failingDeepInside \(.*stack-frames\.test\.ts:\d+:\d+\)$/);
    assert.equal(frames.join('\n').includes(VALUE), false);
  });

  it('follows causes, naming each by its type only', () => {
    const inner = new TypeError(`inner ${VALUE}`);
    const outer = new Error(`outer ${VALUE}`, { cause: inner });
    const frames = stackFrames(outer);
    assert.ok(frames.includes('caused by TypeError'));
    assert.equal(frames.join('\n').includes(VALUE), false);
  });

  it('gives nothing for what is not an Error', () => {
    assert.deepEqual(stackFrames(`a string ${VALUE}`), []);
    assert.deepEqual(stackFrames(undefined), []);
  });

  it('is switched on by WITHSECRETS_DEBUG=stack only', () => {
    assert.equal(wantsStackFrames({ WITHSECRETS_DEBUG: 'stack' }), true);
    assert.equal(wantsStackFrames({ WITHSECRETS_DEBUG: 'other, Stack' }), true);
    assert.equal(wantsStackFrames({ WITHSECRETS_DEBUG: 'stacks' }), false);
    assert.equal(wantsStackFrames({}), false);
  });
});

describe('an internal failure in main()', () => {
  /** `--version` with a stdout that throws a message holding a value: the failure withsecrets did not expect. */
  async function failing(env: Record<string, string>) {
    let stderr = '';
    const status = await main(['--version'], {
      env,
      stdout: {
        write: () => {
          throw new RangeError(`write failed near ${VALUE}`);
        },
      },
      stderr: {
        write: (text: string) => {
          stderr += text;
        },
      },
    });
    return { status, stderr };
  }

  it('is reported by its type, with no frames unless asked', async () => {
    const { status, stderr } = await failing({});
    assert.deepEqual(status, { status: 125 });
    assert.match(stderr, /^withsecrets: \[INTERNAL\] unexpected RangeError/);
    assert.equal(stderr.trim().split('\n').length, 1);
    assert.equal(stderr.includes(VALUE), false);
  });

  it('with WITHSECRETS_DEBUG=stack, also prints the frames, one a line, and still no message', async () => {
    const { stderr } = await failing({ WITHSECRETS_DEBUG: 'stack' });
    const lines = stderr.trim().split('\n');
    assert.ok(lines.length > 2, stderr);
    assert.ok(
      lines.slice(1).every((line) => /^withsecrets: {3}at /.test(line)),
      stderr,
    );
    assert.ok(
      lines.some((line) => line.includes('main.ts')),
      stderr,
    );
    assert.equal(stderr.includes(VALUE), false);
  });

  it('leaves no process-wide listener behind', async () => {
    const before = process.listenerCount('uncaughtException') + process.listenerCount('unhandledRejection');
    await failing({});
    const after = process.listenerCount('uncaughtException') + process.listenerCount('unhandledRejection');
    assert.equal(after, before);
  });
});
