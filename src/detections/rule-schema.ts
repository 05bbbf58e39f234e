import { z } from 'zod';
import { ENTITY_IDENTIFIERS, TACTICS } from './sentinel-vocabulary';
import { MAX_PERIOD_MS, MIN_FREQUENCY_MS, parseRuleTimespan } from './timespan';

/** zod schema of a scheduled rule in Sentinel's published YAML format (the fields FirstWatch acts on). */

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLACEHOLDER_RE = /\{\{\s*([A-Za-z_]\w*)\s*\}\}/g;

const nonEmpty = z.string({ required_error: 'required', invalid_type_error: 'expected text' }).trim().min(1, 'must not be empty');

const ruleTimespan = z
  .string({ required_error: 'required', invalid_type_error: 'expected a timespan such as 5m, 1h or 1d' })
  .transform((s, ctx) => {
    const ms = parseRuleTimespan(s);
    if (ms === undefined || ms < MIN_FREQUENCY_MS || ms > MAX_PERIOD_MS) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${s}" is not a timespan from 5m to 14d (e.g. 5m, 1h, 1d)` });
      return z.NEVER;
    }
    return { text: s.trim(), ms };
  });

const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'] as const;
const severity = z.string({ required_error: 'required' }).transform((s, ctx) => {
  const found = SEVERITIES.find((v) => v.toLowerCase() === s.trim().toLowerCase());
  if (!found) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${s}" is not one of ${SEVERITIES.join(', ')}` });
    return z.NEVER;
  }
  return found;
});

const OPERATORS: Record<string, 'gt' | 'lt' | 'eq' | 'ne'> = {
  gt: 'gt',
  greaterthan: 'gt',
  lt: 'lt',
  lessthan: 'lt',
  eq: 'eq',
  equal: 'eq',
  ne: 'ne',
  notequal: 'ne',
};
const triggerOperator = z.string({ required_error: 'required' }).transform((s, ctx) => {
  const op = OPERATORS[s.trim().toLowerCase()];
  if (!op) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${s}" is not one of gt, lt, eq, ne` });
    return z.NEVER;
  }
  return op;
});

const tactic = z.string().refine(
  (s) => (TACTICS as readonly string[]).includes(s),
  (s) => ({
    message: `"${s}" is not a Sentinel tactic (${TACTICS.join(', ')})`,
  }),
);

const technique = z.string().regex(/^T\d{4}(\.\d{3})?$/, 'expected a MITRE technique id such as T1651 or T1021.008');

const columnName = z
  .string({ invalid_type_error: 'expected a column name' })
  .regex(/^[A-Za-z_]\w*$/, 'expected a column name (letters, digits, _)');

const entityMapping = z
  .object(
    {
      entityType: z.string({ required_error: 'required' }).refine(
        (t) => t in ENTITY_IDENTIFIERS,
        (t) => ({
          message: `"${t}" is not a Sentinel entity type (${Object.keys(ENTITY_IDENTIFIERS).join(', ')})`,
        }),
      ),
      fieldMappings: z
        .array(z.object({ identifier: nonEmpty, columnName }).strict(), { required_error: 'required' })
        .min(1, 'needs at least 1 field mapping')
        .max(10, 'at most 10 field mappings'),
    },
    { invalid_type_error: 'expected {entityType, fieldMappings}' },
  )
  .strict()
  .superRefine((m, ctx) => {
    const allowed = ENTITY_IDENTIFIERS[m.entityType];
    if (!allowed) return;
    m.fieldMappings.forEach((f, i) => {
      if (!allowed.includes(f.identifier)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['fieldMappings', i, 'identifier'],
          message: `"${f.identifier}" is not an identifier of ${m.entityType} (${allowed.join(', ')})`,
        });
      }
    });
  });

function placeholders(format: string): string[] {
  return [...format.matchAll(PLACEHOLDER_RE)].map((m) => m[1]);
}

const format = (max: number) =>
  nonEmpty.max(max, `longer than ${max} characters`).refine((s) => placeholders(s).length <= 3, 'uses more than 3 {{Column}} placeholders');

const alertDetailsOverride = z
  .object({
    alertDisplayNameFormat: format(256).optional(),
    alertDescriptionFormat: format(5000).optional(),
    alertSeverityColumnName: columnName.optional(),
    alertTacticsColumnName: columnName.optional(),
  })
  .passthrough();

export const ruleSchema = z
  .object({
    id: z.string({ required_error: 'required' }).regex(GUID_RE, 'expected a GUID'),
    name: nonEmpty.pipe(z.string().max(256, 'longer than 256 characters')),
    description: nonEmpty.pipe(z.string().max(5000, 'longer than 5000 characters')),
    severity,
    queryFrequency: ruleTimespan,
    queryPeriod: ruleTimespan,
    triggerOperator,
    triggerThreshold: z
      .number({ required_error: 'required', invalid_type_error: 'expected a number' })
      .int('expected a whole number')
      .min(0)
      .max(10000),
    tactics: z.array(tactic, { invalid_type_error: 'expected a list' }).default([]),
    relevantTechniques: z.array(technique, { invalid_type_error: 'expected a list' }).default([]),
    query: nonEmpty.pipe(z.string().max(10000, 'longer than 10000 characters')),
    entityMappings: z
      .array(entityMapping, { invalid_type_error: 'expected a list' })
      .max(10, "at most 10 entity mappings (Sentinel's limit)")
      .default([]),
    customDetails: z
      .record(
        z
          .string()
          .regex(/^[a-zA-Z]+\w*$/, 'labels start with a letter and hold only letters, digits, _')
          .max(20, 'labels are at most 20 characters'),
        columnName,
        { invalid_type_error: 'expected a map of label: ColumnName' },
      )
      .refine((d) => Object.keys(d).length <= 20, 'at most 20 custom details')
      .default({}),
    alertDetailsOverride: alertDetailsOverride.optional(),
    version: z.union([z.string(), z.number()]).transform(String).optional(),
    kind: z.string({ required_error: 'required' }).refine(
      (k) => k === 'Scheduled',
      (k) => ({
        message: `"${k}" rules are not run by FirstWatch; only kind: Scheduled`,
      }),
    ),
  })
  .passthrough()
  .superRefine((r, ctx) => {
    if (r.queryPeriod.ms < r.queryFrequency.ms) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['queryPeriod'],
        message: `${r.queryPeriod.text} is shorter than queryFrequency ${r.queryFrequency.text}`,
      });
    }
  });

export { placeholders };
