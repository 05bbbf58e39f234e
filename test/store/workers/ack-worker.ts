/**
 * Run as a separate process by the multi-process store test: acknowledges
 * FW-1..FW-<count> as one person, then drains the delivery outbox, and prints
 * what it got as one JSON line. Workers start together: each leaves a file in
 * <barrier dir> and waits until <parties> files are there.
 */
import fs from 'node:fs';
import { AlertService } from '../../../src/alerts/alert-service';
import { AllowListAuthorizer } from '../../../src/alerts/authorizer';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';

async function main(): Promise<void> {
  const [file, who, countText, claimAt, barrier, parties] = process.argv.slice(2);
  const store = new SqliteStore(file, { busyTimeoutMs: 20_000 });
  fs.writeFileSync(`${barrier}/${who}`, '');
  while (fs.readdirSync(barrier).length < Number(parties)) await new Promise((r) => setTimeout(r, 2));
  const service = new AlertService({ store, authorizer: new AllowListAuthorizer([]) });
  const actor = { platform: 'cli' as const, id: who, displayName: who };
  const outcomes: string[] = [];
  for (let i = 1; i <= Number(countText); i++) {
    outcomes.push((await service.acknowledge(`FW-${i}`, actor, `cli:${who}`)).outcome);
  }
  const claimed: number[] = [];
  for (;;) {
    const batch = await store.claimDueDeliveries(new Date(claimAt), 3);
    if (batch.length === 0) break;
    claimed.push(...batch.map((w) => w.delivery.id));
  }
  await store.close();
  process.stdout.write(`${JSON.stringify({ outcomes, claimed })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
