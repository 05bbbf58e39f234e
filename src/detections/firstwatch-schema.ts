import { z } from 'zod';

/**
 * The `firstwatch:` block: everything FirstWatch adds to a Sentinel rule, under one
 * key so the rest of the file stays exactly Sentinel's format. Unknown keys here are
 * errors, not warnings: this block is ours.
 */

const column = z
  .string({ invalid_type_error: 'expected a column name' })
  .regex(/^[A-Za-z_]\w*$/, 'expected a column name (letters, digits, _)');

const COLUMN_TYPES = ['string', 'guid', 'int', 'long', 'real', 'decimal', 'bool', 'datetime', 'timespan', 'dynamic'] as const;

const instant = z
  .union([z.string(), z.date()], { invalid_type_error: 'expected an ISO 8601 time such as 2026-11-27T10:00:00Z' })
  .transform((v, ctx) => {
    const d = v instanceof Date ? v : /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : new Date(NaN);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${String(v)}" is not an ISO 8601 time such as 2026-11-27T10:00:00Z` });
      return z.NEVER;
    }
    return d;
  });

/** A row: column → value; `$ingestionTime` sets what ingestion_time() returns for it. */
const row = z.record(z.unknown(), { invalid_type_error: 'expected a row (a map of column: value)' }).transform((values, ctx) => {
  const { $ingestionTime, ...rest } = values;
  for (const key of Object.keys(rest)) {
    if (!/^[A-Za-z_]\w*$/.test(key)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [key],
        message: `"${key}" is not a column name (use $ingestionTime for the ingestion time)`,
      });
      return z.NEVER;
    }
  }
  if ($ingestionTime === undefined) return { values: rest };
  const parsed = instant.safeParse($ingestionTime);
  if (!parsed.success) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['$ingestionTime'], message: parsed.error.issues[0].message });
    return z.NEVER;
  }
  return { values: rest, ingestionTime: parsed.data };
});

const table = z.union(
  [
    z.array(row).transform((rows) => ({ columns: {} as Record<string, string>, rows })),
    z
      .object({
        columns: z
          .record(column, z.enum(COLUMN_TYPES, { errorMap: () => ({ message: `expected one of ${COLUMN_TYPES.join(', ')}` }) }))
          .default({}),
        rows: z.array(row),
      })
      .strict(),
  ],
  { errorMap: () => ({ message: 'expected a list of rows, or {columns: {Column: type}, rows: [...]}' }) },
);

const keyValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const testCase = z
  .object({
    name: z.string({ required_error: 'required' }).min(1),
    key: column,
    tables: z.record(column, table, { required_error: 'required' }).refine((t) => Object.keys(t).length > 0, 'needs at least one table'),
    hits: z.array(keyValue).default([]),
    misses: z.array(keyValue).default([]),
    window: z.object({ start: instant, end: instant }).strict().optional(),
    now: instant.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.hits.length + c.misses.length === 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['hits'], message: 'a test case needs at least one expected hit or miss' });
    }
    const both = c.hits.filter((h) => c.misses.includes(h));
    if (both.length > 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['misses'], message: `listed as both hit and miss: ${both.join(', ')}` });
    }
    if (c.window && c.window.start >= c.window.end) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['window'], message: 'start must be before end' });
    }
  });

export const firstwatchSchema = z
  .object(
    {
      window: z
        .enum(['ingestion-time', 'query-period'], {
          errorMap: () => ({
            message: 'expected ingestion-time, or query-period for a rule imported unchanged (absent: query-period, with a warning)',
          }),
        })
        .optional(),
      enrichment: z.enum(['azure-vm-target'], { errorMap: () => ({ message: 'expected azure-vm-target' }) }).optional(),
      fingerprint: z
        .array(column, { invalid_type_error: 'expected a list of column names' })
        .min(1, 'needs at least one column')
        .optional(),
      card: z
        .object({
          subjectUpn: column,
          subjectName: column,
          subjectObjectId: column,
          action: column,
          sourceIp: column,
          location: column,
          insights: column,
          investigationPriority: column,
          ingestionTime: column,
        })
        .partial()
        .strict()
        .default({}),
      tests: z.array(testCase, { invalid_type_error: 'expected a list of test cases' }).default([]),
    },
    { invalid_type_error: 'expected a map' },
  )
  .strict()
  .default({});
