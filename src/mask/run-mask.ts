// What a run masks, in one place: every secret value seen so far, compiled once, for the child's output and its own lines.
import type { Invocation } from '../cli/command-line.ts';
import type { Resolved } from '../environment/resolve.ts';
import { type CompiledMask, compileMask, maskText } from './masker.ts';

export type MaskOptions = Pick<Invocation, 'mask' | 'maskMinLength' | 'maskExclude'>;

/** The values to mask: every injected or delivered secret value and every raw SecretString, less --mask-exclude. */
export function secretValuesOf(resolved: Resolved, options: MaskOptions): string[] {
  const variables = [...resolved.references, ...resolved.injected];
  const excluded = new Set(variables.filter((v) => options.maskExclude.includes(v.name)).map((v) => v.value));
  const values = variables
    .filter((v) => v.secret && !options.maskExclude.includes(v.name))
    .map((v) => v.value);
  // Values delivered as files or on stdin are secrets like any other: the child may print what it read.
  const delivered = [
    ...resolved.files.filter((file) => !options.maskExclude.includes(file.variable)),
    ...(resolved.stdin === undefined ? [] : [resolved.stdin]),
  ].flatMap((delivery) => delivery.maskTexts);
  const whole = [...values, ...delivered, ...resolved.secretStrings.filter((text) => !excluded.has(text))];
  return [...new Set([...whole, ...whole.flatMap(arrayElementStrings)])];
}

/**
 * The strings inside the JSON arrays of `text` (a secret JSON key whose value is an array, or a raw
 * SecretString holding one): a child that prints one element alone must not show it. Numbers, booleans
 * objects' fields inside an array, and texts that are not JSON are left out.
 */
export function arrayElementStrings(text: string): string[] {
  const first = text.trimStart()[0];
  if (first !== '[' && first !== '{') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  // With a stack of its own: a secret may nest deeper than the call stack goes.
  const found: string[] = [];
  const stack: [unknown, boolean][] = [[parsed, false]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [node, inArray] = entry;
    if (typeof node === 'string') {
      if (inArray) found.push(node);
    } else if (Array.isArray(node)) {
      for (let index = node.length - 1; index >= 0; index--) stack.push([node[index], true]);
    } else if (node !== null && typeof node === 'object') {
      for (const item of Object.values(node).reverse()) stack.push([item, false]);
    }
  }
  return found;
}

/**
 * The run's mask. Values are only ever added: after a rotation the old child's last output, and a process that
 * kept an old value, may still print it. Whatever masks (the child's output routes, withsecrets' own error
 * lines) asks this owner, or follows it, so that one new round updates them all.
 */
export class RunMask {
  readonly #options: MaskOptions;
  readonly #seen = new Set<string>();
  readonly #followers = new Set<(mask: CompiledMask) => void>();
  #compiled: CompiledMask;

  constructor(options: MaskOptions) {
    this.#options = options;
    this.#compiled = compileMask([], { minLength: options.maskMinLength });
  }

  get compiled(): CompiledMask {
    return this.#compiled;
  }

  /** Adds a round's values; everything that follows the mask masks them from now on. */
  add(resolved: Resolved): void {
    const before = this.#seen.size;
    for (const value of secretValuesOf(resolved, this.#options)) this.#seen.add(value);
    if (this.#seen.size === before) return;
    this.#compiled = compileMask([...this.#seen], { minLength: this.#options.maskMinLength });
    for (const follower of this.#followers) follower(this.#compiled);
  }

  /** Calls `follower` with each new mask until the returned function is called. */
  follow(follower: (mask: CompiledMask) => void): () => void {
    this.#followers.add(follower);
    return () => this.#followers.delete(follower);
  }

  /** Masks a line of withsecrets' own with the same values as the child's output (none under --mask never). */
  text(text: string): string {
    if (this.#options.mask === 'never' || this.#compiled.isEmpty) return text;
    return maskText(this.#compiled, text);
  }
}
