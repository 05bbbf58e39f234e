import type { Classification } from './types';

export const CLASSIFICATIONS: readonly Classification[] = ['true_positive', 'benign_positive', 'false_positive'];

const ALIASES: Readonly<Record<string, Classification>> = {
  tp: 'true_positive',
  bp: 'benign_positive',
  fp: 'false_positive',
  true_positive: 'true_positive',
  benign_positive: 'benign_positive',
  false_positive: 'false_positive',
};

/** Accepts tp|bp|fp, true_positive, true-positive, any case. */
export function parseClassification(input: string): Classification | undefined {
  const key = input.trim().toLowerCase().replace(/-/g, '_');
  return Object.prototype.hasOwnProperty.call(ALIASES, key) ? ALIASES[key] : undefined;
}

export function isClassification(value: unknown): value is Classification {
  return typeof value === 'string' && (CLASSIFICATIONS as readonly string[]).includes(value);
}

/** "false positive" */
export function classificationLabel(c: Classification): string {
  return c.replace('_', ' ');
}
