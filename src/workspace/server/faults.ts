/**
 * Faults the local workspace can be told to produce on its next requests, so resilience
 * tests can drive the real client through throttling, outages and partial results.
 */
export interface Fault {
  /** Answer with this status instead of running the query (429, 500, 503, 504, 204, ...). */
  status?: number;
  /** With status 429/503: the Retry-After header, in seconds. */
  retryAfterSeconds?: number;
  /** With status 429/503: the retry-after-ms header, for fast tests. */
  retryAfterMs?: number;
  /** Run the query, then answer 200 with the tables AND a PartialError whose one cause is an Error (true, 'error') or a Warning ('warning'). */
  partial?: boolean | 'error' | 'warning';
  /** Wait this long before answering (Prefer: wait=N still applies: longer → 504). */
  delayMs?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
}

function validateFault(f: Fault): void {
  if (typeof f !== 'object' || f === null) throw new TypeError('a fault must be an object');
  if (f.status !== undefined && (!Number.isInteger(f.status) || f.status < 200 || f.status > 599)) {
    throw new RangeError(`fault status must be an HTTP status 200..599, got ${f.status}`);
  }
  for (const k of ['retryAfterSeconds', 'retryAfterMs', 'delayMs'] as const) {
    const v = f[k];
    if (v !== undefined && (!Number.isFinite(v) || v < 0)) throw new RangeError(`fault ${k} must be a non-negative number, got ${v}`);
  }
  const kinds = [f.status !== undefined, f.partial !== undefined && f.partial !== false, f.drop === true].filter(Boolean).length;
  if (kinds > 1) throw new TypeError('a fault is one of status, partial or drop (delayMs combines with any)');
}

export class FaultQueue {
  private readonly queue: Fault[] = [];

  /** Queues `fault` for the next `times` query requests (default 1). */
  next(fault: Fault, times = 1): this {
    validateFault(fault);
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
    for (let i = 0; i < times; i++) this.queue.push({ ...fault });
    return this;
  }

  /** The fault for the request being served, if any. */
  take(): Fault | undefined {
    return this.queue.shift();
  }

  clear(): void {
    this.queue.length = 0;
  }

  get pending(): number {
    return this.queue.length;
  }
}
