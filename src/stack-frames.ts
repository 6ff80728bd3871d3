// WITHSECRETS_DEBUG=stack: where an internal failure happened, as stack frames only, never a message or data.

/** A V8 frame line: `    at [name (]file:line:column[)]`, or a native or anonymous one. */
const FRAME = /^ {4}at (?:[\w$.<>[\] ]+ \()?(?:[^\s()]+:\d+:\d+|native|<anonymous>)\)?$/;
const MAX_CAUSES = 5;

/**
 * The frames of `thrown` and of its causes, each a line like `at loadBundle (/app/bin/withsecrets.js:42:7)`. The
 * head of a stack (`Name: message`) and any line that is not exactly a frame are dropped: a message may quote a
 * value, and a multi-line message could hold lines that look like frames, so the head is cut by its own text.
 */
export function stackFrames(thrown: unknown): string[] {
  const frames: string[] = [];
  let current: unknown = thrown;
  for (let depth = 0; current instanceof Error && depth <= MAX_CAUSES; depth++) {
    const head = `${current.name}: ${current.message}`;
    const stack = current.stack ?? '';
    const body = stack.startsWith(head) ? stack.slice(head.length) : '';
    if (depth > 0) frames.push(`caused by ${current.name}`);
    frames.push(
      ...body
        .split('\n')
        .filter((line) => FRAME.test(line))
        .map((line) => line.trim()),
    );
    current = current.cause;
  }
  return frames;
}

/** Whether the switch is on: `WITHSECRETS_DEBUG=stack` (docs/security.md, "Reporting a bug"). */
export function wantsStackFrames(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env.WITHSECRETS_DEBUG ?? '').split(',').some((part) => part.trim().toLowerCase() === 'stack');
}
