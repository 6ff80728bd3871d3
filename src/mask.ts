// The masker's entry point: compile the secret values once, then mask text, bytes or a whole stream with them.

import { type Automaton, buildAutomaton } from './mask-automaton.ts';
import { maskForms } from './mask-forms.ts';
import { MaskScanner } from './mask-scanner.ts';

export { createMaskStream, MaskStream, type MaskStreamOptions } from './mask-stream.ts';

export interface CompileMaskOptions {
  /** Values shorter than this many characters are not masked (`--mask-min-length`, 4 by default). */
  readonly minLength: number;
}

/** The values to mask, in every encoded form, compiled into one automaton. Holds no printable secret. */
export class CompiledMask {
  readonly minLength: number;
  /** Distinct byte patterns (values and their encoded forms); 0 for a mask that matches nothing. */
  readonly patternCount: number;
  readonly maxPatternLength: number;
  readonly automaton: Automaton;

  constructor(automaton: Automaton, patternCount: number, minLength: number) {
    this.automaton = automaton;
    this.patternCount = patternCount;
    this.minLength = minLength;
    this.maxPatternLength = automaton.maxPatternLength;
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
 * Compiles every value (and its encoded forms, see mask-forms.ts) into one mask. Values shorter than
 * `minLength` characters are skipped; an empty list gives a mask that matches nothing.
 */
export function compileMask(values: readonly string[], options: CompileMaskOptions): CompiledMask {
  const { minLength } = options;
  if (!Number.isInteger(minLength) || minLength < 0) {
    throw new RangeError('mask minLength must be a whole number of characters, 0 or more');
  }
  const seen = new Set<string>();
  const patterns: Buffer[] = [];
  for (const value of values) {
    for (const form of maskForms(value, minLength)) {
      if (seen.has(form)) continue;
      seen.add(form);
      patterns.push(Buffer.from(form, 'utf8'));
    }
  }
  return new CompiledMask(buildAutomaton(patterns), patterns.length, minLength);
}

/** Masks a complete byte sequence: every occurrence (overlapping ones merged) becomes `***`. */
export function maskBytes(mask: CompiledMask, bytes: Uint8Array): Buffer {
  if (mask.patternCount === 0) return Buffer.from(bytes);
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
  if (mask.patternCount === 0) return text;
  return maskBytes(mask, Buffer.from(text, 'utf8')).toString('utf8');
}
