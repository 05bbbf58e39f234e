/**
 * A 32-bit signed key for pg_advisory_lock(int, int), from a scope name
 * (FNV-1a). Computed here rather than with the server's hashtext(), whose
 * output is not a documented, stable contract.
 */
export function lockKey(scope: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(scope, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h | 0;
}
