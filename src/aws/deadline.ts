// The bound on one whole fetch (--timeout): retries, pages and fallback regions included, and a trickling answer too.
import { WithsecretsError } from '../errors.ts';

/**
 * Runs `work` with a signal that aborts when `outer` does or when `timeoutMs` have passed; past the deadline it
 * rejects with TIMEOUT at once, even if something inside (credentials, a call that ignores its signal) is still
 * waiting. Each attempt has its own timeouts; this one catches what they cannot see, an answer that trickles in
 * a byte at a time, or pages without end.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  outer: AbortSignal,
  work: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  // One controller for both: AbortSignal.any is Node 20.3+, and withsecrets runs on every Node 20.
  const deadline = new AbortController();
  const stop = () => deadline.abort();
  if (outer.aborted) stop();
  else outer.addEventListener('abort', stop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      deadline.abort();
      reject(timeoutError(timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(deadline.signal), expired]);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', stop);
  }
}

function timeoutError(timeoutMs: number): WithsecretsError {
  return new WithsecretsError('TIMEOUT', `fetching the secrets took longer than ${timeoutMs / 1000}s`, {
    hint: 'check the network path and the endpoint, or allow more with --timeout',
  });
}
