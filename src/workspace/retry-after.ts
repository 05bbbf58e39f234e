/** The headers of an HTTP response, as @azure/core-rest-pipeline's RestError carries them. */
interface HeadersLike {
  get(name: string): string | undefined;
}

/**
 * How long a 429 or 503 asked the caller to wait, in ms: `retry-after-ms`,
 * `x-ms-retry-after-ms`, or `Retry-After` in seconds or as an HTTP date.
 */
export function retryAfterMs(headers: HeadersLike | undefined, now: number = Date.now()): number | undefined {
  if (headers === undefined) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(headers.get(name));
    if (headers.get(name) !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The Retry-After of an error thrown by the Azure SDK, if its response had one. */
export function retryAfterOfRestError(err: unknown): number | undefined {
  const response = (err as { response?: { headers?: HeadersLike } }).response;
  return typeof response?.headers?.get === 'function' ? retryAfterMs(response.headers) : undefined;
}
