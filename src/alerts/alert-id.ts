/** Alert ids are "FW-<n>"; n is a positive decimal of at most 12 digits. */
const ALERT_ID = /^FW-([1-9][0-9]{0,11})$/i;

/** Returns the canonical id ("fw-3" → "FW-3"), or undefined when the text is not an alert id. */
export function parseAlertId(input: string): string | undefined {
  const m = ALERT_ID.exec(input.trim());
  return m ? `FW-${m[1]}` : undefined;
}

export function isAlertId(value: unknown): value is string {
  return typeof value === 'string' && ALERT_ID.test(value) && value === value.toUpperCase();
}
