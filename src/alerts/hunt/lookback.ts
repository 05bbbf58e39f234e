export type LookbackCheck = { ok: true; ms: number } | { ok: false; reason: string };

export interface LookbackLimits {
  /** Used when no look-back is given. */
  default: number;
  /** The longest look-back allowed. */
  max: number;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const LOOKBACK = /^([1-9][0-9]{0,5})([mhd])$/;

/** "90m" / "24h" / "7d" → milliseconds; empty → the default. Nothing else (no "1.5h", no "P1D"). */
export function parseLookback(text: string | undefined, limits: LookbackLimits): LookbackCheck {
  if (text === undefined || text.trim().length === 0) return { ok: true, ms: limits.default };
  const t = text.trim().toLowerCase();
  const m = LOOKBACK.exec(t);
  if (!m) {
    return { ok: false, reason: `"${text.trim().slice(0, 40)}" is not a look-back; use a whole number with m, h or d, like 90m, 24h or 7d` };
  }
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms > limits.max) return { ok: false, reason: `${t} is longer than the maximum look-back of ${formatDuration(limits.max)}` };
  return { ok: true, ms };
}

/** 604800000 → "7d", 5400000 → "90m" (the largest unit that divides evenly). */
export function formatDuration(ms: number): string {
  if (ms % UNIT_MS.d === 0) return `${ms / UNIT_MS.d}d`;
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h}h`;
  return `${Math.round(ms / UNIT_MS.m)}m`;
}
