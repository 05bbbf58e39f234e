import type { IncidentSyncStore } from './incident-sync-store';
import type { AlertStore } from './alert-store';
import type { ConversationStore } from './conversation-store';
import type { OutboxStore } from './outbox-store';
import type { BlindSpellStore } from './blind-spell-store';

export * from './alert-store';
export * from './conversation-store';
export * from './outbox-store';

/**
 * Everything FirstWatch keeps, one object for composition code; each consumer
 * asks for the role it uses. Asynchronous so that a Postgres implementation
 * (several replicas) fits behind the same interface as SQLite.
 */
export interface Store extends AlertStore, OutboxStore, ConversationStore, IncidentSyncStore, BlindSpellStore {
  close(): Promise<void>;
}

/** Raised for input a Store refuses; nothing was written. */
export class StoreInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreInputError';
  }
}
