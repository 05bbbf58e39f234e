import type { Severity } from '../alerts/types';

export interface SeverityHint {
  level: Severity;
  emoji: string;
  /** Adaptive Card colour name (TextBlock color / Container style come from it). */
  colour: 'attention' | 'warning' | 'accent' | 'default';
  /** For surfaces that take a colour code (Slack attachments, terminals). */
  hex: string;
}

const HINTS: Readonly<Record<Severity, SeverityHint>> = {
  High: { level: 'High', emoji: '🔴', colour: 'attention', hex: '#D13438' },
  Medium: { level: 'Medium', emoji: '🟠', colour: 'warning', hex: '#F7630C' },
  Low: { level: 'Low', emoji: '🔵', colour: 'accent', hex: '#0078D4' },
  Informational: { level: 'Informational', emoji: '⚪', colour: 'default', hex: '#8A8886' },
};

export function severityHint(severity: Severity): SeverityHint {
  return HINTS[severity] ?? HINTS.Informational;
}
