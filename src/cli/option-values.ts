// Parses the option values that have a grammar of their own: durations, signal names and --on-change.
import { constants } from 'node:os';
import { WithsecretsError } from '../errors.ts';

export type OnChange =
  | { readonly action: 'restart' }
  | { readonly action: 'exit' }
  | { readonly action: 'signal'; readonly signal: NodeJS.Signals };

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `30s`, `5m`, `1h`, `1h30m`, `500ms`; at least `minimumMs`. */
export function parseDuration(text: string, flag: string, minimumMs: number): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const consumed = parts.map((part) => part[0]).join('');
  if (parts.length === 0 || consumed !== trimmed) {
    throw new WithsecretsError('USAGE', `${flag} takes a duration such as 30s, 5m or 1h, not "${text}"`, {
      hint: `e.g. ${flag} 30s`,
    });
  }
  const ms = parts.reduce(
    (total, [, amount, unit]) => total + Number(amount) * (UNIT_MS[unit ?? ''] ?? 0),
    0,
  );
  // setTimeout takes at most 2^31-1 ms (24.8 days); a longer delay would fire at once, in a loop.
  if (ms > MAX_TIMER_MS) {
    throw new WithsecretsError('USAGE', `${flag} must be at most 596h, not "${text}"`, {
      hint: `e.g. ${flag} 1h`,
    });
  }
  if (ms < minimumMs) {
    throw new WithsecretsError('USAGE', `${flag} must be at least ${minimumMs / 1000}s, not "${text}"`, {
      hint: `e.g. ${flag} 30s`,
    });
  }
  return Math.round(ms);
}

/** `SIGTERM`, `TERM`, `term` or `15`, checked against the signals this platform knows. */
export function parseSignalName(text: string, flag: string): NodeJS.Signals {
  const trimmed = text.trim().toUpperCase();
  const signals = constants.signals as Readonly<Record<string, number>>;
  const byNumber = Object.keys(signals).find((name) => String(signals[name]) === trimmed);
  const name = byNumber ?? (trimmed.startsWith('SIG') ? trimmed : `SIG${trimmed}`);
  if (signals[name] === undefined) {
    throw new WithsecretsError('USAGE', `${flag} names no known signal: "${text}"`, {
      hint: `use a name such as SIGTERM, SIGINT or SIGHUP`,
    });
  }
  return name as NodeJS.Signals;
}

/** `restart`, `exit` or `signal:NAME`. */
export function parseOnChange(text: string): OnChange {
  const trimmed = text.trim();
  if (trimmed === 'restart' || trimmed === 'exit') return { action: trimmed };
  if (trimmed.startsWith('signal:')) {
    return {
      action: 'signal',
      signal: parseSignalName(trimmed.slice('signal:'.length), '--on-change signal:'),
    };
  }
  throw new WithsecretsError('USAGE', `--on-change must be restart, exit or signal:NAME, not "${text}"`, {
    hint: 'e.g. --on-change signal:SIGHUP',
  });
}
