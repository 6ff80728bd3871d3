// The retries of a call whose quota is low and fixed (BatchGetSecretValue: 100/s a region): a throttled one is not retried.
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

/**
 * The SDK's own strategy (its token bucket, backoff and full jitter), but a throttled call fails at once. The
 * caller then asks GetSecretValue, whose quota is 100 times larger, instead of a fleet's retries crowding into the
 * capped call's next seconds. Every other failure is retried as before.
 */
export function withoutThrottlingRetries(strategy: () => Promise<RetryStrategyV2>): RetryStrategyV2 {
  let resolved: RetryStrategyV2 | undefined;
  const inner = async () => {
    resolved ??= await strategy();
    return resolved;
  };
  return {
    acquireInitialRetryToken: async (scope: string) => (await inner()).acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: async (token: RetryToken, info: RetryErrorInfo) => {
      if (info.errorType === 'THROTTLING') throw new Error('a throttled capped call is not retried');
      return (await inner()).refreshRetryTokenForRetry(token, info);
    },
    // Called only after acquireInitialRetryToken, so the strategy is known by then.
    recordSuccess: (token: RetryToken) => resolved?.recordSuccess(token),
  };
}
