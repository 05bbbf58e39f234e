import type { NewAlert } from '../alerts/types';
import type { AlertStore } from '../store/alert-store';

/**
 * Alerts stored before fingerprints named their workspace carry a rule-wide fingerprint. A row
 * seen again after the upgrade (the window overlap, a first run's look-back) gets a new
 * fingerprint, so the store alone would alert it twice: this finds, among `alerts`, the ones
 * this workspace already alerted under the rule-wide fingerprint (new fingerprint → stored id).
 * A rule-wide match in another workspace is not this row: before the upgrade it was the
 * other workspace's copy that swallowed this one, and this one is now alerted.
 */
export async function alertedUnderRuleWideFingerprint(
  store: Pick<AlertStore, 'findAlertsByFingerprint'>,
  detectionId: string,
  workspace: string,
  alerts: readonly NewAlert[],
  ruleWide: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (alerts.length === 0) return found;
  const wanted = [...new Set(alerts.map((a) => ruleWide.get(a.fingerprint)).filter((f): f is string => f !== undefined))];
  const stored = await store.findAlertsByFingerprint(detectionId, wanted);
  if (stored.length === 0) return found;
  const here = new Map(stored.filter((s) => s.workspace === workspace).map((s) => [s.fingerprint, s.id]));
  for (const a of alerts) {
    const id = here.get(ruleWide.get(a.fingerprint) ?? '');
    if (id !== undefined) found.set(a.fingerprint, id);
  }
  return found;
}
