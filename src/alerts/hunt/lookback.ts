import { formatInOneUnit, parseInOneUnit } from '../../time/duration';

export type LookbackCheck = { ok: true; ms: number } | { ok: false; reason: string };

export interface LookbackLimits {
  /** Used when no look-back is given. */
  default: number;
  /** The longest look-back allowed. */
  max: number;
}

/** At most six digits, no leading zero: "7d", "90m", never "0d" or "007d". */
const LOOKBACK_SHAPE = /^[1-9][0-9]{0,5}[mhd]$/;

/** "90m" / "24h" / "7d" → milliseconds; empty → the default. Nothing else (no "1.5h", no "P1D"). */
export function parseLookback(text: string | undefined, limits: LookbackLimits): LookbackCheck {
  if (text === undefined || text.trim().length === 0) return { ok: true, ms: limits.default };
  const t = text.trim().toLowerCase();
  const ms = LOOKBACK_SHAPE.test(t) ? parseInOneUnit(t) : undefined;
  if (ms === undefined) {
    return {
      ok: false,
      reason: `"${text.trim().slice(0, 40)}" is not a look-back; use a whole number with m, h or d, like 90m, 24h or 7d`,
    };
  }
  if (ms > limits.max) return { ok: false, reason: `${t} is longer than the maximum look-back of ${formatInOneUnit(limits.max)}` };
  return { ok: true, ms };
}
