import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { retryAfterMs } from './retry-after';

export interface ThrottleBackoffOptions {
  /** Retries after the first answer; the client's own `maxRetries`. */
  maxRetries: number;
  /** First wait; doubled each retry. */
  baseDelayMs: number;
  /** Longest single wait. */
  maxDelayMs: number;
  /** 0..1, for the jitter; default Math.random. */
  random?: () => number;
}

/**
 * A 429 that names no Retry-After is retried with an exponential back-off.
 * The Azure SDK retries a 429 only when it carries Retry-After (its throttling
 * strategy) and its exponential strategy takes only 408 and 5xx, so without
 * this a bare 429 fails the query at once and a burst of polls hammers the
 * throttled workspace. Added in the Retry phase, it sees the raw response
 * before the SDK turns it into an error.
 */
export function throttleBackoffPolicy(options: ThrottleBackoffOptions): PipelinePolicy {
  const random = options.random ?? Math.random;
  return {
    name: 'firstwatchThrottleBackoffPolicy',
    async sendRequest(request, next) {
      let response = await next(request);
      for (let attempt = 0; attempt < options.maxRetries; attempt++) {
        if (response.status !== 429 || retryAfterMs(response.headers) !== undefined) return response;
        const capped = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
        // Jitter, so replicas throttled together do not come back together.
        await sleep(capped * (0.8 + 0.4 * random()), request.abortSignal);
        response = await next(request);
      }
      return response;
    },
  };
}

function sleep(
  ms: number,
  signal:
    | { aborted: boolean; addEventListener(t: 'abort', l: () => void): void; removeEventListener(t: 'abort', l: () => void): void }
    | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new Error('the query was aborted while it waited out a 429'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('the query was aborted while it waited out a 429'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort);
  });
}
