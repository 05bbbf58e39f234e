import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The KQL block of the seed detection (shared/seed/000_6911d07568a75629.txt), as published. */
const SEED_KQL = `BehaviorAnalytics
| where TimeGenerated > ago(1h)
| extend ActivityInsights = parse_json(ActivityInsights)
| where ActivityInsights.EventMessage has_any ('runCommand/action', 'extensions/write')
| where ActivityInsights.FirstTimeUserPerformedAction == "True"`;

const SEED_FILE = path.resolve(__dirname, '../../../shared/seed/000_6911d07568a75629.txt');

/** The seed's query, read from the shared seed file when this checkout sits beside it, else the copy above. */
export function seedQuery(): string {
  if (!existsSync(SEED_FILE)) return SEED_KQL;
  const m = /```kql\n([\s\S]*?)\n```/.exec(readFileSync(SEED_FILE, 'utf8'));
  if (!m) throw new Error(`${SEED_FILE} has no kql block`);
  return m[1];
}

export { SEED_KQL };
