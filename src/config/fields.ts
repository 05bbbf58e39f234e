import { z } from 'zod';
import { validate as validateCron } from 'node-cron';
import { DURATION_HINT, parseDuration } from '../time/duration';

/** zod schemas for one raw environment string each; their messages say what is allowed. */

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export const guid = z.string().regex(GUID_RE, 'a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47');

export const tenant = z
  .string()
  .refine((s) => GUID_RE.test(s) || DOMAIN_RE.test(s), 'a tenant GUID or a domain such as contoso.onmicrosoft.com');

export const nonEmpty = z.string().min(1, 'a non-empty value');

export const duration = z.string().transform((s, ctx) => {
  try {
    return parseDuration(s);
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: DURATION_HINT });
    return z.NEVER;
  }
});

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export const bool = z.string().transform((s, ctx) => {
  const v = s.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'true/false, 1/0, yes/no or on/off' });
  return z.NEVER;
});

export function int(min: number, max: number): z.ZodType<number, z.ZodTypeDef, string> {
  const message = `a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^-?\d+$/, message)
    .transform(Number)
    .pipe(z.number().int(message).min(min, message).max(max, message));
}

export const port = int(0, 65535);

/** Comma-separated, trimmed, blanks dropped, duplicates removed; each item checked by `item`. */
export function list(item: z.ZodType<string, z.ZodTypeDef, string>, what: string): z.ZodType<string[], z.ZodTypeDef, string> {
  return z.string().transform((s, ctx) => {
    const out: string[] = [];
    for (const part of s.split(',')) {
      const value = part.trim();
      if (value === '') continue;
      const parsed = item.safeParse(value);
      if (!parsed.success) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `a comma-separated list of ${what} ("${value}" is not one)` });
        return z.NEVER;
      }
      if (!out.includes(parsed.data)) out.push(parsed.data);
    }
    return out;
  });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodType<T[number], z.ZodTypeDef, string> {
  const message = `one of ${values.join(', ')}`;
  return z.string().transform((s, ctx) => {
    const found = values.find((v) => v.toLowerCase() === s.toLowerCase());
    if (found === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    }
    return found as T[number];
  });
}

export const cron = z.string().refine((s) => validateCron(s), 'a cron expression such as "0 * * * *" (hourly) or "*/5 * * * *"');

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An absolute http(s) URL; plain http only to this machine, where no credential crosses a network. */
export function url(opts: { what: string; check?: (u: URL) => boolean }): z.ZodType<URL, z.ZodTypeDef, string> {
  return z.string().transform((s, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(s);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: opts.what });
      return z.NEVER;
    }
    const schemeOk = parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname));
    if (!schemeOk || (opts.check !== undefined && !opts.check(parsed))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: opts.what });
      return z.NEVER;
    }
    return parsed;
  });
}

/** A host name or IP address to listen on. */
export const host = z
  .string()
  .regex(
    /^(\[[0-9a-f:.]+\]|[0-9a-f:.]*:[0-9a-f:.]*|[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?)$/i,
    'a host name or IP address such as 127.0.0.1 or 0.0.0.0',
  );
