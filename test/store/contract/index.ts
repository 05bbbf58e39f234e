import type { Store } from '../../../src/store/store';
import { describeAlertStoreContract } from './alerts';
import { describeConversationStoreContract } from './conversations';
import { describeIncidentSyncStoreContract } from './incident-sync';
import { describeOutboxStoreContract } from './outbox';
import { describeRedrawContract } from './redraws';
import { describeBudgetContract } from './budgets';
import { describeBlindSpellContract } from './blind-spells';
import type { MakeStore } from './support';

export type { MakeStore } from './support';

/** Every role's contract, run against one implementation. */
export function describeStoreContracts(name: string, makeStore: MakeStore<Store>): void {
  describeAlertStoreContract(name, makeStore);
  describeOutboxStoreContract(name, makeStore);
  describeRedrawContract(name, makeStore);
  describeBudgetContract(name, makeStore);
  describeConversationStoreContract(name, makeStore);
  describeIncidentSyncStoreContract(name, makeStore);
  describeBlindSpellContract(name, makeStore);
}
