// Decides what is masked and wires the child's stdout and stderr: inherited, or piped through the masker.
import { fstatSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { isatty } from 'node:tty';
import type { Invocation } from './cli.ts';
import { type CompiledMask, compileMask, createMaskStream, maskText } from './mask.ts';
import type { Resolved } from './resolve.ts';
import type { RunningChild } from './run.ts';
import { connectSharedOutput } from './shared-output.ts';
import type { ChildOutput } from './supervise.ts';

type MaskOptions = Pick<Invocation, 'mask' | 'maskMinLength' | 'maskExclude'>;

/** The values to mask: every injected secret value and every raw SecretString, less --mask-exclude. */
export function secretValuesOf(resolved: Resolved, options: MaskOptions): string[] {
  const variables = [...resolved.references, ...resolved.injected];
  const excluded = new Set(variables.filter((v) => options.maskExclude.includes(v.name)).map((v) => v.value));
  const values = variables
    .filter((v) => v.secret && !options.maskExclude.includes(v.name))
    .map((v) => v.value);
  return [...new Set([...values, ...resolved.secretStrings.filter((text) => !excluded.has(text))])];
}

/** Masks withsecrets' own lines with the same values as the child's output. */
export function textMasker(values: readonly string[], options: MaskOptions): (text: string) => string {
  if (options.mask === 'never') return (text) => text;
  const mask = compileMask(values, { minLength: options.maskMinLength });
  return (text) => maskText(mask, text);
}

export async function planChildOutput(values: readonly string[], options: MaskOptions): Promise<ChildOutput> {
  const maskStdout = shouldMask(1, options);
  const maskStderr = shouldMask(2, options);
  if ((!maskStdout && !maskStderr) || values.length === 0) return inheritedOutput();
  const mask = compileMask(values, { minLength: options.maskMinLength });
  if (maskStdout && maskStderr && isSameFile(1, 2)) {
    // `>log 2>&1`: one channel for both keeps the child's interleaving of the two.
    const shared = await connectSharedOutput();
    if (shared !== undefined) {
      return maskedOutput(['inherit', shared.childEnd, shared.childEnd], mask, () => {
        shared.childEnd.destroy();
        return [[shared.parentEnd, process.stdout]];
      });
    }
  }
  return maskedOutput(
    ['inherit', maskStdout ? 'pipe' : 'inherit', maskStderr ? 'pipe' : 'inherit'],
    mask,
    (child) => [
      ...(maskStdout && child.process.stdout !== null
        ? [[child.process.stdout, process.stdout] as const]
        : []),
      ...(maskStderr && child.process.stderr !== null
        ? [[child.process.stderr, process.stderr] as const]
        : []),
    ],
  );
}

function inheritedOutput(): ChildOutput {
  return { stdio: 'inherit', attach: () => {}, drain: async () => {} };
}

function maskedOutput(
  stdio: ChildOutput['stdio'],
  mask: CompiledMask,
  routesOf: (child: RunningChild) => (readonly [Readable, Writable])[],
): ChildOutput {
  const closed: Promise<void>[] = [];
  const routes: { source: Readable; masker: ReturnType<typeof createMaskStream> }[] = [];
  return {
    stdio,
    attach(child) {
      for (const [source, target] of routesOf(child)) {
        const masker = createMaskStream(mask);
        source.pipe(masker).pipe(target, { end: false });
        routes.push({ source, masker });
        closed.push(new Promise((resolve) => source.once('close', resolve).once('end', resolve)));
      }
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.all(closed), timeout]);
      clearTimeout(timer);
      await Promise.all(routes.map(({ source, masker }) => finishRoute(source, masker)));
    },
  };
}

/** Stops reading (a grandchild may still hold the pipe) and writes out what the masker holds. */
function finishRoute(source: Readable, masker: Writable & Readable): Promise<void> {
  source.unpipe(masker);
  source.destroy();
  return new Promise((resolve) => {
    if (masker.readableEnded) return resolve();
    masker.once('end', resolve);
    if (!masker.writableEnded) masker.end();
  });
}

function shouldMask(fd: number, options: MaskOptions): boolean {
  if (options.mask === 'never') return false;
  return options.mask === 'always' || !isatty(fd);
}

function isSameFile(a: number, b: number): boolean {
  try {
    const first = fstatSync(a);
    const second = fstatSync(b);
    return first.dev === second.dev && first.ino === second.ino;
  } catch {
    return false;
  }
}
