// The masker's entry point: compile the secret values once, then mask text, bytes or a whole stream with them.

import { type Automaton, buildAutomaton } from './automaton.ts';
import { countCharacters, maskForms } from './forms.ts';
import { MaskScanner } from './scanner.ts';

export interface CompileMaskOptions {
  /** Values shorter than this many characters are not masked (`--mask-min-length`, 4 by default). */
  readonly minLength: number;
}

/**
 * The values to mask, in every encoded form, compiled into one automaton. Holds no printable secret.
 * The forms and the automaton are made on first use: hundreds of values take milliseconds to compile, which
 * a child that prints nothing never needs, and which otherwise no longer delay the child's start.
 */
export class CompiledMask {
  readonly minLength: number;
  /** True when no value is long enough to mask: then nothing is ever compiled. */
  readonly isEmpty: boolean;
  readonly #values: readonly string[];
  #patterns: Buffer[] | undefined;
  #automaton: Automaton | undefined;

  constructor(values: readonly string[], minLength: number) {
    this.#values = values;
    this.minLength = minLength;
    this.isEmpty = !values.some((value) => countCharacters(value) >= minLength);
  }

  /** Distinct byte patterns (values and their encoded forms); 0 for a mask that matches nothing. */
  get patternCount(): number {
    return this.#compiledPatterns().length;
  }

  get maxPatternLength(): number {
    return this.automaton.maxPatternLength;
  }

  get automaton(): Automaton {
    this.#automaton ??= buildAutomaton(this.#compiledPatterns());
    return this.#automaton;
  }

  #compiledPatterns(): Buffer[] {
    if (this.#patterns !== undefined) return this.#patterns;
    const seen = new Set<string>();
    const patterns: Buffer[] = [];
    for (const value of this.#values) {
      for (const form of maskForms(value, this.minLength)) {
        if (seen.has(form)) continue;
        seen.add(form);
        patterns.push(Buffer.from(form, 'utf8'));
      }
    }
    this.#patterns = patterns;
    return patterns;
  }

  /** The automaton's tables spell out the secrets: never print them. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `CompiledMask { patternCount: ${this.patternCount}, minLength: ${this.minLength} }`;
  }

  toJSON(): { patternCount: number; minLength: number } {
    return { patternCount: this.patternCount, minLength: this.minLength };
  }
}

/**
 * The mask of every value (and its encoded forms, see forms.ts), compiled when first used. Values
 * shorter than `minLength` characters are skipped; an empty list gives a mask that matches nothing.
 */
export function compileMask(values: readonly string[], options: CompileMaskOptions): CompiledMask {
  const { minLength } = options;
  if (!Number.isInteger(minLength) || minLength < 0) {
    throw new RangeError('mask minLength must be a whole number of characters, 0 or more');
  }
  return new CompiledMask([...values], minLength);
}

/** Masks a complete byte sequence: every occurrence (overlapping ones merged) becomes `***`. */
export function maskBytes(mask: CompiledMask, bytes: Uint8Array): Buffer {
  if (mask.isEmpty) return Buffer.from(bytes);
  const out: Uint8Array[] = [];
  const scanner = new MaskScanner(mask.automaton);
  scanner.write(bytes, out);
  scanner.release(out);
  return Buffer.concat(out);
}

/**
 * Masks a complete text, such as one of withsecrets' own messages. Patterns are whole UTF-8 sequences,
 * so a match never splits a character and the result decodes cleanly. (A lone surrogate in `text`, which
 * has no UTF-8 form, comes back as U+FFFD.)
 */
export function maskText(mask: CompiledMask, text: string): string {
  if (mask.isEmpty) return text;
  return maskBytes(mask, Buffer.from(text, 'utf8')).toString('utf8');
}
